// Auth chains on dense integer indices, computed once per event and kept for the life of
// the index (one per room). Spec: rooms/fragments/v2-state-res.md "Auth chain", "Auth
// difference"; rooms/v12.md "Conflicted state subgraph".
//
// Representation: a chain cover. Every event gets an index (its auth events always have
// smaller ones) and a place (chain, seq) on a chain: a run of events where each one cites
// the one before it directly, so an event reaches every lower seq of its own chain. We
// extend a chain when an event cites the chain's tip with the same (type, state_key) —
// the histories of the PL event, the join rules, each user's membership — and otherwise
// start a new one. For each event we store, once, per chain the highest seq it reaches
// (`reach`, sorted by chain). An auth chain is then "seqs 1..max on each chain", so:
//   - a set's full auth chain is one maximum per chain (merge of its events' `reach`);
//   - the auth difference is, per chain, the seqs between the smallest and the largest
//     of those maxima: work proportional to the answer, not to the room's history;
//   - "x reaches y" is one binary search in `reach(x)`.
// No chain is ever walked twice: `reach` of a new event is merged from its auth events'.

import type { Pdu } from "../events.ts";
import { isStateEvent } from "../events.ts";
import type { EventId } from "../ids.ts";
import type { RoomVersion, RoomVersionLike } from "../room-versions.ts";
import { toRoomVersion } from "../room-versions.ts";
import { stateKey } from "../state-map.ts";
import { effectiveAuthEventIds, mustFetch, sortedIds } from "./event-lookup.ts";
import type { FetchEvent } from "./types.ts";

/** The most steps one indexing walk may take before we call the input broken. */
export const AUTH_WALK_STEPS_MAX = 10_000_000;

export interface AuthChainIndexOptions {
  /** The room's version (its flags decide the implied create edge of v12). */
  roomVersion?: RoomVersionLike;
  /** Where to find events not yet indexed. */
  fetchEvent?: FetchEvent;
  /** Override AUTH_WALK_STEPS_MAX (tests use small values). */
  walkStepsMax?: number;
}

/**
 * One per room, made by the caller (`new AuthChainIndex()`) and passed to every
 * resolution in `options.authChains`, or made by resolveState for one call. The room
 * version and the event lookup may be given here or are attached by resolveState.
 */
export class AuthChainIndex {
  private version: RoomVersion | undefined;
  private fetchEvent: FetchEvent | undefined;
  private readonly walkStepsMax: number;

  private readonly ids: EventId[] = [];
  private readonly byId = new Map<EventId, number>();
  /** Per index: indices of its (effective) auth events, deduplicated. */
  private readonly authOf: Int32Array[] = [];
  private readonly chainOf: number[] = [];
  /** 1-based position on its chain. */
  private readonly seqOf: number[] = [];
  /** Per chain: its events by seq - 1. */
  private readonly chainMembers: number[][] = [];
  /** Per chain: the (type, state_key) its events share ("" for non-state events). */
  private readonly chainKey: string[] = [];
  /** Per index: [chain, maxSeq, chain, maxSeq, ...], chains ascending, strict reach. */
  private readonly reach: Int32Array[] = [];
  /** Scratch for merging: per chain the best seq so far (0 = none). */
  private scratch = new Int32Array(64);

  constructor(options: AuthChainIndexOptions = {}) {
    this.version = options.roomVersion === undefined ? undefined : toRoomVersion(options.roomVersion);
    this.fetchEvent = options.fetchEvent;
    this.walkStepsMax = options.walkStepsMax ?? AUTH_WALK_STEPS_MAX;
  }

  /**
   * Set the event lookup for what follows, and the room version if not yet known. An index
   * belongs to one room: a different room version is an error.
   */
  attach(roomVersion: RoomVersionLike, fetchEvent: FetchEvent): void {
    const version = toRoomVersion(roomVersion);
    if (this.version !== undefined && this.version.id !== version.id) {
      throw new Error(`AuthChainIndex: built for room version ${this.version.id}, used with ${version.id}`);
    }
    this.version = version;
    this.fetchEvent = fetchEvent;
  }

  /** The room version, once known. */
  get roomVersion(): RoomVersion | undefined {
    return this.version;
  }

  /** How many events have an index. */
  get size(): number {
    return this.ids.length;
  }

  /** How many chains the cover has (for benchmarks and --explain). */
  get chainCount(): number {
    return this.chainMembers.length;
  }

  /** The index of an event, indexing it and its unindexed ancestors first. */
  indexOf(id: EventId): number {
    const known = this.byId.get(id);
    return known !== undefined ? known : this.indexNew(id);
  }

  idOf(index: number): EventId {
    const id = this.ids[index];
    if (id === undefined) throw new Error(`AuthChainIndex: no event has index ${index}`);
    return id;
  }

  /** Indices of the event's auth events (room version 12: with the implied create event). */
  authIndicesOf(index: number): Int32Array {
    return this.authOf[index]!;
  }

  /** The auth chain of one event (not including it), ids sorted. */
  authChain(id: EventId): EventId[] {
    return sortedIds(this.authChainIndices(this.indexOf(id)).map((i) => this.ids[i]!));
  }

  /** The auth chain of one event as indices, ascending. */
  authChainIndices(index: number): number[] {
    const out: number[] = [];
    const r = this.reach[index]!;
    for (let i = 0; i < r.length; i += 2) {
      const members = this.chainMembers[r[i]!]!;
      for (let s = 0; s < r[i + 1]!; s++) out.push(members[s]!);
    }
    return out.sort((a, b) => a - b);
  }

  /** Whether `to` is in the auth chain of `from` (strictly: an event does not reach itself). */
  reaches(from: number, to: number): boolean {
    const chain = this.chainOf[to]!;
    if (this.chainOf[from] === chain) return this.seqOf[from]! > this.seqOf[to]!;
    return this.reachOnChain(from, chain) >= this.seqOf[to]!;
  }

  /**
   * The auth difference of some state sets (each given by its event ids): the events in
   * some but not all of their full auth chains. `includeStateEvents` says whether a set's
   * full auth chain contains the set's own events (Synapse) or only their auth chains.
   */
  authDifference(sets: ReadonlyArray<Iterable<EventId>>, options: { includeStateEvents: boolean }): EventId[] {
    return sortedIds(this.authDifferenceIndices(sets, options).map((i) => this.ids[i]!));
  }

  authDifferenceIndices(sets: ReadonlyArray<Iterable<EventId>>, options: { includeStateEvents: boolean }): number[] {
    if (sets.length === 0) return [];
    const maxima = sets.map((set) => this.chainMaxima([...set].map((id) => this.indexOf(id)), options.includeStateEvents));
    const chains = new Set<number>();
    for (const m of maxima) for (const c of m.keys()) chains.add(c);
    const out: number[] = [];
    for (const c of chains) {
      let lo = Number.POSITIVE_INFINITY;
      let hi = 0;
      for (const m of maxima) {
        const top = m.get(c) ?? 0;
        if (top < lo) lo = top;
        if (top > hi) hi = top;
      }
      // Seqs 1..lo are in every chain, lo+1..hi in some but not all.
      const members = this.chainMembers[c]!;
      for (let s = lo; s < hi; s++) out.push(members[s]!);
    }
    return out.sort((a, b) => a - b);
  }

  /**
   * since v12 (v2.1): the conflicted state subgraph of some conflicted events — every
   * event on an auth path from one of them to another, endpoints included.
   */
  conflictedSubgraph(ids: Iterable<EventId>): EventId[] {
    return sortedIds(this.conflictedSubgraphIndices(ids).map((i) => this.ids[i]!));
  }

  conflictedSubgraphIndices(ids: Iterable<EventId>): number[] {
    const conflicted = [...new Set([...ids].map((id) => this.indexOf(id)))];
    // Lowest seq of a conflicted event on each chain.
    const lowestConflicted = new Map<number, number>();
    for (const k of conflicted) {
      const c = this.chainOf[k]!;
      const s = this.seqOf[k]!;
      const prev = lowestConflicted.get(c);
      if (prev === undefined || s < prev) lowestConflicted.set(c, s);
    }
    // Whether x has a conflicted event in its auth chain. Monotone along a chain: a
    // higher seq reaches everything a lower one does.
    const reachesConflicted = (x: number): boolean => {
      const own = lowestConflicted.get(this.chainOf[x]!);
      if (own !== undefined && own < this.seqOf[x]!) return true;
      const r = this.reach[x]!;
      for (let i = 0; i < r.length; i += 2) {
        const lowest = lowestConflicted.get(r[i]!);
        if (lowest !== undefined && lowest <= r[i + 1]!) return true;
      }
      return false;
    };
    // Below some conflicted event: seqs 1..top on each chain.
    const below = this.chainMaxima(conflicted, false);
    const out = new Set<number>();
    for (const [c, top] of below) {
      const members = this.chainMembers[c]!;
      if (!reachesConflicted(members[top - 1]!)) continue;
      // The lowest seq that reaches a conflicted event, by binary search.
      let lo = 1;
      let hi = top;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (reachesConflicted(members[mid - 1]!)) hi = mid;
        else lo = mid + 1;
      }
      for (let s = lo; s <= top; s++) out.add(members[s - 1]!);
    }
    // Conflicted events are endpoints when another conflicted event reaches them or
    // they reach another.
    for (const k of conflicted) {
      if (this.seqOf[k]! <= (below.get(this.chainOf[k]!) ?? 0) || reachesConflicted(k)) out.add(k);
    }
    return [...out].sort((a, b) => a - b);
  }

  /** Per chain, the highest seq reached by some of `indices` (with them, if inclusive). */
  chainMaxima(indices: Iterable<number>, inclusive: boolean): Map<number, number> {
    const maxima = new Map<number, number>();
    const raise = (c: number, s: number): void => {
      const prev = maxima.get(c);
      if (prev === undefined || s > prev) maxima.set(c, s);
    };
    for (const x of indices) {
      const r = this.reach[x]!;
      for (let i = 0; i < r.length; i += 2) raise(r[i]!, r[i + 1]!);
      if (inclusive) raise(this.chainOf[x]!, this.seqOf[x]!);
    }
    return maxima;
  }

  /** The highest seq of `chain` that `from` reaches (0 for none), by binary search. */
  private reachOnChain(from: number, chain: number): number {
    const r = this.reach[from]!;
    let lo = 0;
    let hi = r.length / 2;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const c = r[2 * mid]!;
      if (c === chain) return r[2 * mid + 1]!;
      if (c < chain) lo = mid + 1;
      else hi = mid;
    }
    return 0;
  }

  /** Index `id` and its unindexed ancestors, ancestors first. Explicit stack, no recursion. */
  private indexNew(id: EventId): number {
    // Depth-first, one child at a time; `inProgress` holds exactly the current path, so
    // meeting one of its events again means the auth events form a cycle.
    const stack: Array<{ id: EventId; pdu: Pdu; auth: EventId[]; next: number }> = [];
    const inProgress = new Set<EventId>();
    const fetchEvent = this.fetchEvent;
    const version = this.version;
    if (fetchEvent === undefined || version === undefined) {
      throw new Error(`AuthChainIndex: cannot index ${id} before a room version and fetchEvent are attached`);
    }
    const open = (eventId: EventId): void => {
      const pdu = mustFetch(fetchEvent, eventId);
      stack.push({ id: eventId, pdu, auth: effectiveAuthEventIds(pdu, version), next: 0 });
      inProgress.add(eventId);
    };
    open(id);
    let steps = 0;
    while (stack.length > 0) {
      if (++steps > this.walkStepsMax) {
        throw new Error(`AuthChainIndex: indexing ${id} took more than ${this.walkStepsMax} steps (AUTH_WALK_STEPS_MAX)`);
      }
      const frame = stack[stack.length - 1]!;
      let child: EventId | undefined;
      while (frame.next < frame.auth.length) {
        const candidate = frame.auth[frame.next++]!;
        if (this.byId.has(candidate)) continue;
        if (inProgress.has(candidate)) throw new Error(`AuthChainIndex: auth events of ${candidate} form a cycle`);
        child = candidate;
        break;
      }
      if (child !== undefined) {
        open(child);
        continue;
      }
      stack.pop();
      inProgress.delete(frame.id);
      this.assign(frame.id, frame.pdu, frame.auth);
    }
    return this.byId.get(id)!;
  }

  /** Give an event whose auth events are all indexed its index, chain place and reach. */
  private assign(id: EventId, pdu: Pdu, auth: readonly EventId[]): void {
    const index = this.ids.length;
    const authIndices = Int32Array.from(new Set(auth.map((a) => this.byId.get(a)!))).sort();
    const key = isStateEvent(pdu) ? stateKey(pdu.type, pdu.state_key) : "";

    // Extend the chain of a cited tip with the same (type, state_key), else start one.
    let chain = -1;
    for (const a of authIndices) {
      const c = this.chainOf[a]!;
      if (key !== "" && this.chainKey[c] === key && this.chainMembers[c]!.length === this.seqOf[a]) {
        chain = c;
        break; // authIndices is ascending: the lowest such index wins, deterministically
      }
    }
    if (chain === -1) {
      chain = this.chainMembers.length;
      this.chainMembers.push([]);
      this.chainKey.push(key);
    }
    const members = this.chainMembers[chain]!;
    members.push(index);

    this.ids.push(id);
    this.byId.set(id, index);
    this.authOf.push(authIndices);
    this.chainOf.push(chain);
    this.seqOf.push(members.length);
    this.reach.push(this.mergeReach(authIndices));
  }

  /** reach(e) = max per chain over e's auth events of their own place and their reach. */
  private mergeReach(authIndices: Int32Array): Int32Array {
    if (this.scratch.length < this.chainMembers.length) {
      const grown = new Int32Array(Math.max(this.chainMembers.length, this.scratch.length * 2));
      grown.set(this.scratch);
      this.scratch = grown;
    }
    const best = this.scratch;
    const touched: number[] = [];
    const raise = (c: number, s: number): void => {
      if (best[c] === 0) touched.push(c);
      if (s > best[c]!) best[c] = s;
    };
    for (const a of authIndices) {
      raise(this.chainOf[a]!, this.seqOf[a]!);
      const r = this.reach[a]!;
      for (let i = 0; i < r.length; i += 2) raise(r[i]!, r[i + 1]!);
    }
    touched.sort((x, y) => x - y);
    const out = new Int32Array(touched.length * 2);
    touched.forEach((c, i) => {
      out[2 * i] = c;
      out[2 * i + 1] = best[c]!;
      best[c] = 0;
    });
    return out;
  }
}
