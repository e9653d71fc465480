// Everything the view derives from a trace, kept as records arrive: the records
// themselves, the append-only logs (DAGs, space-time, notes, the shortened time axis)
// and the live-state fold with a checkpoint every CHECKPOINT_EVERY records, so that the
// state at any seq costs at most that many applyRecord() calls (scrubbing back is
// cheap) and the memory stays linear in the trace.

import type { PduSummary, TraceRecord } from "../../sim/trace.ts";
import { logRecord, type DagLogs } from "./dag-log.ts";
import { applyRecord, cloneLiveState, emptyLiveState, type LiveState } from "./live-state.ts";
import { emptySpaceTimeLog, logSpaceTime, type SpaceTimeLog } from "./space-time-log.ts";
import { TimeAxis } from "./time-axis.ts";

export const CHECKPOINT_EVERY = 256;

export interface Note {
  seq: number;
  atMs: number;
  text: string;
}

export class TraceModel {
  readonly records: TraceRecord[] = [];
  dags: DagLogs = new Map();
  spaceTime: SpaceTimeLog = emptySpaceTimeLog();
  axis = new TimeAxis();
  notes: Note[] = [];
  /** Bumped when records are forgotten (truncate): what was derived from a seq may have changed. */
  generation = 0;
  /** Any server's copy of each event, by id (for the state table's cells and hovers). */
  events = new Map<string, PduSummary>();
  /** checkpoints[i] is the live state after the first i·CHECKPOINT_EVERY records. */
  private checkpoints: LiveState[] = [emptyLiveState()];
  private head: LiveState = emptyLiveState();
  private cursor: LiveState | null = null;

  constructor(records: readonly TraceRecord[] = []) {
    this.append(records);
  }

  get length(): number {
    return this.records.length;
  }

  append(batch: readonly TraceRecord[]): void {
    for (const r of batch) {
      if (r.seq !== this.records.length)
        throw new Error(`trace record out of order: expected seq ${this.records.length}, got ${r.seq}`);
      this.records.push(r);
      this.index(r);
      applyRecord(this.head, r);
      if (this.records.length % CHECKPOINT_EVERY === 0) this.checkpoints.push(cloneLiveState(this.head));
    }
  }

  /** Forget every record from `length` on (a run re-made from an earlier step). */
  truncate(length: number): void {
    if (length >= this.records.length) return;
    this.generation++;
    const kept = this.records.slice(0, length);
    this.records.length = 0;
    this.dags = new Map();
    this.spaceTime = emptySpaceTimeLog();
    this.axis = new TimeAxis();
    this.notes = [];
    this.events = new Map();
    this.checkpoints = [emptyLiveState()];
    this.head = emptyLiveState();
    this.cursor = null;
    this.append(kept);
  }

  /**
   * The live state after the record `seq` (-1: before any). The object returned is
   * reused by the next call: read it, do not keep or change it.
   */
  liveAt(seq: number): LiveState {
    const target = Math.min(Math.max(seq, -1), this.records.length - 1);
    if (target === this.head.seq) return this.head;
    const base = Math.floor((target + 1) / CHECKPOINT_EVERY);
    const baseSeq = base * CHECKPOINT_EVERY - 1;
    // From the cursor when it is behind the target and no further from it than the
    // checkpoint: playing forward crosses a checkpoint every 256 records, and copying it
    // there (hundreds of messages in flight at thirty servers) cost more than folding on.
    if (!this.cursor || this.cursor.seq > target || target - this.cursor.seq > target - baseSeq)
      this.cursor = cloneLiveState(this.checkpoints[base]!);
    for (let i = this.cursor.seq + 1; i <= target; i++) applyRecord(this.cursor, this.records[i]!);
    return this.cursor;
  }

  private index(r: TraceRecord): void {
    this.axis.observe(r.atMs);
    logRecord(this.dags, r);
    logSpaceTime(this.spaceTime, r);
    if (r.kind === "note") this.notes.push({ seq: r.seq, atMs: r.atMs, text: r.text });
    if ("prevEvents" in r && "event" in r && !this.events.has(r.event)) {
      const { type, stateKey, sender, prevEvents, authEvents, depth, originServerTs, content } = r;
      this.events.set(r.event, {
        type,
        ...(stateKey !== undefined ? { stateKey } : {}),
        sender,
        prevEvents,
        authEvents,
        depth,
        originServerTs,
        content,
      });
    }
  }
}
