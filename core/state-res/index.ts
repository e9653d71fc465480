// State resolution: public names (re-exported by core/index.ts).
export { resolveState } from "./resolve.ts";
export type {
  AuthCheckRecord,
  AuthRulesApi,
  ConflictedKey,
  FetchEvent,
  MainlinePositionJson,
  PowerLevelValueJson,
  ResolutionExplanation,
  ResolutionOutcome,
  ResolveOptions,
  StateObject,
  V1Decision,
} from "./types.ts";
export { AuthChainIndex } from "./auth-chain-index.ts";
export type { AuthChainIndexOptions } from "./auth-chain-index.ts";
// The spec's named definitions and steps (rooms/fragments/v2-state-res.md, rooms/v12.md),
// that take only public types. The sorts and the iterative auth checks work on internal
// structures (sort keys, a mainline cache, resolved options): tests import their files.
export { conflictedStateSet, unconflictedStateMap } from "./separate.ts";
export { authDifference, conflictedStateSubgraph, fullConflictedSet } from "./full-conflicted-set.ts";
export { isPowerEvent } from "./event-lookup.ts";
export { senderPowerLevel } from "./power-ordering.ts";
export { mainline } from "./mainline.ts";
