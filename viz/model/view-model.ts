// What to draw at a point of the trace: the view model. A pure function of the records
// up to `seq` and the virtual time `atMs` (which lies between record seq and the next:
// it moves the messages in flight) and the room the reader selected. The D3 code only
// binds what this returns.

import { versionAt, type DagLog } from "./dag-log.ts";
import { dagAt, type ServerDag } from "./dag.ts";
import { dagTrailAt, type DagTrail } from "./dag-trail.ts";
import type { LiveState, RunStart } from "./live-state.ts";
import { networkAt, type NetworkVm } from "./network.ts";
import { spaceTimeAt, type SpaceTimeVm } from "./space-time.ts";
import { stateTableAt, type StateTable } from "./state-table.ts";
import type { Note, TraceModel } from "./trace-model.ts";

export interface Cursor {
  /** The last record shown (-1: none yet). */
  seq: number;
  /** Virtual time shown, at or after that record's. */
  atMs: number;
}

export interface ViewOptions {
  /** The room whose DAG and state to show (default: the first room of the trace). */
  room?: string | null;
  /**
   * A cache of the parts that depend only on (seq, room): the DAGs and the state table.
   * Animation frames at the same seq reuse them; the result is the same either way.
   */
  memo?: ViewMemo;
}

export interface ViewMemo {
  key?: string;
  dags?: ServerDag[];
  stateTable?: StateTable;
  /** Each server's DAG by "generation|room|server|version": a server whose log did not change keeps its DAG. */
  dagByVersion?: Map<string, ServerDag>;
  /** Each server's DAG as last derived, by "generation|room|server", extended as the cursor moves on. */
  trails?: Map<string, DagTrail>;
}

export interface ViewModel {
  seq: number;
  atMs: number;
  /** The seq the DAGs and the state table were derived at (= seq, except in motionAt). */
  detailSeq: number;
  run: RunStart | null;
  phase: string | null;
  end: { reason: string; steps: number } | null;
  /** The cursor is past the scenario's end: free play (the end's verdict is history). */
  freePlay: boolean;
  rooms: string[];
  room: string | null;
  network: NetworkVm;
  /** One per server of the run, sorted (empty for a server that does not hold the room). */
  dags: ServerDag[];
  stateTable: StateTable;
  spaceTime: SpaceTimeVm;
  /** The walkthrough sentence in force: the latest note at or before the cursor. */
  annotation: Note | null;
  inFlight: { messages: number; pdus: number };
}

export function viewModelAt(model: TraceModel, cursor: Cursor, options: ViewOptions = {}): ViewModel {
  const seq = Math.min(cursor.seq, model.length - 1);
  const live = model.liveAt(seq);
  const atMs = Math.max(cursor.atMs, live.atMs);
  const room = pickRoom(live, options.room);
  const servers = serversOf(live);
  const key = `${model.generation}|${seq}|${room}`;
  const memo = options.memo;
  const fresh = !memo || memo.key !== key;
  const dags = fresh ? dagsAt(model, room, servers, seq, memo) : memo.dags!;
  const stateTable = fresh ? stateTableAt(live, room, (id) => model.events.get(id)) : memo.stateTable!;
  if (memo && fresh) Object.assign(memo, { key, dags, stateTable });
  const widths = new Map(dags.filter((d) => d.nodes.length > 0).map((d) => [d.server, d.width] as const));
  const network = networkAt(live, atMs, { widths, divergent: stateTable.divergent });
  let pdus = 0;
  for (const m of network.messages) pdus += m.pdus;
  return {
    seq,
    atMs,
    detailSeq: seq,
    run: live.run,
    phase: live.phase,
    end: live.end,
    freePlay: freePlayAt(live, seq),
    rooms: [...live.rooms],
    room,
    network,
    dags,
    stateTable,
    spaceTime: spaceTimeAt(model, seq, atMs, servers),
    annotation: live.note,
    inFlight: { messages: network.messages.length, pdus },
  };
}

/** Past the run.end record: whatever follows it is free play. */
function freePlayAt(live: LiveState, seq: number): boolean {
  return live.endSeq !== null && seq > live.endSeq;
}

export function pickRoom(live: LiveState, wanted: string | null | undefined): string | null {
  if (wanted && live.rooms.includes(wanted)) return wanted;
  return live.rooms[0] ?? null;
}

/** The run's servers (from run.start), or every server the trace mentions. */
export function serversOf(live: LiveState): string[] {
  return live.run ? [...live.run.servers].sort() : [...live.servers.keys()].sort();
}

const EMPTY_LOG = (room: string, server: string): DagLog => ({
  room,
  server,
  entries: [],
  byId: new Map(),
  touches: [],
});

export function dagsAt(
  model: TraceModel,
  room: string | null,
  servers: readonly string[],
  seq: number,
  memo?: ViewMemo,
): ServerDag[] {
  if (!room) return [];
  const logs = model.dags.get(room);
  const cache = memo ? (memo.dagByVersion ??= new Map()) : undefined;
  const kept = new Map<string, ServerDag>();
  const out = servers.map((s) => {
    const log = logs?.get(s) ?? EMPTY_LOG(room, s);
    const key = `${model.generation}|${room}|${s}|${versionAt(log, seq)}`;
    const dag =
      cache?.get(key) ?? (memo ? trailed(memo, `${model.generation}|${room}|${s}`, log, seq) : dagAt(log, seq));
    kept.set(key, dag);
    return dag;
  });
  // Keep only what the next frame may ask for again (a trail of another room or generation is dropped).
  if (cache) {
    cache.clear();
    for (const [k, v] of kept) cache.set(k, v);
  }
  const current = `${model.generation}|${room}|`;
  for (const k of memo?.trails?.keys() ?? []) if (!k.startsWith(current)) memo!.trails!.delete(k);
  return out;
}

/** The server's DAG at `seq`, extending the one derived last time (only what arrived since is laid out). */
function trailed(memo: ViewMemo, key: string, log: DagLog, seq: number): ServerDag {
  const trails = (memo.trails ??= new Map());
  const trail = dagTrailAt(log, seq, trails.get(key));
  trails.set(key, trail);
  return trail.dag;
}

/**
 * Between two full view models, the parts that move every animation frame: the network
 * (messages, losses, backoff timers, cuts) and the space-time cursor at the new cursor,
 * with the DAGs and the state table (and the widths and badges drawn from them) kept
 * from `base`. The page refreshes those a few times a second while playing: no reader
 * follows a DAG at 60 frames per second, and they are most of a frame's work.
 */
export function motionAt(model: TraceModel, cursor: Cursor, base: ViewModel): ViewModel {
  const seq = Math.min(cursor.seq, model.length - 1);
  const live = model.liveAt(seq);
  const atMs = Math.max(cursor.atMs, live.atMs);
  const widths = new Map(base.dags.filter((d) => d.nodes.length > 0).map((d) => [d.server, d.width] as const));
  const network = networkAt(live, atMs, { widths, divergent: base.stateTable.divergent });
  let pdus = 0;
  for (const m of network.messages) pdus += m.pdus;
  return {
    ...base,
    seq,
    atMs,
    phase: live.phase,
    end: live.end,
    freePlay: freePlayAt(live, seq),
    network,
    spaceTime: spaceTimeAt(model, seq, atMs, base.spaceTime.lanes),
    annotation: live.note,
    inFlight: { messages: network.messages.length, pdus },
  };
}
