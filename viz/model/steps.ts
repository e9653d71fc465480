// Records and simulation steps. The worker tells the page, for every step, how many
// records the trace held after it (stepEnds[k], k = 0 before the first step). The page's
// cursor is a record; an intervention made there happens after the step that record
// belongs to — that is what `afterStep` means in the recorded recipe.

import type { TraceRecord } from "../../sim/trace.ts";

/** The last step whose records are all at or before `seq` (0: before the first step). */
export function stepAtSeq(stepEnds: readonly number[], seq: number): number {
  let lo = 0;
  let hi = stepEnds.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (stepEnds[mid]! <= seq + 1) lo = mid + 1;
    else hi = mid;
  }
  return Math.max(0, lo - 1);
}

/** The last record of a step (-1 when the step produced none before it). */
export function lastSeqOfStep(stepEnds: readonly number[], step: number): number {
  const k = Math.min(Math.max(step, 0), stepEnds.length - 1);
  return (stepEnds[k] ?? 0) - 1;
}

/** Kinds that say how a request travelled, not what happened: "step" skips over them. */
const PLUMBING = new Set(["rpc.request", "rpc.response", "net.delayed"]);

/** The next record worth a step of its own after `seq` (null: none received yet). */
export function nextEventSeq(records: readonly TraceRecord[], seq: number): number | null {
  for (let i = seq + 1; i < records.length; i++) if (!PLUMBING.has(records[i]!.kind)) return i;
  return null;
}

/** The previous such record before `seq` (-1: the start). */
export function previousEventSeq(records: readonly TraceRecord[], seq: number): number {
  for (let i = seq - 1; i >= 0; i--) if (!PLUMBING.has(records[i]!.kind)) return i;
  return -1;
}

/** The last record at or before virtual time `atMs` (-1: none). */
export function seqAtTime(records: readonly TraceRecord[], atMs: number): number {
  let lo = 0;
  let hi = records.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (records[mid]!.atMs <= atMs) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}
