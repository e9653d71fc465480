// State resolution v2 (room versions 2-11) and v2.1 (room version 12). The body follows
// the numbered steps of the spec's algorithm (rooms/fragments/v2-state-res.md,
// rooms/v12.md "State resolution", MSC4297).

import type { EventId } from "../ids.ts";
import type { RoomVersion } from "../room-versions.ts";
import type { StateKey, StateMap } from "../state-map.ts";
import { stateMapToObject } from "../state-map.ts";
import type { AuthChainIndex } from "./auth-chain-index.ts";
import { EventFacts } from "./event-facts.ts";
import { POWER_LEVELS_KEY, sortedIds, sortIds } from "./event-lookup.ts";
import { conflictedKeysJson, emptyExplanation, positionJson, powerLevelJson, sortedStateMap } from "./explain.ts";
import {
  authDifference,
  conflictedEventIds,
  conflictedStateSubgraph,
  fullConflictedSet,
} from "./full-conflicted-set.ts";
import { iterativeAuthChecks } from "./iterative-auth-checks.ts";
import type { AuthCheckContext } from "./iterative-auth-checks.ts";
import { mainline, MainlinePositions, mainlineOrdering } from "./mainline.ts";
import type { PowerSortKey } from "./power-ordering.ts";
import { powerEventsWithAuthChains, reverseTopologicalPowerOrdering } from "./power-ordering.ts";
import { separateStateSets } from "./separate.ts";
import type { FetchEvent, ResolvedOptions } from "./types.ts";
import type { LazyOutcome } from "./explain.ts";

export function resolveV2(
  version: RoomVersion,
  stateSets: readonly StateMap[],
  fetchEvent: FetchEvent,
  options: ResolvedOptions,
  index: AuthChainIndex,
): LazyOutcome {
  const { checksStartFromEmptyState, fullConflictedSetIncludesSubgraph } = version.stateResRules;
  const algorithm = algorithmName(version);

  // Definitions: the unconflicted state map and the conflicted state set.
  const { unconflicted, conflicted } = separateStateSets(stateSets);
  if (conflicted.size === 0) {
    // Nothing to resolve (also the case of a single state set).
    const state = sortedStateMap(unconflicted);
    const explain = () => ({
      ...emptyExplanation(algorithm, version.id, stateSets.length, state),
      unconflictedState: stateMapToObject(unconflicted),
    });
    return { state, explain };
  }
  const conflictedIds = conflictedEventIds(conflicted);

  // Definitions: the auth difference, and the full conflicted set (with it).
  const authDiff = authDifference(stateSets, index, options);
  // since v12 (v2.1): the conflicted state subgraph joins the full conflicted set
  // (MSC4297 modification 2).
  const subgraph = fullConflictedSetIncludesSubgraph ? conflictedStateSubgraph(conflictedIds, index) : [];
  const full = fullConflictedSet(conflictedIds, authDiff, subgraph);
  // From here on events are named by their dense index in the auth-chain index, which now
  // holds every event resolution reads; ids come back for the comparisons and the answer.
  const facts = new EventFacts(version, index, fetchEvent, options);
  const fullIndices = new Set<number>();
  for (const id of full) fullIndices.add(index.indexOf(id));

  // 1. The power events of the full conflicted set, with the events of their auth chains
  //    that are in the full conflicted set, in reverse topological power ordering.
  const graph = powerEventsWithAuthChains(
    fullIndices,
    (x) => facts.isPowerAt(x),
    (x) => index.authIndicesOf(x),
  );
  const powerKey = (x: number): PowerSortKey => ({
    eventId: index.idOf(x),
    senderPowerLevel: facts.senderPowerLevelAt(x),
    originServerTs: facts.pduAt(x).origin_server_ts,
  });
  const sortedPowerIndices = reverseTopologicalPowerOrdering(graph, powerKey);
  const sortedPowerEvents = sortedPowerIndices.map((x) => index.idOf(x));

  // 2. Iterative auth checks over that list, starting from the unconflicted state map.
  // since v12 (v2.1): starting from an empty state map (MSC4297 modification 1).
  const ctx: AuthCheckContext = { version, fetchEvent, options, facts };
  const initial: StateMap = checksStartFromEmptyState ? new Map<StateKey, EventId>() : unconflicted;
  const partial = iterativeAuthChecks(initial, sortedPowerEvents, ctx);

  // 3. The remaining events of the full conflicted set, in mainline ordering based on
  //    the power-levels event of the partially resolved state.
  const remaining: EventId[] = [];
  for (const x of fullIndices) if (!graph.has(x)) remaining.push(index.idOf(x));
  sortIds(remaining);
  const citedOf = (id: EventId): EventId | undefined => facts.citedPowerLevels(id);
  const mainlineEvents = mainline(partial.state.get(POWER_LEVELS_KEY), version, fetchEvent, citedOf);
  const positions = new MainlinePositions(mainlineEvents, version, fetchEvent, citedOf);
  const sortedRemaining = mainlineOrdering(remaining, positions, (id) => facts.pdu(id));

  // 4. Iterative auth checks over that list, starting from the partially resolved state.
  const final = iterativeAuthChecks(
    partial.state,
    sortedRemaining.map((k) => k.eventId),
    ctx,
  );

  // 5. Every key of the unconflicted state map takes the unconflicted event.
  const resolved = new Map(final.state);
  for (const [k, id] of unconflicted) resolved.set(k, id);
  const state = sortedStateMap(resolved);

  return {
    state,
    explain: () => ({
      algorithm,
      roomVersion: version.id,
      stateSetCount: stateSets.length,
      unconflictedState: stateMapToObject(unconflicted),
      conflicted: conflictedKeysJson(conflicted),
      conflictedStateSet: conflictedIds,
      authDifference: authDiff,
      ...(fullConflictedSetIncludesSubgraph ? { conflictedStateSubgraph: subgraph } : {}),
      fullConflictedSet: sortedIds(full),
      sortedPowerEvents: sortedPowerIndices.map((x) => {
        const k = powerKey(x);
        return {
          eventId: k.eventId,
          senderPowerLevel: powerLevelJson(k.senderPowerLevel),
          originServerTs: k.originServerTs,
        };
      }),
      partialState: stateMapToObject(partial.state),
      mainline: mainlineEvents,
      sortedRemainingEvents: sortedRemaining.map((k) => ({
        eventId: k.eventId,
        mainlinePosition: positionJson(k.mainlinePosition),
        originServerTs: k.originServerTs,
      })),
      authChecks: [
        ...partial.records.map((r) => ({ ...r, step: 2 as const })),
        ...final.records.map((r) => ({ ...r, step: 4 as const })),
      ],
      resolvedState: stateMapToObject(state),
    }),
  };
}

/** v2.1 is v2 with both of MSC4297's changes; a custom version may take one alone. */
function algorithmName(version: RoomVersion): "v2" | "v2.1" | "v2.1-partial" {
  const { checksStartFromEmptyState, fullConflictedSetIncludesSubgraph } = version.stateResRules;
  if (checksStartFromEmptyState && fullConflictedSetIncludesSubgraph) return "v2.1";
  return checksStartFromEmptyState || fullConflictedSetIncludesSubgraph ? "v2.1-partial" : "v2";
}
