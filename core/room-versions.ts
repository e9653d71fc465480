// The room versions 1-12 as records of named flags (spec: content/rooms/v1.md ... v12.md).
// Every other module asks one of these flags — `rules.knocking`, never `version >= 7` —
// so a researcher can define a custom version by changing flags of an existing one.
// A room version is a value: it is resolved from its id once, where the id enters
// (parseRoomVersion: a fixture, a scenario, a create event, a request, a CLI option), and
// the record is passed everywhere after that. There is no registry of custom versions.

import type { Signer } from "./crypto.ts";
import type { FetchEvent } from "./events.ts";
import type { EventId } from "./ids.ts";
import type { StateMap } from "./state-map.ts";

export type EventIdFormat =
  /** `$opaque:server`, chosen by the sender and carried in the `event_id` field (v1-v2). */
  | "opaque"
  /** `$` + reference hash, standard unpadded base64 (v3). */
  | "base64"
  /** `$` + reference hash, URL-safe unpadded base64 (v4+). */
  | "base64url";

/** The state resolution algorithm: v1 (rooms/v1.md) or v2 (rooms/fragments/v2-state-res.md). */
export type StateResAlgorithm = "v1" | "v2";

/**
 * The two changes state resolution v2.1 (MSC4297, room version 12) makes to v2, one flag
 * each, so that a custom version can take either alone. Both only matter with
 * `stateRes: "v2"`; room version 12 sets both.
 */
export interface StateResRules {
  /**
   * Step 2's iterative auth checks (the power events) start from an empty state map
   * instead of the unconflicted state map, so a key the replay has not produced yet is
   * taken from the checked event's own auth events (spec: rooms/v12.md "State resolution",
   * Algorithm step 2; MSC4297 "Problem A").
   */
  checksStartFromEmptyState: boolean;
  /**
   * The full conflicted set also holds the conflicted state subgraph: every event on an
   * auth-event path from one conflicted event to another (spec: rooms/v12.md "State
   * resolution", Definitions "Conflicted state subgraph" and "Full conflicted set";
   * MSC4297 "Problem B").
   */
  fullConflictedSetIncludesSubgraph: boolean;
}

/** Which keys the redaction algorithm keeps (spec: rooms/fragments/v*-redactions.md). */
export interface RedactionRules {
  /** Top-level `origin`, `membership`, `prev_state` survive redaction (v1-v10). */
  keepsOriginMembershipPrevState: boolean;
  /** `m.room.aliases` keeps `aliases` (v1-v5). */
  aliasesKeepsAliases: boolean;
  /** `m.room.join_rules` keeps `allow` (v8+). */
  joinRulesKeepsAllow: boolean;
  /** `m.room.member` keeps `join_authorised_via_users_server` (v9+). */
  memberKeepsJoinAuthorisedVia: boolean;
  /** `m.room.member` keeps `third_party_invite.signed` (v11+). */
  memberKeepsThirdPartyInviteSigned: boolean;
  /** `m.room.create` keeps all of its content, not only `creator` (v11+). */
  createKeepsAllContent: boolean;
  /** `m.room.power_levels` keeps `invite` (v11+). */
  powerLevelsKeepsInvite: boolean;
  /** `m.room.redaction` keeps `content.redacts` (v11+). */
  redactionKeepsRedacts: boolean;
}

/** Variants of the authorization rules (spec: rooms/fragments/*-auth-rules.md). */
export interface AuthRules {
  /** The `m.room.aliases` special case (v1-v5). */
  specialCaseAliases: boolean;
  /** Redactions are an auth rule: redact level, or same server as the target (v1-v2). */
  redactionAuthRule: boolean;
  /** Events must also be signed by the server named in their event id (v1-v2). */
  eventIdServerSigns: boolean;
  /** Signing keys must be valid (`valid_until_ts`) at the event's origin_server_ts (v5+). */
  enforceKeyValidity: boolean;
  /** Power-level changes also check the `notifications` keys (v6+). */
  notificationsPowerLevels: boolean;
  /** The `knock` membership and join rule (v7+). */
  knocking: boolean;
  /** The `restricted` join rule and `join_authorised_via_users_server` (v8+). */
  restrictedJoinRule: boolean;
  /** The `knock_restricted` join rule (v10+). */
  knockRestrictedJoinRule: boolean;
  /** Power-level values must be JSON integers, not strings (v10+). */
  integerPowerLevels: boolean;
  /** The create event must carry `content.creator` (v1-v10); from v11 the sender is the creator. */
  createRequiresCreator: boolean;
  /** Creators (create sender + `additional_creators`) have infinite power (v12). */
  privilegedCreators: boolean;
  /** The room id is the create event's reference hash; the create event is never cited (v12). */
  roomIdFromCreateEvent: boolean;
  /**
   * Not a spec change but a reading of it: the join rule when the room has no
   * m.room.join_rules event (or its join_rule is not a string). The auth rules name no
   * default; Synapse (event_auth.py) takes "invite", so invited users may still join.
   * "none" is the literal reading: no rule lets anyone join. A custom room version may
   * flip it to compare.
   */
  joinRuleWhenAbsent: "invite" | "none";
}

export interface RoomVersion {
  readonly id: string;
  /** Whether the spec lists this version as stable (custom versions are not). */
  readonly stable: boolean;
  readonly eventIdFormat: EventIdFormat;
  /** `prev_events`/`auth_events` as `[id, {sha256}]` pairs, plus `event_id` (v1-v2). */
  readonly eventRefsArePairs: boolean;
  /** `redacts` lives in `content` rather than at the top level (v11+). */
  readonly redactsInContent: boolean;
  /** Canonical JSON is enforced on events (no floats, integers within ±2^53-1) (v6+). */
  readonly strictCanonicalJson: boolean;
  /** Highest allowed `depth`: 2^63-1 (v1-v5, beyond JS's safe range) or 2^53-1 (v6+). */
  readonly depthMax: number;
  readonly redaction: Readonly<RedactionRules>;
  readonly auth: Readonly<AuthRules>;
  readonly stateRes: StateResAlgorithm;
  /** v2.1's changes to v2, one flag each (v12 sets both). */
  readonly stateResRules: Readonly<StateResRules>;
  /** A custom version's own state resolution, used instead of `stateRes` when set. */
  readonly resolver?: CustomResolver;
}

/** What resolveState hands a custom resolver besides the state sets. */
export interface CustomResolverContext {
  /** Events rejected earlier: never to be used as auth events (spec: v2 "Rejected events"). */
  readonly isRejected: (id: EventId) => boolean;
  /** For the authorization checks that need signatures; undefined when none are verified. */
  readonly signer: Signer | undefined;
}

/**
 * A custom room version's own resolution algorithm (set `resolver` on the RoomVersion).
 * resolveState explains its answer as algorithm "custom", with the resolved state only.
 * It lives here, not in state-res/, so that room versions stay at the base of core/.
 */
export type CustomResolver = (
  roomVersion: RoomVersion,
  stateSets: readonly StateMap[],
  fetchEvent: FetchEvent,
  context: CustomResolverContext,
) => StateMap;

const v1: RoomVersion = {
  id: "1",
  stable: true,
  eventIdFormat: "opaque",
  eventRefsArePairs: true,
  redactsInContent: false,
  strictCanonicalJson: false,
  // 2^63-1 is not representable in a double; Number.MAX_SAFE_INTEGER is the largest
  // depth we can carry exactly, and no simulated room comes near it.
  depthMax: Number.MAX_SAFE_INTEGER,
  redaction: {
    keepsOriginMembershipPrevState: true,
    aliasesKeepsAliases: true,
    joinRulesKeepsAllow: false,
    memberKeepsJoinAuthorisedVia: false,
    memberKeepsThirdPartyInviteSigned: false,
    createKeepsAllContent: false,
    powerLevelsKeepsInvite: false,
    redactionKeepsRedacts: false,
  },
  auth: {
    specialCaseAliases: true,
    redactionAuthRule: true,
    eventIdServerSigns: true,
    enforceKeyValidity: false,
    notificationsPowerLevels: false,
    knocking: false,
    restrictedJoinRule: false,
    knockRestrictedJoinRule: false,
    integerPowerLevels: false,
    createRequiresCreator: true,
    privilegedCreators: false,
    roomIdFromCreateEvent: false,
    joinRuleWhenAbsent: "invite",
  },
  stateRes: "v1",
  stateResRules: { checksStartFromEmptyState: false, fullConflictedSetIncludesSubgraph: false },
};

// since v2: state resolution v2.
const v2: RoomVersion = { ...v1, id: "2", stateRes: "v2" };
// since v3: event ids are reference hashes; redaction is no longer an auth rule.
const v3: RoomVersion = {
  ...v2,
  id: "3",
  eventIdFormat: "base64",
  eventRefsArePairs: false,
  auth: { ...v2.auth, redactionAuthRule: false, eventIdServerSigns: false },
};
// since v4: URL-safe event ids.
const v4: RoomVersion = { ...v3, id: "4", eventIdFormat: "base64url" };
// since v5: signing-key validity enforced.
const v5: RoomVersion = { ...v4, id: "5", auth: { ...v4.auth, enforceKeyValidity: true } };
// since v6: strict canonical JSON, no aliases special case, `notifications` in PL checks.
const v6: RoomVersion = {
  ...v5,
  id: "6",
  strictCanonicalJson: true,
  depthMax: Number.MAX_SAFE_INTEGER,
  redaction: { ...v5.redaction, aliasesKeepsAliases: false },
  auth: { ...v5.auth, specialCaseAliases: false, notificationsPowerLevels: true },
};
// since v7: knocking.
const v7: RoomVersion = { ...v6, id: "7", auth: { ...v6.auth, knocking: true } };
// since v8: restricted join rule.
const v8: RoomVersion = {
  ...v7,
  id: "8",
  redaction: { ...v7.redaction, joinRulesKeepsAllow: true },
  auth: { ...v7.auth, restrictedJoinRule: true },
};
// since v9: redaction keeps join_authorised_via_users_server (fixes v8's split brain).
const v9: RoomVersion = { ...v8, id: "9", redaction: { ...v8.redaction, memberKeepsJoinAuthorisedVia: true } };
// since v10: knock_restricted, integer-only power levels.
const v10: RoomVersion = {
  ...v9,
  id: "10",
  auth: { ...v9.auth, knockRestrictedJoinRule: true, integerPowerLevels: true },
};
// since v11: creator = sender, `redacts` in content, new redaction rules.
const v11: RoomVersion = {
  ...v10,
  id: "11",
  redactsInContent: true,
  redaction: {
    ...v10.redaction,
    keepsOriginMembershipPrevState: false,
    memberKeepsThirdPartyInviteSigned: true,
    createKeepsAllContent: true,
    powerLevelsKeepsInvite: true,
    redactionKeepsRedacts: true,
  },
  auth: { ...v10.auth, createRequiresCreator: false },
};
// since v12: privileged creators, room id from the create event, state resolution v2.1
// (v2 with both of MSC4297's changes).
const v12: RoomVersion = {
  ...v11,
  id: "12",
  auth: { ...v11.auth, privilegedCreators: true, roomIdFromCreateEvent: true },
  stateResRules: { checksStartFromEmptyState: true, fullConflictedSetIncludesSubgraph: true },
};

function deepFreeze<T extends object>(v: T): T {
  for (const value of Object.values(v)) if (typeof value === "object" && value !== null) deepFreeze(value);
  return Object.freeze(v);
}

/** The ids of the versions the spec defines. */
export type SpecRoomVersionId = "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9" | "10" | "11" | "12";

/** The versions the spec defines, by id: `ROOM_VERSIONS["11"]` where the id is written in the code. */
export const ROOM_VERSIONS: Readonly<Record<SpecRoomVersionId, RoomVersion>> = deepFreeze({
  "1": v1,
  "2": v2,
  "3": v3,
  "4": v4,
  "5": v5,
  "6": v6,
  "7": v7,
  "8": v8,
  "9": v9,
  "10": v10,
  "11": v11,
  "12": v12,
});

/** Room versions with no `room_version` in their create event are version 1. */
export const IMPLICIT_ROOM_VERSION = "1";

export class UnknownRoomVersionError extends Error {
  constructor(readonly roomVersion: string) {
    super(`unknown room version ${JSON.stringify(roomVersion)}: known are ${Object.keys(ROOM_VERSIONS).join(", ")}`);
    this.name = "UnknownRoomVersionError";
  }
}

/**
 * The room version named by `id`, where an id enters netsplit (a fixture, a scenario, a
 * create event, a request, a CLI option); everything after takes the record. Throws
 * UnknownRoomVersionError for an id the spec does not define.
 */
export function parseRoomVersion(id: string): RoomVersion {
  if (!isSpecRoomVersionId(id)) throw new UnknownRoomVersionError(id);
  return ROOM_VERSIONS[id];
}

function isSpecRoomVersionId(id: string): id is SpecRoomVersionId {
  return Object.hasOwn(ROOM_VERSIONS, id);
}

export interface RoomVersionOverrides {
  eventIdFormat?: EventIdFormat;
  eventRefsArePairs?: boolean;
  redactsInContent?: boolean;
  strictCanonicalJson?: boolean;
  depthMax?: number;
  redaction?: Partial<RedactionRules>;
  auth?: Partial<AuthRules>;
  stateRes?: StateResAlgorithm;
  stateResRules?: Partial<StateResRules>;
  resolver?: CustomResolver;
}

/**
 * A custom room version: the flags of `base` with some changed, to prototype a spec
 * change. The record is the version: pass it wherever a room version is taken.
 */
export function defineRoomVersion(id: string, base: RoomVersion, overrides: RoomVersionOverrides): RoomVersion {
  if (!/^[a-z0-9.-]{1,32}$/.test(id)) {
    throw new Error(`room version id ${JSON.stringify(id)}: use 1-32 characters from a-z 0-9 . -`);
  }
  if (/^[0-9.]+$/.test(id)) {
    throw new Error(`room version id ${JSON.stringify(id)}: ids of only digits and dots are reserved for the spec`);
  }
  const version: RoomVersion = {
    ...base,
    ...overrides,
    id,
    stable: false,
    redaction: { ...base.redaction, ...overrides.redaction },
    auth: { ...base.auth, ...overrides.auth },
    stateResRules: { ...base.stateResRules, ...overrides.stateResRules },
  };
  const { checksStartFromEmptyState, fullConflictedSetIncludesSubgraph } = version.stateResRules;
  if (version.stateRes === "v1" && (checksStartFromEmptyState || fullConflictedSetIncludesSubgraph)) {
    throw new Error(`room version ${id}: the v2.1 changes (stateResRules) apply to state resolution v2, not v1`);
  }
  return deepFreeze(version);
}
