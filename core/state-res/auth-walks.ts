// The auth difference and the conflicted state subgraph by walking the auth-event DAG on
// dense indices (every event's auth events have smaller indices than it), touching only
// the part of the DAG above the point where the state sets agree. Spec:
// rooms/fragments/v2-state-res.md "Auth difference"; rooms/v12.md "Conflicted state
// subgraph".
//
// Why walks and not the chain cover: a chain cover costs about events × chains to build,
// and the chains grow with the room's users; building it was most of a fresh resolution
// (issue 11: 0.6-0.8 s of 1.7 s at 45,000 events). A walk from the state sets downwards,
// newest index first, knows each event's final "which sets reach it" mask when it takes it,
// and may stop as soon as every event still queued is reached by all sets: everything
// below those is in every auth chain. Its cost is the auth difference and its frontier.

import type { Int32Runs } from "./int32-runs.ts";

/** Masks are 32-bit integers, one bit per state set. */
export const WALK_SETS_MAX = 30;

/** A max-heap of event indices, each pushed at most once. */
class IndexHeap {
  private items = new Int32Array(64);
  private length = 0;

  get size(): number {
    return this.length;
  }

  push(x: number): void {
    if (this.length === this.items.length) {
      const grown = new Int32Array(this.items.length * 2);
      grown.set(this.items);
      this.items = grown;
    }
    const items = this.items;
    let i = this.length++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent]! >= x) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = x;
  }

  pop(): number {
    const items = this.items;
    const top = items[0]!;
    const last = items[--this.length]!;
    let i = 0;
    const n = this.length;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && items[child + 1]! > items[child]!) child++;
      if (items[child]! <= last) break;
      items[i] = items[child]!;
      i = child;
    }
    items[i] = last;
    return top;
  }
}

/**
 * The auth difference of `sets` (each a list of event indices, at most WALK_SETS_MAX of
 * them): the events in some but not all of their full auth chains, ascending. With
 * `includeStateEvents` a set's full auth chain holds its own events.
 */
export function authDifferenceWalk(
  authOf: Int32Runs,
  sets: ReadonlyArray<readonly number[]>,
  includeStateEvents: boolean,
): number[] {
  if (sets.length > WALK_SETS_MAX) throw new Error(`authDifferenceWalk: at most ${WALK_SETS_MAX} state sets`);
  const full = (1 << sets.length) - 1;
  const mask = new Int32Array(authOf.count);
  const heap = new IndexHeap();
  // How many queued events some set does not reach yet: the walk ends when none is left.
  let partial = 0;
  const reach = (x: number, bits: number): void => {
    const before = mask[x]!;
    const after = before | bits;
    if (after === before) return;
    mask[x] = after;
    if (before === 0) {
      heap.push(x);
      if (after !== full) partial++;
    } else if (after === full) partial--;
  };
  sets.forEach((set, i) => {
    const bit = 1 << i;
    for (const x of set) {
      if (includeStateEvents) reach(x, bit);
      else forEachAuth(authOf, x, (a) => reach(a, bit));
    }
  });
  const out: number[] = [];
  while (partial > 0) {
    // Every event that cites x has a larger index, so it was taken before x: x's mask is final.
    const x = heap.pop();
    const m = mask[x]!;
    if (m !== full) {
      partial--;
      out.push(x);
    }
    const block = authOf.block(x);
    const end = authOf.end(x);
    for (let i = authOf.start(x); i < end; i++) reach(block[i]!, m);
  }
  return out.sort((a, b) => a - b);
}

/**
 * since v12 (v2.1): the conflicted state subgraph of some conflicted event indices, ascending:
 * the events that are in the auth chain of a conflicted event and have a conflicted event
 * in their own auth chain, and the conflicted events that are either.
 */
export function conflictedSubgraphWalk(authOf: Int32Runs, conflicted: readonly number[]): number[] {
  if (conflicted.length === 0) return [];
  const size = authOf.count;
  const isConflicted = new Uint8Array(size);
  let lowest = size;
  for (const k of conflicted) {
    isConflicted[k] = 1;
    if (k < lowest) lowest = k;
  }
  // Below the lowest conflicted event nothing has a conflicted event in its auth chain, so
  // the walk down from the conflicted events stops there.
  const below = new Uint8Array(size);
  const region: number[] = [];
  const stack = [...conflicted];
  for (const k of conflicted) region.push(k);
  while (stack.length > 0) {
    const x = stack.pop()!;
    const block = authOf.block(x);
    const end = authOf.end(x);
    for (let i = authOf.start(x); i < end; i++) {
      const a = block[i]!;
      if (a < lowest || below[a] === 1) continue;
      below[a] = 1;
      if (isConflicted[a] === 0) region.push(a);
      stack.push(a);
    }
  }
  // Ascending, so that each event's auth events are decided before it.
  region.sort((a, b) => a - b);
  const reachesConflicted = new Uint8Array(size);
  const out: number[] = [];
  for (const x of region) {
    const block = authOf.block(x);
    const end = authOf.end(x);
    for (let i = authOf.start(x); i < end; i++) {
      const a = block[i]!;
      if (a >= lowest && (isConflicted[a] === 1 || reachesConflicted[a] === 1)) {
        reachesConflicted[x] = 1;
        break;
      }
    }
    const inSubgraph =
      isConflicted[x] === 1 ? below[x] === 1 || reachesConflicted[x] === 1 : reachesConflicted[x] === 1;
    if (inSubgraph) out.push(x);
  }
  return out;
}

/** Calls `f` with each auth event index of `x` (auth edges as runs, one per event). */
function forEachAuth(authOf: Int32Runs, x: number, f: (a: number) => void): void {
  const block = authOf.block(x);
  const end = authOf.end(x);
  for (let i = authOf.start(x); i < end; i++) f(block[i]!);
}
