// What to draw at a point of the trace: the view model. A pure function of the records
// up to `seq` and the virtual time `atMs` (which lies between record seq and the next:
// it moves the messages in flight) and the room the reader selected. The D3 code only
// binds what this returns.

import { versionAt, type DagLog } from "./dag-log.ts";
import { dagAt, type ServerDag } from "./dag.ts";
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
  /**
   * At most this many servers' DAGs derived afresh (default: all). While playing, the page
   * spreads a refresh over a few frames this way; the others keep their last DAG (from
   * the memo) and `staleDags` says how many are behind. At rest: all of them.
   */
  dagBudget?: number;
  /**
   * With a dagBudget: the refresh this call belongs to. A server derived earlier in the
   * same refresh is done for it (even if its log moved on since), so a spread refresh
   * ends after servers ÷ budget frames however busy the room.
   */
  refresh?: number;
}

export interface ViewMemo {
  key?: string;
  dags?: ServerDag[];
  stateTable?: StateTable;
  /** Each server's DAG by "generation|room|server|version": a server whose log did not change keeps its DAG. */
  dagByVersion?: Map<string, ServerDag>;
  /** Each server's last derived DAG (possibly behind, under a dagBudget), and when it was derived. */
  lastDag?: Map<string, { dag: ServerDag; room: string; generation: number; turn: number; refresh?: number }>;
  turn?: number;
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
  /** How many servers' DAGs are behind the cursor (a dagBudget left them for the next frames). */
  staleDags: number;
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
  const derived = fresh
    ? dagsAt(model, room, servers, seq, memo, options.dagBudget, options.refresh)
    : { dags: memo.dags!, stale: 0 };
  const dags = derived.dags;
  const stateTable = fresh ? stateTableAt(live, room, (id) => model.events.get(id)) : memo.stateTable!;
  // A partial refresh is not memoised: the next call derives the rest.
  if (memo && fresh) Object.assign(memo, { key: derived.stale ? undefined : key, dags, stateTable });
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
    staleDags: derived.stale,
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

/**
 * Each server's DAG at seq. With a memo, a server whose log did not change keeps its DAG;
 * with a `budget`, at most that many are derived afresh — those waiting longest first —
 * and the rest keep their last DAG (`stale` counts them).
 */
export function dagsAt(
  model: TraceModel,
  room: string | null,
  servers: readonly string[],
  seq: number,
  memo?: ViewMemo,
  budget = Infinity,
  refresh?: number,
): { dags: ServerDag[]; stale: number } {
  if (!room) return { dags: [], stale: 0 };
  const logs = model.dags.get(room);
  const cache = memo ? (memo.dagByVersion ??= new Map()) : undefined;
  const last = memo ? (memo.lastDag ??= new Map()) : undefined;
  const turn = memo ? (memo.turn = (memo.turn ?? 0) + 1) : 0;
  const keys = servers.map(
    (s) => `${model.generation}|${room}|${s}|${versionAt(logs?.get(s) ?? EMPTY_LOG(room, s), seq)}`,
  );
  // Servers whose DAG must be derived, the ones refreshed longest ago first.
  const due = servers
    .map((s, i) => i)
    .filter((i) => !cache?.has(keys[i]!) && (refresh === undefined || last?.get(servers[i]!)?.refresh !== refresh))
    .sort((a, b) => (last?.get(servers[a]!)?.turn ?? -1) - (last?.get(servers[b]!)?.turn ?? -1) || a - b);
  const now = new Set(due.slice(0, budget));
  let stale = 0;
  const kept = new Map<string, ServerDag>();
  const dags = servers.map((s, i) => {
    const key = keys[i]!;
    const cached = cache?.get(key);
    const behind = last?.get(s);
    const usable = behind && behind.room === room && behind.generation === model.generation;
    if (!cached && usable && refresh !== undefined && behind.refresh === refresh) return behind.dag;
    if (!cached && usable && !now.has(i)) {
      stale++;
      return behind.dag;
    }
    const dag = cached ?? dagAt(logs?.get(s) ?? EMPTY_LOG(room, s), seq);
    kept.set(key, dag);
    if (!cached) last?.set(s, { dag, room, generation: model.generation, turn, refresh });
    return dag;
  });
  // Keep only what the next frame may ask for again.
  if (cache) {
    cache.clear();
    for (const [k, v] of kept) cache.set(k, v);
  }
  return { dags, stale };
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
