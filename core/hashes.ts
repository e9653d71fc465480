// Content hash, reference hash, event ids and the v12 room id
// (spec: server-server-api.md "Calculating the content hash", "Calculating the
// reference hash"; rooms/v3.md, v4.md, v12.md "Event IDs", "Room IDs").

import { decodeBase64, encodeBase64, encodeBase64Url } from "./base64.ts";
import { canonicalJsonBytes } from "./canonical-json.ts";
import type { Hasher } from "./crypto.ts";
import { nobleCrypto } from "./crypto-noble.ts";
import type { Pdu } from "./events.ts";
import type { EventId, RoomId } from "./ids.ts";
import { parseEventId } from "./ids.ts";
import { redactedView } from "./redaction.ts";
import type { RoomVersion } from "./room-versions.ts";
import { IMPLICIT_ROOM_VERSION, parseRoomVersion } from "./room-versions.ts";

function withoutKeys(pdu: Pdu, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(pdu)) if (!keys.includes(k)) out[k] = v;
  return out;
}

/** SHA-256 of the full event without `unsigned`, `signatures` and `hashes`; unpadded base64. */
export function computeContentHash(pdu: Pdu, hasher: Hasher = nobleCrypto): string {
  return encodeBase64(hasher.sha256(canonicalJsonBytes(withoutKeys(pdu, ["unsigned", "signatures", "hashes"]))));
}

/** Whether `hashes.sha256` matches the event's content. A missing or undecodable hash fails. */
export function checkContentHash(pdu: Pdu, hasher: Hasher = nobleCrypto): boolean {
  const claimed = pdu.hashes?.sha256;
  if (typeof claimed !== "string") return false;
  let claimedBytes: Uint8Array;
  try {
    claimedBytes = decodeBase64(claimed);
  } catch {
    return false;
  }
  // Compare decoded bytes, so a padded or unpadded claim both count (spec: "decoded").
  return encodeBase64(claimedBytes) === computeContentHash(pdu, hasher);
}

function referenceHashBytes(pdu: Pdu, roomVersion: RoomVersion, hasher: Hasher): Uint8Array {
  const redacted = redactedView(pdu, roomVersion);
  return hasher.sha256(canonicalJsonBytes(withoutKeys(redacted, ["signatures", "unsigned"])));
}

/** SHA-256 of the redacted event without `signatures` and `unsigned`; unpadded standard base64. */
export function computeReferenceHash(pdu: Pdu, roomVersion: RoomVersion, hasher: Hasher = nobleCrypto): string {
  return encodeBase64(referenceHashBytes(pdu, roomVersion, hasher));
}

/**
 * The event id. From room version 3 it is derived from the reference hash; in versions
 * 1-2 the sender chose it and it travels in the `event_id` field, which must be present.
 */
export function computeEventId(pdu: Pdu, version: RoomVersion, hasher: Hasher = nobleCrypto): EventId {
  switch (version.eventIdFormat) {
    case "opaque":
      if (typeof pdu.event_id !== "string") {
        throw new Error(`room version ${version.id}: event ids are chosen by the sender, but the PDU has no event_id`);
      }
      return parseEventId(pdu.event_id);
    case "base64":
      return `$${encodeBase64(referenceHashBytes(pdu, version, hasher))}` as EventId;
    case "base64url":
      return `$${encodeBase64Url(referenceHashBytes(pdu, version, hasher))}` as EventId;
  }
}

/**
 * The room version a create event declares (version 1 when it declares none): a create
 * event is where a room's version enters. Throws UnknownRoomVersionError for an id the
 * spec does not define.
 */
export function roomVersionOfCreate(createPdu: Pdu): RoomVersion {
  const declared = createPdu.content?.room_version;
  return parseRoomVersion(typeof declared === "string" ? declared : IMPLICIT_ROOM_VERSION);
}

/**
 * Room version 12: the room id is the create event's id with `!` for `$` (MSC4291).
 * The room version is read from the create event's content unless given.
 */
export function computeRoomId(
  createPdu: Pdu,
  version: RoomVersion = roomVersionOfCreate(createPdu),
  hasher: Hasher = nobleCrypto,
): RoomId {
  if (createPdu.type !== "m.room.create")
    throw new Error(`computeRoomId needs an m.room.create event, got ${createPdu.type}`);
  if (!version.auth.roomIdFromCreateEvent) {
    throw new Error(`room version ${version.id} does not derive room ids from the create event`);
  }
  return `!${encodeBase64Url(referenceHashBytes(createPdu, version, hasher))}` as RoomId;
}
