// resolveState: the one entry point. It picks the room version's algorithm (v1, v2 with
// its v2.1 flags, or a custom version's own resolver), and is synchronous, pure and
// independent of the order of the state sets: every step sorts where order could leak.

import { countOp } from "../op-counts.ts";
import type { RoomVersion } from "../room-versions.ts";
import type { StateMap } from "../state-map.ts";
import { AuthChainIndex } from "./auth-chain-index.ts";
import { memoFetch } from "./event-lookup.ts";
import { emptyExplanation, sortedStateMap } from "./explain.ts";
import type { LazyOutcome } from "./explain.ts";
import { resolveOptions } from "./options.ts";
import type { FetchEvent, ResolutionExplanation, ResolutionOutcome, ResolveOptions } from "./types.ts";
import { resolveV1 } from "./v1.ts";
import { resolveV2 } from "./v2.ts";

/**
 * Resolve state sets into one state map (spec: rooms/v1.md, rooms/fragments/v2-state-res.md,
 * rooms/v12.md). `fetchEvent` must know every event of the state sets and of their auth
 * chains; a missing one throws an Error naming it. With `explain: true` the result also
 * says what each step decided.
 */
export function resolveState(version: RoomVersion, stateSets: readonly StateMap[], fetchEvent: FetchEvent): StateMap;
export function resolveState(
  version: RoomVersion,
  stateSets: readonly StateMap[],
  fetchEvent: FetchEvent,
  options: ResolveOptions & { explain: true },
): { state: StateMap; explanation: ResolutionExplanation };
export function resolveState(
  version: RoomVersion,
  stateSets: readonly StateMap[],
  fetchEvent: FetchEvent,
  options?: ResolveOptions,
): StateMap;
export function resolveState(
  version: RoomVersion,
  stateSets: readonly StateMap[],
  fetchEvent: FetchEvent,
  options: ResolveOptions = {},
): StateMap | ResolutionOutcome {
  countOp("resolveState");
  let outcome: LazyOutcome;
  if (version.resolver !== undefined) {
    // A custom room version brings its own algorithm.
    const context = { isRejected: options.isRejected ?? (() => false), signer: options.signer };
    const state = sortedStateMap(version.resolver(version, stateSets, fetchEvent, context));
    outcome = { state, explain: () => emptyExplanation("custom", version.id, stateSets.length, state) };
  } else {
    const resolved = resolveOptions(options);
    switch (version.stateRes) {
      case "v1":
        outcome = resolveV1(version, stateSets, memoFetch(fetchEvent), resolved);
        break;
      case "v2": {
        const index = options.authChains ?? new AuthChainIndex();
        index.attach(version, fetchEvent);
        // No memo: the index fetches each event once, and EventFacts keeps what resolution
        // reads by the event's dense index (a Map of thousands of ids per resolution less).
        outcome = resolveV2(version, stateSets, fetchEvent, resolved, index);
        break;
      }
      default:
        return assertNever(version.stateRes);
    }
  }
  return options.explain ? { state: outcome.state, explanation: outcome.explain() } : outcome.state;
}

function assertNever(value: never): never {
  throw new Error(`resolveState: unknown state resolution algorithm ${JSON.stringify(value)}`);
}
