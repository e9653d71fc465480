// Step 1 of state resolution v2: the power events of the full conflicted set with their
// auth chains inside it, in reverse topological power ordering (spec:
// rooms/fragments/v2-state-res.md "Reverse topological power ordering"; rooms/v12.md
// algorithm step 1).

import { userPowerLevel } from "../auth/power-levels.ts";
import type { Pdu } from "../events.ts";
import type { EventId } from "../ids.ts";
import type { RoomVersion } from "../room-versions.ts";
import { BinaryHeap } from "../binary-heap.ts";
import {
  compareEventIds,
  effectiveAuthEventIds,
  isCreateEvent,
  isPowerLevelsEvent,
  mustFetch,
} from "./event-lookup.ts";
import type { FetchEvent } from "./types.ts";

/**
 * The power level of an event's sender "when looking at their respective auth_events":
 * from the PL event the event cites (and the create event: cited, or since v12 implied
 * by room_id). Without a cited PL event: the creator 100, others 0 (v1-v11); since v12
 * creators are infinitely powerful either way (userPowerLevel, spec §11 of our digest).
 */
export function senderPowerLevel(pdu: Pdu, version: RoomVersion, fetchEvent: FetchEvent): number {
  let powerLevels: Pdu | undefined;
  let create: Pdu | undefined;
  for (const authId of effectiveAuthEventIds(pdu, version)) {
    const auth = mustFetch(fetchEvent, authId);
    if (powerLevels === undefined && isPowerLevelsEvent(auth)) powerLevels = auth;
    if (create === undefined && isCreateEvent(auth)) create = auth;
  }
  return userPowerLevel(pdu.sender, powerLevels, create, version);
}

/** The three keys of the comparison, smallest first: higher PL, then earlier ts, then id. */
export interface PowerSortKey {
  eventId: EventId;
  senderPowerLevel: number;
  originServerTs: number;
}

/** x < y in the reverse topological power ordering's comparison relation. */
export function powerOrderLess(x: PowerSortKey, y: PowerSortKey): boolean {
  if (x.senderPowerLevel !== y.senderPowerLevel) return x.senderPowerLevel > y.senderPowerLevel;
  if (x.originServerTs !== y.originServerTs) return x.originServerTs < y.originServerTs;
  return compareEventIds(x.eventId, y.eventId) < 0;
}

/**
 * The set X of step 1 and its auth-event DAG: the power events of the full conflicted
 * set, plus the events of their auth chains that are in the full conflicted set. Like
 * Synapse (`_add_event_and_auth_chain_to_graph`) and ruma
 * (`add_event_and_auth_chain_to_graph`), the walk follows auth edges only while they stay
 * inside the full conflicted set, and the DAG keeps those direct edges.
 *
 * `E` is how events are named: ids, or resolution's dense indices (auth-chain-index.ts),
 * where the set is a set of small integers and nothing hashes a string (issue 11). The
 * graph is the same either way; the walk's order changes only the order of its keys.
 */
export function powerEventsWithAuthChains<E>(
  fullConflictedSet: ReadonlySet<E>,
  isPower: (event: E) => boolean,
  authEventsOf: (event: E) => ArrayLike<E>,
): Map<E, E[]> {
  const graph = new Map<E, E[]>();
  const stack: E[] = [];
  for (const e of fullConflictedSet) if (isPower(e)) stack.push(e);
  // Each event enters the graph once, so the walk takes at most |full conflicted set| pops.
  while (stack.length > 0) {
    const e = stack.pop()!;
    if (graph.has(e)) continue;
    // A plain loop: this runs once per event of the set, and a Set, a spread and a filter
    // per event were most of its cost. A repeated auth event is one edge.
    const inside: E[] = [];
    const auth = authEventsOf(e);
    for (let i = 0; i < auth.length; i++) {
      const a = auth[i]!;
      if (fullConflictedSet.has(a) && !inside.includes(a)) inside.push(a);
    }
    graph.set(e, inside);
    for (const a of inside) if (!graph.has(a)) stack.push(a);
  }
  return graph;
}

/**
 * Reverse topological power ordering: Kahn's algorithm over the DAG (event → its auth
 * events within the set), taking at each step the smallest of *all* current candidates
 * (a priority queue, not one wave at a time: matrix-org/matrix-spec#553). Auth events
 * come before the events that cite them.
 */
export function reverseTopologicalPowerOrdering<E>(
  graph: ReadonlyMap<E, readonly E[]>,
  sortKey: (event: E) => PowerSortKey,
): E[] {
  // Dense ids 0..n-1 in the graph's order, and the "cited by" edges as one flat list per
  // event (offsets into `citers`): integer arrays instead of maps keyed by event id.
  const ids = [...graph.keys()];
  const dense = new Map<E, number>();
  for (let i = 0; i < ids.length; i++) dense.set(ids[i]!, i);
  const remaining = new Int32Array(ids.length);
  const citedCount = new Int32Array(ids.length + 1);
  for (let i = 0; i < ids.length; i++) {
    const auth = graph.get(ids[i]!)!;
    remaining[i] = auth.length;
    for (const a of auth) {
      const ai = dense.get(a);
      if (ai === undefined)
        throw new Error(
          `reverseTopologicalPowerOrdering: ${String(ids[i])} cites ${String(a)}, which is not in the set`,
        );
      citedCount[ai + 1]!++;
    }
  }
  for (let i = 0; i < ids.length; i++) citedCount[i + 1]! += citedCount[i]!;
  const citers = new Int32Array(citedCount[ids.length]!);
  const fill = citedCount.slice(0, ids.length);
  for (let i = 0; i < ids.length; i++) for (const a of graph.get(ids[i]!)!) citers[fill[dense.get(a)!]!++] = i;

  // The heap holds dense ids; the comparison reads their sort keys, made as each is pushed.
  const keys: PowerSortKey[] = [];
  const heap = new BinaryHeap<number>((x, y) => powerOrderLess(keys[x]!, keys[y]!));
  const push = (i: number): void => {
    keys[i] = sortKey(ids[i]!);
    heap.push(i);
  };
  for (let i = 0; i < ids.length; i++) if (remaining[i] === 0) push(i);
  const out: E[] = [];
  // Each event is pushed and popped once: the loop runs |graph| times.
  for (let n = heap.pop(); n !== undefined; n = heap.pop()) {
    out.push(ids[n]!);
    for (let c = citedCount[n]!; c < citedCount[n + 1]!; c++) {
      const parent = citers[c]!;
      if (--remaining[parent]! === 0) push(parent);
    }
  }
  if (out.length !== graph.size) throw new Error("reverseTopologicalPowerOrdering: the auth events form a cycle");
  return out;
}
