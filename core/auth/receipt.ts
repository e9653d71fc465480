// The checks a server runs on an incoming PDU, as separate steps for the engine to call
// in order (server-server-api.md, "Checks performed on receipt of a PDU"):
//   1. checkPduFormat                 format and size limits          → drop
//   2. checkPduSignaturesAndHash      signatures, then content hash   → drop / redact
//   3. checkAuthEventsList + checkAuth against its own auth events    → reject
//   4. checkAuthAgainstState          against the state before it     → reject
//   5. checkAuthAgainstState          against current state           → soft-fail

import { canonicalJsonBytes } from "../canonical-json.ts";
import type { CryptoBackend } from "../crypto.ts";
import { nobleCrypto } from "../crypto-noble.ts";
import { authEventIds, isStateEvent, refId, type Pdu } from "../events.ts";
import { checkContentHash, computeRoomId } from "../hashes.ts";
import { IDENTIFIER_MAX_BYTES, parseUserId, type EventId } from "../ids.ts";
import { isJsonObject } from "../json.ts";
import { countOp } from "../op-counts.ts";
import { redactEvent } from "../redaction.ts";
import type { RoomVersion } from "../room-versions.ts";
import { stateKey, type StateKey, type StateMap } from "../state-map.ts";
import { verifyEventSignature } from "../signing.ts";
import { utf8ByteLength } from "../utf8.ts";
import { checkAuth, rulesOf, type CheckAuthOptions } from "./check-auth.ts";
import { domainOf } from "./domains.ts";
import { ALLOW, deny, type AuthResult } from "./result.ts";
import { authStateKeysFor } from "./select-auth-events.ts";

/** Size limits (client-server-api "Size limits"; PDU schemas). */
export const PDU_LIMITS = { eventBytesMax: 65_536, fieldBytesMax: 255, prevEventsMax: 20, authEventsMax: 10 } as const;

export type FormatResult = { ok: true; pdu: Pdu } | { ok: false; reason: string };

/** Step 1: is this a PDU of the room version, within the size limits? */
export function checkPduFormat(
  raw: unknown,
  version: RoomVersion,
  options: {
    skipCountLimits?: boolean;
    /** The PDU's canonical size in bytes, when whoever made this very object measured it (buildEvent). */
    canonicalBytes?: number;
  } = {},
): FormatResult {
  if (!isJsonObject(raw)) return { ok: false, reason: "not a JSON object" };
  const pdu = raw as unknown as Pdu;
  const isCreate = pdu.type === "m.room.create";
  for (const [field, type] of [
    ["type", "string"],
    ["sender", "string"],
    ["origin_server_ts", "number"],
    ["depth", "number"],
  ] as const) {
    if (typeof pdu[field] !== type) return { ok: false, reason: `${field} must be a ${type}` };
  }
  if (!isJsonObject(pdu.content)) return { ok: false, reason: "content must be an object" };
  if (!isJsonObject(pdu.hashes) || typeof pdu.hashes.sha256 !== "string")
    return { ok: false, reason: "hashes.sha256 must be a string" };
  if (!isJsonObject(pdu.signatures)) return { ok: false, reason: "signatures must be an object" };
  if (!(version.auth.roomIdFromCreateEvent && isCreate) && typeof pdu.room_id !== "string")
    return { ok: false, reason: "room_id must be a string" };
  if (pdu.state_key !== undefined && typeof pdu.state_key !== "string")
    return { ok: false, reason: "state_key must be a string" };
  if (version.eventRefsArePairs && typeof pdu.event_id !== "string")
    return { ok: false, reason: "event_id is required in this room version" };
  for (const field of ["prev_events", "auth_events"] as const) {
    const refs = pdu[field];
    if (!Array.isArray(refs)) return { ok: false, reason: `${field} must be an array` };
    // v1-v2: [id, {hashes}] pairs; v3+: plain ids.
    const wellFormed = refs.every((r) =>
      version.eventRefsArePairs
        ? Array.isArray(r) && typeof r[0] === "string" && isJsonObject(r[1])
        : typeof r === "string",
    );
    if (!wellFormed)
      return {
        ok: false,
        reason: `${field} entries must be ${version.eventRefsArePairs ? "[event_id, hashes] pairs" : "event ids"}`,
      };
  }
  if (!Number.isInteger(pdu.depth) || pdu.depth < 0 || pdu.depth > version.depthMax)
    return { ok: false, reason: "depth out of range" };
  if (!options.skipCountLimits) {
    if (pdu.prev_events.length > PDU_LIMITS.prevEventsMax)
      return { ok: false, reason: `more than ${PDU_LIMITS.prevEventsMax} prev_events` };
    if (pdu.auth_events.length > PDU_LIMITS.authEventsMax)
      return { ok: false, reason: `more than ${PDU_LIMITS.authEventsMax} auth_events` };
  }
  try {
    parseUserId(pdu.sender);
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  }
  for (const field of ["type", "state_key", "sender", "room_id", "event_id"] as const) {
    const value = pdu[field];
    const max = field === "type" || field === "state_key" ? PDU_LIMITS.fieldBytesMax : IDENTIFIER_MAX_BYTES;
    // A UTF-16 code unit is at most 3 bytes of UTF-8: a short string needs no encoding to be within bounds.
    if (typeof value === "string" && value.length * 3 > max && utf8ByteLength(value) > max) {
      return { ok: false, reason: `${field} longer than 255 bytes` };
    }
  }
  let bytes: number;
  try {
    // Canonical JSON is strictly enforced from v6; we sign and hash with it in every version.
    bytes = options.canonicalBytes ?? canonicalJsonBytes(pdu).length;
  } catch (e) {
    return { ok: false, reason: `not canonical JSON: ${(e as Error).message}` };
  }
  if (bytes > PDU_LIMITS.eventBytesMax)
    return { ok: false, reason: `${bytes} bytes, above the ${PDU_LIMITS.eventBytesMax}-byte limit` };
  return { ok: true, pdu };
}

/**
 * Servers that must have signed the event: the sender's; v1-v2 also the event id's;
 * since v8 a restricted join's authorising server. (Third-party-invite events are a
 * special case in the spec where the sending server may differ; we do not model it.)
 */
export function requiredSigners(pdu: Pdu, version: RoomVersion): string[] {
  const servers = new Set([domainOf(pdu.sender)]);
  if (version.auth.eventIdServerSigns && typeof pdu.event_id === "string") servers.add(domainOf(pdu.event_id));
  const via = pdu.content?.join_authorised_via_users_server;
  if (
    version.auth.restrictedJoinRule &&
    pdu.type === "m.room.member" &&
    pdu.content?.membership === "join" &&
    typeof via === "string"
  ) {
    servers.add(domainOf(via));
  }
  return [...servers].sort();
}

export type SignatureResult = { ok: true; pdu: Pdu; redacted: boolean } | { ok: false; reason: string };

/**
 * Step 2: each required server has a valid signature (by a key `lookupKey` knows);
 * then the content hash: on a mismatch the event carries on redacted (spec).
 */
export function checkPduSignaturesAndHash(
  pdu: Pdu,
  version: RoomVersion,
  lookupKey: (server: string, keyId: string) => Uint8Array | undefined,
  crypto: CryptoBackend = nobleCrypto,
  options: {
    skipSignatures?: boolean;
    /** The content hash verdict when the caller already knows it (a memo); checkContentHash otherwise. */
    contentHashMatches?: () => boolean;
  } = {},
): SignatureResult {
  if (!options.skipSignatures) {
    for (const server of requiredSigners(pdu, version)) {
      const byKey = pdu.signatures?.[server];
      const keyIds = isJsonObject(byKey)
        ? Object.keys(byKey)
            .filter((k) => k.startsWith("ed25519:"))
            .sort()
        : [];
      const valid = keyIds.some((keyId) => {
        const key = lookupKey(server, keyId);
        return key !== undefined && verifyEventSignature(pdu, version, server, keyId, key, crypto);
      });
      if (!valid) return { ok: false, reason: `no valid signature from ${server}` };
    }
  }
  const hashMatches = options.contentHashMatches ? options.contentHashMatches() : checkContentHash(pdu, crypto);
  if (hashMatches) return { ok: true, pdu, redacted: false };
  return { ok: true, pdu: redactEvent(pdu, version), redacted: true };
}

/**
 * Step 3, first half: the rules about the event's own auth_events list. `cited[i]` is
 * the event the i-th entry of `event.auth_events` names. In v12, `createEvent` is the
 * room's create event, whose hash the room id must be.
 */
export function checkAuthEventsList(
  event: Pdu,
  cited: readonly Pdu[],
  version: RoomVersion,
  isRejected: (id: EventId) => boolean,
  createEvent?: Pdu,
): AuthResult {
  const rules = rulesOf(version);
  if (event.type === "m.room.create") return ALLOW;
  // since v12: the room id must be the hash of the (accepted) create event.
  if (version.auth.roomIdFromCreateEvent) {
    const create = createEvent ?? cited.find((c) => c.type === "m.room.create");
    if (!create || computeRoomId(create, version) !== event.room_id) {
      return deny(rules.roomIdIsCreate!, "the room id does not name an accepted create event");
    }
  }
  const ids = authEventIds(event);
  const allowed = new Set<StateKey>(authStateKeysFor(event, version));
  const seen = new Set<StateKey>();
  let hasCreate = false;
  for (let i = 0; i < cited.length; i++) {
    const e = cited[i]!;
    if (!isStateEvent(e)) return deny(rules.authEvents.unexpected, `auth event ${ids[i]} is not a state event`);
    const key = stateKey(e.type, e.state_key);
    if (seen.has(key))
      return deny(rules.authEvents.duplicate, `two auth events for ${e.type} ${JSON.stringify(e.state_key)}`);
    seen.add(key);
    if (!allowed.has(key))
      return deny(
        rules.authEvents.unexpected,
        `auth event ${ids[i]} (${e.type}) is not one the selection algorithm picks`,
      );
    if (isRejected(refId(event.auth_events[i]!)))
      return deny(rules.authEvents.rejected, `auth event ${ids[i]} was rejected`);
    if (e.room_id !== undefined && event.room_id !== undefined && e.room_id !== event.room_id) {
      return deny(rules.authEvents.wrongRoom, `auth event ${ids[i]} is in another room`);
    }
    if (e.type === "m.room.create") hasCreate = true;
  }
  // v1-v11: the create event must be cited.
  if (!version.auth.roomIdFromCreateEvent && !hasCreate)
    return deny(rules.authEvents.missingCreate!, "no m.room.create among the auth events");
  return ALLOW;
}

/**
 * Steps 4 and 5: check the event against a state (the state before it, or the current
 * state), using the entries the auth rules consult plus the create event.
 */
export function checkAuthAgainstState(
  event: Pdu,
  state: StateMap,
  fetchEvent: (id: EventId) => Pdu | undefined,
  version: RoomVersion,
  options?: CheckAuthOptions,
): AuthResult {
  countOp("checkAuthAgainstState");
  return checkAuth(event, authEventsInState(event, state, fetchEvent, version), version, options);
}

/**
 * What checkAuthAgainstState checks the event against: the events the state holds at the
 * keys the auth rules may consult for it, the create event's among them, in key order.
 */
export function authEventsInState(
  event: Pdu,
  state: StateMap,
  fetchEvent: (id: EventId) => Pdu | undefined,
  version: RoomVersion,
): Map<StateKey, Pdu> {
  const events = new Map<StateKey, Pdu>();
  const consult = (key: StateKey) => {
    const id = state.get(key);
    const pdu = id === undefined ? undefined : fetchEvent(id);
    if (pdu) events.set(key, pdu);
  };
  // The keys in sorted order, the create event's among them: authStateKeysFor's are
  // sorted and distinct already, so the create key only needs its place (this runs for
  // every PDU every server receives, and a set and a sort here were most of its cost).
  let createConsulted = false;
  for (const key of authStateKeysFor(event, version)) {
    if (!createConsulted && CREATE_KEY <= key) {
      if (key !== CREATE_KEY) consult(CREATE_KEY);
      createConsulted = true;
    }
    consult(key);
  }
  if (!createConsulted) consult(CREATE_KEY);
  return events;
}

const CREATE_KEY = stateKey("m.room.create", "");
