// State resolution: public names (re-exported by core/index.ts).
export { resolveState } from "./resolve.ts";
export type {
  AuthCheckRecord,
  AuthRulesApi,
  ConflictedKey,
  CustomResolver,
  FetchEvent,
  MainlinePositionJson,
  PowerLevelValueJson,
  ResolutionExplanation,
  ResolutionOutcome,
  ResolveOptions,
  StateObject,
  V1Decision,
} from "./types.ts";
export { AUTH_WALK_STEPS_MAX, AuthChainIndex } from "./auth-chain-index.ts";
export type { AuthChainIndexOptions } from "./auth-chain-index.ts";
export { conflictedStateSet, separateStateSets, unconflictedStateMap } from "./separate.ts";
export { authDifference, conflictedEventIds, conflictedStateSubgraph, fullConflictedSet } from "./full-conflicted-set.ts";
export { effectiveAuthEventIds, impliedCreateEventId, isPowerEvent } from "./event-lookup.ts";
export type { PowerSortKey } from "./power-ordering.ts";
export {
  powerEventsWithAuthChains,
  powerOrderLess,
  reverseTopologicalPowerOrdering,
  senderPowerLevel,
} from "./power-ordering.ts";
export type { MainlineSortKey } from "./mainline.ts";
export { citedPowerLevels, MAINLINE_WALK_MAX, mainline, mainlineOrderLess, mainlineOrdering, MainlinePositions } from "./mainline.ts";
export type { AuthCheckContext } from "./iterative-auth-checks.ts";
export { authEventsForCheck, iterativeAuthChecks } from "./iterative-auth-checks.ts";
export { defaultAuthRules, resolveOptions } from "./options.ts";
export { separateV1, sha1Hex } from "./v1.ts";
