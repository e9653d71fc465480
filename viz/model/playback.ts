// Playing a run: each animation frame moves virtual time on by the wall time since the
// last frame times the speed, and the cursor over every record up to that time. When
// nothing on screen is moving, the idle stretch up to the next record is skipped (a
// ten-minute backoff or a three-hour crash would otherwise play as dead air). At the
// end of what the worker has sent, time stops at the worker's next step and the page
// asks it to run on. In walkthrough mode, play stops at each annotation.

import type { TraceRecord } from "../../sim/trace.ts";
import type { Cursor } from "./view-model.ts";

export interface PlayInput {
  cursor: Cursor;
  records: readonly TraceRecord[];
  /** Wall-clock ms since the last frame. */
  wallMs: number;
  /** Virtual ms per wall ms. */
  speed: number;
  /** Something on screen moves: messages in flight, losses fading. */
  busy: boolean;
  /** When every received record is shown: the virtual time of the worker's next step (null: nothing more will come). */
  nextAtMs: number | null;
  /** Stop at notes (the guided walkthrough). */
  walkthrough: boolean;
}

export interface PlayOutput {
  cursor: Cursor;
  /** Ask the worker to run until this virtual time (null: no need). */
  want: number | null;
  /** Nothing more to show: the run (or the free play after it) is quiet. */
  ended: boolean;
  /** Play stopped at this note (walkthrough). */
  stoppedAtNote: number | null;
}

export function playFrame(p: PlayInput): PlayOutput {
  const { records } = p;
  let t = p.cursor.atMs + Math.max(0, p.wallMs) * p.speed;
  const next = records[p.cursor.seq + 1];
  const nextAt = next ? next.atMs : p.nextAtMs;
  if (!p.busy && nextAt !== null && nextAt > t) t = nextAt;
  let seq = p.cursor.seq;
  while (seq + 1 < records.length && records[seq + 1]!.atMs <= t) {
    seq++;
    if (p.walkthrough && records[seq]!.kind === "note" && seq > p.cursor.seq) {
      return { cursor: { seq, atMs: records[seq]!.atMs }, want: null, ended: false, stoppedAtNote: seq };
    }
  }
  let want: number | null = null;
  let ended = false;
  if (seq === records.length - 1) {
    if (p.nextAtMs === null) ended = !p.busy;
    else if (t >= p.nextAtMs) {
      want = t;
      t = p.nextAtMs;
    }
  }
  return { cursor: { seq, atMs: t }, want, ended, stoppedAtNote: null };
}
