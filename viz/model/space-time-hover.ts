// What the space-time diagram says about the thing under the mouse: a hit test over what
// the last drawing put where (arrows as segments, marks as vertical lines, refusals as
// circles), and the words for a transaction — what it carried, from, to, when, and how
// it ended as of the cursor. Pure, so the hover costs a scan of the visible items and
// nothing else.

import type { Mark, TxnArrow } from "./space-time-log.ts";
import { arrowAt } from "./space-time-log.ts";

/** Where the last drawing put each hoverable thing (canvas CSS pixels). */
export interface HitTargets {
  /** Arrows as x1, y1, x2, y2 per segment, with the index into the arrows of each. */
  segments: number[];
  arrowIndex: number[];
  /** Marks on the axis (a vertical line at x) or on a lane (a circle at x, y). */
  marks: Array<{ index: number; x: number; y: number | null }>;
}

export function emptyTargets(): HitTargets {
  return { segments: [], arrowIndex: [], marks: [] };
}

export type Hit = { kind: "arrow"; index: number } | { kind: "mark"; index: number } | null;

/** How near the pointer must come, in CSS pixels. */
const ARROW_REACH = 5;
const MARK_REACH = 4;
const CIRCLE_REACH = 8;

/** The thing under (x, y): a lane mark first (small and on top), then the nearest arrow, then an axis mark. */
export function hitAt(t: HitTargets, x: number, y: number): Hit {
  for (const m of t.marks)
    if (m.y !== null && Math.hypot(m.x - x, m.y - y) <= CIRCLE_REACH) return { kind: "mark", index: m.index };
  let best = -1;
  let bestD = ARROW_REACH;
  for (let i = 0; i < t.arrowIndex.length; i++) {
    const d = segmentDistance(
      x,
      y,
      t.segments[4 * i]!,
      t.segments[4 * i + 1]!,
      t.segments[4 * i + 2]!,
      t.segments[4 * i + 3]!,
    );
    if (d <= bestD) [best, bestD] = [i, d];
  }
  if (best >= 0) return { kind: "arrow", index: t.arrowIndex[best]! };
  for (const m of t.marks) if (m.y === null && Math.abs(m.x - x) <= MARK_REACH) return { kind: "mark", index: m.index };
  return null;
}

function segmentDistance(px: number, py: number, x1: number, y1: number, x2: number, y2: number): number {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.min(1, Math.max(0, ((px - x1) * dx + (py - y1) * dy) / len2));
  return Math.hypot(px - (x1 + t * dx), py - (y1 + t * dy));
}

/** A transaction in words, as it stood at record `seq` (what lies past the cursor is "not sent yet"). */
export function describeArrow(a: TxnArrow, seq: number, formatTime: (ms: number) => string): string[] {
  const what = `transaction ${a.txnId}: ${a.pdus} PDU${a.pdus === 1 ? "" : "s"}${a.catchUp ? " (catching up)" : ""}`;
  const lines = [what, `from ${a.from} to ${a.to}`];
  if (a.seq > seq) return [...lines, `sent at ${formatTime(a.sentAtMs)} — after the cursor`];
  lines.push(`sent at ${formatTime(a.sentAtMs)}`);
  const st = arrowAt(a, seq);
  if (st.state === "arrived") lines.push(`arrived at ${formatTime(st.endAtMs!)}`);
  else if (st.state === "lost") {
    const lost = a.lost && a.lost.seq <= seq ? `lost at ${formatTime(a.lost.atMs)} (${a.lost.fault})` : null;
    if (lost) lines.push(lost);
  } else if (a.deliverAtMs !== null) lines.push(`in the air, due at ${formatTime(a.deliverAtMs)}`);
  else lines.push("in the air (held)");
  if (st.outcome === "ok") lines.push(`outcome: acknowledged at ${formatTime(a.outcome!.atMs)}`);
  else if (st.outcome === "failed")
    lines.push(`outcome: failed at ${formatTime(a.outcome!.atMs)}${a.outcome!.error ? ` — ${a.outcome!.error}` : ""}`);
  else lines.push("outcome: waiting for the response");
  return lines;
}

/** A mark in words: its label and when. */
export function describeMark(m: Mark, formatTime: (ms: number) => string): string[] {
  return [m.label, `at ${formatTime(m.atMs)}${m.server ? ` on ${m.server}` : ""}`];
}
