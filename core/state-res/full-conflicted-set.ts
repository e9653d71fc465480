// Auth difference, conflicted state subgraph and full conflicted set (spec:
// rooms/fragments/v2-state-res.md "Auth difference", "Full conflicted set"; rooms/v12.md
// "Conflicted state subgraph", "Full conflicted set").

import type { EventId } from "../ids.ts";
import type { StateKey, StateMap } from "../state-map.ts";
import type { AuthChainIndex } from "./auth-chain-index.ts";
import { sortedIds } from "./event-lookup.ts";

/** Every event of the conflicted state set (one list over all conflicted keys), sorted. */
export function conflictedEventIds(conflicted: ReadonlyMap<StateKey, readonly EventId[]>): EventId[] {
  const ids = new Set<EventId>();
  for (const list of conflicted.values()) for (const id of list) ids.add(id);
  return sortedIds(ids);
}

/**
 * The auth difference: with C_i the full auth chain of state set S_i, ∪C_i − ∩C_i.
 * `fullAuthChainIncludesStateEvents` decides whether C_i contains S_i's own events
 * (Synapse: yes) or only their auth chains (the literal definition).
 */
export function authDifference(
  stateSets: readonly StateMap[],
  index: AuthChainIndex,
  options: { fullAuthChainIncludesStateEvents: boolean },
): EventId[] {
  return index.authDifference(
    stateSets.map((s) => s.values()),
    { includeStateEvents: options.fullAuthChainIncludesStateEvents },
  );
}

/**
 * since v12 (v2.1): the conflicted state subgraph — the union of all auth-event paths
 * from one conflicted event to another, endpoints included.
 */
export function conflictedStateSubgraph(conflicted: readonly EventId[], index: AuthChainIndex): EventId[] {
  return index.conflictedSubgraph(conflicted);
}

/**
 * The full conflicted set: the conflicted state set ∪ the auth difference, and
 * since v12 (v2.1) ∪ the conflicted state subgraph.
 */
export function fullConflictedSet(
  conflicted: readonly EventId[],
  authDiff: readonly EventId[],
  subgraph: readonly EventId[] = [],
): Set<EventId> {
  return new Set<EventId>([...conflicted, ...authDiff, ...subgraph]);
}
