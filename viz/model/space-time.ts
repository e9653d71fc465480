// The space-time diagram at one moment: a lane per server, the federation transactions
// as arrows between lanes, faults and interventions marked on the time axis, the
// events each server created as dots. There is no cap: the arrays are the trace model's
// append-only logs (shared, never copied), with counts saying how much of each exists
// at the cursor, and the drawing code asks for the index range of a time window.

import type { TraceModel } from "./trace-model.ts";
import { countUpTo, type LaneDot, type Mark, type TxnArrow } from "./space-time-log.ts";
import type { TimeAxis } from "./time-axis.ts";

export interface SpaceTimeVm {
  lanes: string[];
  /** All arrows received so far; the first `arrowCount` exist at the cursor. */
  arrows: readonly TxnArrow[];
  arrowCount: number;
  marks: readonly Mark[];
  markCount: number;
  dots: readonly LaneDot[];
  dotCount: number;
  axis: TimeAxis;
  /** The longest an arrow has lasted (for culling by time window). */
  spanMsMax: number;
  seq: number;
  cursorAtMs: number;
  /** Virtual time of the last record received (the diagram may show what lies past the cursor, dimmed). */
  headAtMs: number;
}

export function spaceTimeAt(model: TraceModel, seq: number, atMs: number, lanes: readonly string[]): SpaceTimeVm {
  const st = model.spaceTime;
  const last = model.records[model.records.length - 1];
  return {
    lanes: [...lanes].sort(),
    arrows: st.arrows,
    arrowCount: countUpTo(st.arrows, seq),
    marks: st.marks,
    markCount: countUpTo(st.marks, seq),
    dots: st.dots,
    dotCount: countUpTo(st.dots, seq),
    axis: model.axis,
    spanMsMax: st.spanMsMax,
    seq,
    cursorAtMs: atMs,
    headAtMs: last?.atMs ?? 0,
  };
}

/**
 * The arrows to draw for a window of virtual time: indices [start, end) of `arrows`
 * (sorted by send time). `spanMsMax` is how long an arrow may last (a held message can
 * cross a whole window), so arrows sent that much before the window are included.
 */
export function arrowRange(
  arrows: readonly TxnArrow[],
  count: number,
  fromMs: number,
  toMs: number,
  spanMsMax: number,
): [number, number] {
  const lower = (t: number) => {
    let lo = 0;
    let hi = count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (arrows[mid]!.sentAtMs < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const upper = (t: number) => {
    let lo = 0;
    let hi = count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (arrows[mid]!.sentAtMs <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return [lower(fromMs - spanMsMax), upper(toMs)];
}
