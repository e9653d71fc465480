// The shapes state resolution takes and gives: the event lookup, the options that name
// the spec's ambiguities, and the explanation. (The hook for custom room versions,
// CustomResolver, lives with the room versions in core/room-versions.ts.)

import type { AuthResult } from "../auth/index.ts";
import type { Signer } from "../crypto.ts";
import type { FetchEvent, Pdu } from "../events.ts";
import type { EventId } from "../ids.ts";
import type { RoomVersion } from "../room-versions.ts";
import type { StateKey, StateMap } from "../state-map.ts";
import type { AuthChainIndex } from "./auth-chain-index.ts";

/** How resolution looks events up (declared with the events, so auth-chain-index.ts needs not this file). */
export type { FetchEvent };

/**
 * The authorization rules as state resolution consumes them. The default is core/auth;
 * tests and custom room versions may hand in their own.
 */
export interface AuthRulesApi {
  checkAuth(
    event: Pdu,
    authEvents: ReadonlyMap<StateKey, Pdu>,
    roomVersion: RoomVersion,
    options?: { signer?: Signer },
  ): AuthResult;
  authStateKeysFor(event: Pdu, roomVersion: RoomVersion): readonly StateKey[];
}

export interface ResolveOptions {
  /** Return `{ state, explanation }` instead of the bare state map. */
  explain?: boolean;
  /** Events rejected earlier. They are never used as auth events (spec: v2 "Rejected events"). */
  isRejected?: (id: EventId) => boolean;
  /** A per-room cache of auth chains, reused across resolutions (made internally if absent). */
  authChains?: AuthChainIndex;
  /** Passed to the authorization rules for the checks that need signatures. */
  signer?: Signer;
  /** Replace the authorization rules (default: core/auth). */
  authRules?: AuthRulesApi;

  // Named choices for the ambiguities of spec/README.md §3.5 and §11. Defaults follow
  // Synapse, the de-facto reference; each says what the other reading is.

  /**
   * Whether the "full auth chain" of a state set contains the state events themselves
   * (Synapse: yes, `_get_auth_chain` includes its inputs) or only their auth chains
   * (literal spec reading). Default true.
   */
  fullAuthChainIncludesStateEvents?: boolean;
  /**
   * Whether events rejected earlier are kept out of the resolved state even if they pass
   * the iterative auth checks (Synapse, element-hq/synapse#13797), or treated like any
   * other event as the spec says (ruma). Default true.
   */
  keepRejectedOutOfState?: boolean;
  /**
   * Whether `m.room.create` counts as a power event (Synapse and ruma: yes; the spec's
   * definition does not list it). Only matters when a state set lacks the create event.
   * Default true.
   */
  createIsPowerEvent?: boolean;
  /**
   * v1 only: whether conflicting `m.room.member` events are resolved key by key (Synapse)
   * or as one list across all users, stopping at the first failure (literal reading of
   * rooms/v1.md). Default "per-key".
   */
  v1MemberConflicts?: "per-key" | "single-list";
  /**
   * v1 only: what a non-auth conflicted key gets when none of its events passes auth in
   * R. Synapse picks the lowest-depth one; the spec's text picks nothing. Default
   * "lowest-depth".
   */
  v1WhenNoneAllowed?: "lowest-depth" | "omit";
}

/** Every option with its default filled in. */
export type ResolvedOptions = Required<
  Pick<
    ResolveOptions,
    | "fullAuthChainIncludesStateEvents"
    | "keepRejectedOutOfState"
    | "createIsPowerEvent"
    | "v1MemberConflicts"
    | "v1WhenNoneAllowed"
  >
> & {
  isRejected: (id: EventId) => boolean;
  signer: Signer | undefined;
  authRules: AuthRulesApi;
};

/** A JSON-able power level: "infinity" for v12 creators. */
export type PowerLevelValueJson = number | "infinity";
/** A JSON-able mainline position: "infinity" when no PL event of the mainline is found. */
export type MainlinePositionJson = number | "infinity";

/** One event's fate in the iterative auth checks. */
export type AuthCheckRecord =
  | { eventId: EventId; outcome: "accepted" }
  | { eventId: EventId; outcome: "rejected"; rule: string; reason: string }
  /** Rejected earlier and kept out of the state (keepRejectedOutOfState), not re-checked. */
  | { eventId: EventId; outcome: "skipped-rejected" };

/** `{type: {state_key: event_id}}` with sorted keys. */
export type StateObject = Record<string, Record<string, EventId>>;

export interface ConflictedKey {
  type: string;
  stateKey: string;
  eventIds: EventId[];
}

/** v1: what happened to one conflicted key. */
export interface V1Decision {
  type: string;
  /** "*" when the member pass ran as one list over all users (v1MemberConflicts). */
  stateKey: string;
  /** Which of rooms/v1.md's passes decided it. */
  pass: "power_levels" | "join_rules" | "member" | "other";
  /** The events in the order they were considered. */
  candidates: EventId[];
  /** One record per event checked, in order (the first of an auth pass goes in unchecked). */
  checks: AuthCheckRecord[];
  /** The event the key got; null when none (or, for a single list, see the state). */
  chosen: EventId | null;
}

/** Everything resolution decided, as plain data (ids sorted where the set is unordered). */
export interface ResolutionExplanation {
  /** "v2.1-partial": v2 with one of v2.1's two changes (a custom version's stateResRules). */
  algorithm: "v1" | "v2" | "v2.1" | "v2.1-partial" | "custom";
  roomVersion: string;
  stateSetCount: number;
  unconflictedState: StateObject;
  conflicted: ConflictedKey[];
  conflictedStateSet: EventId[];
  authDifference: EventId[];
  /** since v12 (v2.1). */
  conflictedStateSubgraph?: EventId[];
  fullConflictedSet: EventId[];
  /** Step 1: X in reverse topological power ordering, with the sort keys. */
  sortedPowerEvents: Array<{ eventId: EventId; senderPowerLevel: PowerLevelValueJson; originServerTs: number }>;
  /** Step 2's result. */
  partialState: StateObject;
  /** The mainline of the partial state's PL event, P0 (that event) first. */
  mainline: EventId[];
  /** Step 3: the remaining events in mainline order, with their positions. */
  sortedRemainingEvents: Array<{ eventId: EventId; mainlinePosition: MainlinePositionJson; originServerTs: number }>;
  /** Steps 2 and 4, in order. */
  authChecks: Array<AuthCheckRecord & { step: 2 | 4 }>;
  /** v1: the per-key decisions. */
  v1Decisions?: V1Decision[];
  resolvedState: StateObject;
}

export interface ResolutionOutcome {
  state: StateMap;
  explanation: ResolutionExplanation;
}
