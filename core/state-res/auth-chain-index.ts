// Auth chains on dense integer indices, computed once per event and kept for the life of
// the index (one per room). Spec: rooms/fragments/v2-state-res.md "Auth chain", "Auth
// difference"; rooms/v12.md "Conflicted state subgraph".
//
// Representation: every event gets a dense index (its auth events always have smaller
// ones) and the list of its auth events' indices. The auth difference and the conflicted
// state subgraph are walks over those (auth-walks.ts) that stop where the state sets agree.
//
// Whole auth chains and "x reaches y" come from a chain cover (chain-cover.ts), built on
// first use and then kept up to date: each event has a place (chain, seq) on a chain of
// events of one (type, state_key), each having the one before in its auth chain, and
// per chain the highest seq it reaches (`reach`). An auth chain is then "seqs 1..max on
// each chain". Resolution does not need it: building it costs about events × chains,
// and with the chains growing with the room's users it was most of a fresh resolution
// (issue 11); the walks cost about the auth difference.

import type { FetchEvent } from "../events.ts";
import { isStateEvent } from "../events.ts";
import type { EventId } from "../ids.ts";
import type { RoomVersion } from "../room-versions.ts";
import { stateKey } from "../state-map.ts";
import { authDifferenceWalk, conflictedSubgraphWalk, WALK_SETS_MAX } from "./auth-walks.ts";
import { ChainCover, NO_KEY } from "./chain-cover.ts";
import { Int32Runs } from "./int32-runs.ts";
import { effectiveAuthEventIds, isCreateEvent, isPowerLevelsEvent, mustFetch, sortedIds } from "./event-lookup.ts";

/** The most steps one indexing walk may take before we call the input broken. */
export const AUTH_WALK_STEPS_MAX = 10_000_000;

export interface AuthChainIndexOptions {
  /** The room's version (its flags decide the implied create edge of v12). */
  roomVersion?: RoomVersion;
  /** Where to find events not yet indexed. */
  fetchEvent?: FetchEvent;
  /** Override AUTH_WALK_STEPS_MAX (tests use small values). */
  walkStepsMax?: number;
  /** Integers per block of the reach store, RUN_BLOCK_LENGTH by default (tests use small values). */
  reachBlockLength?: number;
}

/**
 * One per room, made by the caller (`new AuthChainIndex()`) and passed to every
 * resolution in `options.authChains`, or made by resolveState for one call. The room
 * version and the event lookup may be given here or are attached by resolveState.
 */
/** Integers per block of the auth edges (256 KiB: a small room's index stays small). */
const AUTH_EDGES_BLOCK_LENGTH = 1 << 16;

/** byId's mark for an event on indexNew's current path. */
const IN_PROGRESS = -1;

/** kindOf: the event is neither, the create event, the power-levels event (event-lookup.ts's tests). */
const KIND_OTHER = 0;
const KIND_CREATE = 1;
const KIND_POWER_LEVELS = 2;

export class AuthChainIndex {
  private version: RoomVersion | undefined;
  private fetchEvent: FetchEvent | undefined;
  private readonly walkStepsMax: number;

  private readonly ids: EventId[] = [];
  /** Dense index by event id; IN_PROGRESS while indexNew walks below the event. */
  private readonly byId = new Map<EventId, number>();
  /**
   * Per index (run number = index): indices of its (effective) auth events, deduplicated,
   * ascending. Runs in a few shared blocks, not a typed array per event: those were
   * thousands of small allocations per fresh index, most surviving into the old
   * generation (issue 11).
   */
  private readonly authOf = new Int32Runs(AUTH_EDGES_BLOCK_LENGTH);
  /** Scratch for one event's auth indices while they are sorted and deduplicated. */
  private scratch = new Int32Array(16);
  /**
   * Per index: its type and state_key (undefined for a non-state event), the chain
   * cover's key made only when the cover is asked for: resolution never asks, and a
   * string per event was part of every fresh index's cost (issue 11).
   */
  private readonly typeOf: string[] = [];
  private readonly stateKeyOf: Array<string | undefined> = [];
  /**
   * Per index: whether it is the create or the power-levels event (KIND_*), and the first of
   * each among its auth events in their cited order (-1: none). Worked out while indexing,
   * where each auth event's index is looked up anyway: resolution asks them of thousands of
   * events (sender power, mainline), and fetching every auth event again to read its type
   * was a tenth of a resolution (issue 11).
   */
  private readonly kindOf: number[] = [];
  private readonly citedPowerLevelsOf: number[] = [];
  private readonly citedCreateOf: number[] = [];
  private readonly chainCover: ChainCover;
  /** indexNew's stack, kept between calls (one call per unindexed state event). */
  private readonly walk = new IndexWalk();

  constructor(options: AuthChainIndexOptions = {}) {
    this.version = options.roomVersion;
    this.fetchEvent = options.fetchEvent;
    this.walkStepsMax = options.walkStepsMax ?? AUTH_WALK_STEPS_MAX;
    this.chainCover = new ChainCover(options.reachBlockLength);
  }

  /**
   * Set the event lookup for what follows, and the room version if not yet known. An index
   * belongs to one room: a different room version is an error.
   */
  attach(version: RoomVersion, fetchEvent: FetchEvent): void {
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

  /** The chain cover, extended to every indexed event. */
  private get cover(): ChainCover {
    const cover = this.chainCover;
    for (let x = cover.size; x < this.ids.length; x++) {
      const sk = this.stateKeyOf[x];
      const index = cover.add(this.authOf.view(x), sk === undefined ? NO_KEY : stateKey(this.typeOf[x]!, sk));
      if (index !== x) throw new Error(`AuthChainIndex: the chain cover is out of step (${index} ≠ ${x})`);
    }
    return cover;
  }

  /** How many chains the cover has (for benchmarks and --explain). */
  get chainCount(): number {
    return this.cover.chainCount;
  }

  /** How many (chain, seq) entries the events' `reach` hold in all: the index's size. */
  get reachEntryCount(): number {
    return this.cover.reachEntryCount;
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
    if (index < 0 || index >= this.authOf.count) throw new Error(`AuthChainIndex: no event has index ${index}`);
    return this.authOf.view(index);
  }

  /** The index of the first power-levels event the event cites (effectiveAuthEventIds order), or -1. */
  citedPowerLevelsIndex(index: number): number {
    return this.citedPowerLevelsOf[index]!;
  }

  /** The index of the first create event the event cites (since v12: the implied one), or -1. */
  citedCreateIndex(index: number): number {
    return this.citedCreateOf[index]!;
  }

  /** The auth chain of one event (not including it), ids sorted. */
  authChain(id: EventId): EventId[] {
    return sortedIds(this.authChainIndices(this.indexOf(id)).map((i) => this.ids[i]!));
  }

  /** The auth chain of one event as indices, ascending. */
  authChainIndices(index: number): number[] {
    const out: number[] = [];
    const r = this.cover.reachBlock(index);
    const end = this.cover.reachEnd(index);
    for (let i = this.cover.reachStart(index); i < end; i += 2) {
      const members = this.cover.members[r[i]!]!;
      for (let s = 0; s < r[i + 1]!; s++) out.push(members[s]!);
    }
    return out.sort((a, b) => a - b);
  }

  /** Whether `to` is in the auth chain of `from` (strictly: an event does not reach itself). */
  reaches(from: number, to: number): boolean {
    const { chainOf, seqOf } = this.cover;
    const chain = chainOf[to]!;
    if (chainOf[from] === chain) return seqOf[from]! > seqOf[to]!;
    return this.cover.reachOnChain(from, chain) >= seqOf[to]!;
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
    const indexed = sets.map((set) => [...set].map((id) => this.indexOf(id)));
    if (indexed.length <= WALK_SETS_MAX) return authDifferenceWalk(this.authOf, indexed, options.includeStateEvents);
    return this.authDifferenceByCover(indexed, options.includeStateEvents);
  }

  /** The same from the chain cover: per chain, the seqs between the sets' lowest and highest maximum. */
  authDifferenceByCover(indexed: ReadonlyArray<readonly number[]>, includeStateEvents: boolean): number[] {
    const maxima = indexed.map((indices) => this.maximaOf(indices, includeStateEvents));
    const chains = new Set<number>();
    for (const m of maxima) for (const c of m.chains) chains.add(c);
    const out: number[] = [];
    for (const c of chains) {
      let lo = Number.POSITIVE_INFINITY;
      let hi = 0;
      for (const m of maxima) {
        const top = m.top[c]!;
        if (top < lo) lo = top;
        if (top > hi) hi = top;
      }
      // Seqs 1..lo are in every chain, lo+1..hi in some but not all.
      const members = this.cover.members[c]!;
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
    return conflictedSubgraphWalk(this.authOf, [...new Set([...ids].map((id) => this.indexOf(id)))]);
  }

  /** The same from the chain cover (kept to check the walk against). */
  conflictedSubgraphByCover(ids: Iterable<EventId>): number[] {
    const conflicted = [...new Set([...ids].map((id) => this.indexOf(id)))];
    const cover = this.cover;
    const { chainOf, seqOf, members } = cover;
    // Lowest seq of a conflicted event on each chain (0 = none). An array, not a Map:
    // it is read once per reach entry of every event the binary searches below try.
    const lowestConflicted = new Int32Array(cover.chainCount);
    for (const k of conflicted) {
      const c = chainOf[k]!;
      const s = seqOf[k]!;
      if (lowestConflicted[c] === 0 || s < lowestConflicted[c]!) lowestConflicted[c] = s;
    }
    // Whether x has a conflicted event in its auth chain. Monotone along a chain: a
    // higher seq reaches everything a lower one does.
    const reachesConflicted = (x: number): boolean => {
      const own = lowestConflicted[chainOf[x]!]!;
      if (own !== 0 && own < seqOf[x]!) return true;
      const r = cover.reachBlock(x);
      const end = cover.reachEnd(x);
      for (let i = cover.reachStart(x); i < end; i += 2) {
        const lowest = lowestConflicted[r[i]!]!;
        if (lowest !== 0 && lowest <= r[i + 1]!) return true;
      }
      return false;
    };
    // Below some conflicted event: seqs 1..top on each chain.
    const below = this.maximaOf(conflicted, false);
    const out = new Set<number>();
    for (const c of below.chains) {
      const top = below.top[c]!;
      const chain = members[c]!;
      if (!reachesConflicted(chain[top - 1]!)) continue;
      // The lowest seq that reaches a conflicted event, by binary search.
      let lo = 1;
      let hi = top;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (reachesConflicted(chain[mid - 1]!)) hi = mid;
        else lo = mid + 1;
      }
      for (let s = lo; s <= top; s++) out.add(chain[s - 1]!);
    }
    // Conflicted events are endpoints when another conflicted event reaches them or
    // they reach another.
    for (const k of conflicted) {
      if (seqOf[k]! <= below.top[chainOf[k]!]! || reachesConflicted(k)) out.add(k);
    }
    return [...out].sort((a, b) => a - b);
  }

  /** Per chain, the highest seq reached by some of `indices` (with them, if inclusive). */
  chainMaxima(indices: Iterable<number>, inclusive: boolean): Map<number, number> {
    const { top, chains } = this.maximaOf([...indices], inclusive);
    return new Map(chains.map((c) => [c, top[c]!]));
  }

  /** chainMaxima as an array over all chains (0 = none), and the chains it holds. */
  private maximaOf(indices: readonly number[], inclusive: boolean): { top: Int32Array; chains: number[] } {
    const cover = this.cover;
    const { chainOf, seqOf } = cover;
    const top = new Int32Array(cover.chainCount);
    const chains: number[] = [];
    const raise = (c: number, s: number): void => {
      if (top[c] === 0) chains.push(c);
      if (s > top[c]!) top[c] = s;
    };
    for (const x of indices) {
      const r = cover.reachBlock(x);
      const end = cover.reachEnd(x);
      for (let i = cover.reachStart(x); i < end; i += 2) raise(r[i]!, r[i + 1]!);
      if (inclusive) raise(chainOf[x]!, seqOf[x]!);
    }
    return { top, chains };
  }

  /** Index `id` and its unindexed ancestors, ancestors first. Explicit stack, no recursion. */
  private indexNew(id: EventId): number {
    // Depth-first, one child at a time. The events of the current path are marked IN_PROGRESS
    // in byId (no second set to keep: this runs once per event of the room), so meeting one
    // of them again means the auth events form a cycle. The stack (IndexWalk) also holds each
    // frame's auth events' indices as they become known, so that assigning the event looks
    // none of them up again, and what the index keeps of the event itself, read while its
    // PDU is at hand (issue 11).
    const fetchEvent = this.fetchEvent;
    const version = this.version;
    if (fetchEvent === undefined || version === undefined) {
      throw new Error(`AuthChainIndex: cannot index ${id} before a room version and fetchEvent are attached`);
    }
    const byId = this.byId;
    const walk = this.walk;
    const { ids, auths, next, foundAt, found, types, stateKeys, kinds } = walk;
    walk.clear();
    // The last event assigned is `id` itself (the bottom of the stack). Returned from here
    // rather than looked up after the loop: in a first resolution the loop is compiled while
    // it runs (on-stack replacement) before any call after it has run, and such a call left
    // the compiled loop without feedback for it, deoptimising at every return (53-246 deopts
    // in five fresh processes' first resolution of the 45k room, 9-31 since; issue 11).
    let index = -1;
    try {
      walk.open(id, fetchEvent, version, byId);
      let steps = 0;
      while (ids.length > 0) {
        if (++steps > this.walkStepsMax) {
          throw new Error(
            `AuthChainIndex: indexing ${id} took more than ${this.walkStepsMax} steps (AUTH_WALK_STEPS_MAX)`,
          );
        }
        const top = ids.length - 1;
        const auth = auths[top]!;
        let child: EventId | undefined;
        while (next[top]! < auth.length) {
          const slot = next[top]!++;
          const candidate = auth[slot]!;
          const known = byId.get(candidate);
          if (known === IN_PROGRESS) throw new Error(`AuthChainIndex: auth events of ${candidate} form a cycle`);
          if (known !== undefined) {
            found[foundAt[top]! + slot] = known;
            continue;
          }
          child = candidate;
          break;
        }
        if (child !== undefined) {
          walk.open(child, fetchEvent, version, byId);
          continue;
        }
        const from = foundAt.pop()!;
        index = this.assign(ids.pop()!, types.pop()!, stateKeys.pop(), kinds.pop()!, found, from, auths.pop()!.length);
        found.length = from;
        next.pop();
        // The parent opened this event from the slot before its next one.
        const parent = ids.length - 1;
        if (parent >= 0) found[foundAt[parent]! + next[parent]! - 1] = index;
      }
    } catch (e) {
      // Leave the index as it was before the failed event: no marks behind.
      for (const pending of ids) byId.delete(pending);
      walk.clear();
      throw e;
    }
    return index;
  }

  /**
   * Give an event whose auth events are all indexed the next index, and return it: its type,
   * state_key (undefined for a non-state event) and KIND_*; its auth events' indices are
   * `found[from .. from + count)`, in cited order.
   */
  private assign(
    id: EventId,
    type: string,
    stateKey: string | undefined,
    kind: number,
    found: readonly number[],
    from: number,
    count: number,
  ): number {
    if (this.scratch.length < count) this.scratch = new Int32Array(count * 2);
    const sorted = this.scratch;
    // Insertion sort: an event has a handful of auth events. On the way, in cited order,
    // the first power-levels and create events.
    let citedPowerLevels = -1;
    let citedCreate = -1;
    for (let i = 0; i < count; i++) {
      const x = found[from + i]!;
      const kind = this.kindOf[x]!;
      if (citedPowerLevels < 0 && kind === KIND_POWER_LEVELS) citedPowerLevels = x;
      if (citedCreate < 0 && kind === KIND_CREATE) citedCreate = x;
      let j = i;
      for (; j > 0 && sorted[j - 1]! > x; j--) sorted[j] = sorted[j - 1]!;
      sorted[j] = x;
    }
    // Deduplicated (a repeated auth event is one edge), ascending.
    let n = count > 0 ? 1 : 0;
    for (let i = 1; i < count; i++) if (sorted[i] !== sorted[n - 1]) sorted[n++] = sorted[i]!;
    const index = this.ids.length;
    this.ids.push(id);
    this.byId.set(id, index);
    const run = this.authOf.append(n);
    if (run !== index) throw new Error(`AuthChainIndex: the auth edges are out of step (${run} ≠ ${index})`);
    const block = this.authOf.block(run);
    const start = this.authOf.start(run);
    for (let i = 0; i < n; i++) block[start + i] = sorted[i]!;
    this.typeOf.push(type);
    this.stateKeyOf.push(stateKey);
    this.kindOf.push(kind);
    this.citedPowerLevelsOf.push(citedPowerLevels);
    this.citedCreateOf.push(citedCreate);
    return index;
  }
}

/**
 * indexNew's depth-first stack as parallel arrays: per frame the event, its auth events, the
 * next one to look at, where its auth events' indices start in `found`, and what the index
 * keeps of the event (its type, state_key and KIND_*: arrays, not an object per event, which
 * was about 0.5 of the 30 MB a resolution of issue 11's 45k room allocates). A class with a
 * method rather than a closure made per call (under esbuild's keepNames each closure costs
 * a defineProperty; issue 11's first resolution).
 */
class IndexWalk {
  readonly ids: EventId[] = [];
  readonly auths: Array<readonly EventId[]> = [];
  readonly next: number[] = [];
  readonly foundAt: number[] = [];
  readonly found: number[] = [];
  readonly types: string[] = [];
  readonly stateKeys: Array<string | undefined> = [];
  readonly kinds: number[] = [];

  clear(): void {
    this.ids.length = 0;
    this.auths.length = 0;
    this.next.length = 0;
    this.foundAt.length = 0;
    this.found.length = 0;
    this.types.length = 0;
    this.stateKeys.length = 0;
    this.kinds.length = 0;
  }

  /** Push a frame for `eventId`, marked IN_PROGRESS in byId. */
  open(eventId: EventId, fetchEvent: FetchEvent, version: RoomVersion, byId: Map<EventId, number>): void {
    const pdu = mustFetch(fetchEvent, eventId);
    const auth = effectiveAuthEventIds(pdu, version);
    this.ids.push(eventId);
    this.auths.push(auth);
    this.next.push(0);
    this.foundAt.push(this.found.length);
    for (let i = 0; i < auth.length; i++) this.found.push(-1);
    this.types.push(pdu.type);
    this.stateKeys.push(isStateEvent(pdu) ? pdu.state_key : undefined);
    this.kinds.push(isPowerLevelsEvent(pdu) ? KIND_POWER_LEVELS : isCreateEvent(pdu) ? KIND_CREATE : KIND_OTHER);
    byId.set(eventId, IN_PROGRESS);
  }
}
