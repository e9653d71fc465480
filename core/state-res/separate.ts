// Unconflicted state map and conflicted state set (spec: rooms/fragments/v2-state-res.md,
// "Unconflicted state map and conflicted state set"). A key present in every state set
// with the same event is unconflicted; every other (key, event) pair is conflicted — so a
// key missing from one set is conflicted in v2 (unlike v1, see v1.ts).
// Both results are built in sorted key order, so nothing depends on the sets' order.

import type { EventId } from "../ids.ts";
import type { StateKey, StateMap } from "../state-map.ts";
import { sortedIds } from "./event-lookup.ts";

/** Every key of any state set, sorted. */
export function allStateKeys(stateSets: readonly StateMap[]): StateKey[] {
  const keys = new Set<StateKey>();
  for (const set of stateSets) for (const k of set.keys()) keys.add(k);
  return [...keys].sort();
}

/**
 * Both halves in one pass over the sorted keys: the unconflicted state map, and per
 * conflicted key the distinct events the sets hold for it (ids sorted).
 */
export function separateStateSets(stateSets: readonly StateMap[]): {
  unconflicted: Map<StateKey, EventId>;
  conflicted: Map<StateKey, EventId[]>;
} {
  const unconflicted = new Map<StateKey, EventId>();
  const conflicted = new Map<StateKey, EventId[]>();
  for (const k of allStateKeys(stateSets)) {
    const first = stateSets[0]!.get(k);
    if (first !== undefined && allHold(stateSets, k, first)) {
      unconflicted.set(k, first);
      continue;
    }
    const values = new Set<EventId>();
    for (const set of stateSets) {
      const v = set.get(k);
      if (v !== undefined) values.add(v);
    }
    conflicted.set(k, sortedIds(values));
  }
  return { unconflicted, conflicted };
}

/** Whether every set holds `id` at `k` (a loop, not a closure per key: issue 11). */
function allHold(stateSets: readonly StateMap[], k: StateKey, id: EventId): boolean {
  for (const set of stateSets) if (set.get(k) !== id) return false;
  return true;
}

/** The (key, event) pairs that every state set holds. */
export function unconflictedStateMap(stateSets: readonly StateMap[]): Map<StateKey, EventId> {
  return separateStateSets(stateSets).unconflicted;
}

/** Per conflicted key, the distinct events the state sets hold for it (ids sorted). */
export function conflictedStateSet(stateSets: readonly StateMap[]): Map<StateKey, EventId[]> {
  return separateStateSets(stateSets).conflicted;
}
