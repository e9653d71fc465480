// Content hash, reference hash, event ids and the v12 room id
// (spec: server-server-api.md "Calculating the content hash", "Calculating the
// reference hash"; rooms/v3.md, v4.md, v12.md "Event IDs", "Room IDs").

import { decodeBase64, encodeBase64 } from "./base64.ts";
import { CanonicalMembers } from "./canonical-members.ts";
import type { Base64Alphabet, Hasher } from "./crypto.ts";
import { nobleCrypto } from "./crypto-noble.ts";
import type { Pdu } from "./events.ts";
import type { EventId, RoomId } from "./ids.ts";
import { parseEventId } from "./ids.ts";
import { redactedView } from "./redaction.ts";
import type { RoomVersion } from "./room-versions.ts";
import { IMPLICIT_ROOM_VERSION, parseRoomVersion } from "./room-versions.ts";
import { sha256TextBase64 } from "./sha256-text.ts";

/** What the content hash leaves out of the event. */
const CONTENT_HASH_OMITS = ["unsigned", "signatures", "hashes"];
/** What the reference hash leaves out of the redacted event (and what a signature does not cover). */
const REFERENCE_HASH_OMITS = ["signatures", "unsigned"];

/**
 * SHA-256 of the full event without `unsigned`, `signatures` and `hashes`; unpadded
 * base64. `members`: the event's member encodings, when the caller encodes it other ways too.
 */
export function computeContentHash(
  pdu: Pdu,
  hasher: Hasher = nobleCrypto,
  members: CanonicalMembers = new CanonicalMembers(pdu),
): string {
  return sha256TextBase64(hasher, members.json(pdu, CONTENT_HASH_OMITS), "base64");
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

/**
 * The text the reference hash is taken of: the redacted event without `signatures` and
 * `unsigned`. Its UTF-8 bytes are also exactly what its signatures cover (signing.ts).
 */
export function referenceText(
  pdu: Pdu,
  roomVersion: RoomVersion,
  members: CanonicalMembers = new CanonicalMembers(pdu),
): string {
  return members.json(redactedView(pdu, roomVersion), REFERENCE_HASH_OMITS);
}

/** The reference hash in unpadded base64 of either alphabet (what eventIdOf and roomIdOf ask for). */
export type ReferenceHash = (alphabet: Base64Alphabet) => string;

function referenceHashOf(pdu: Pdu, roomVersion: RoomVersion, hasher: Hasher): ReferenceHash {
  return (alphabet) => sha256TextBase64(hasher, referenceText(pdu, roomVersion), alphabet);
}

/** SHA-256 of the redacted event without `signatures` and `unsigned`; unpadded standard base64. */
export function computeReferenceHash(pdu: Pdu, roomVersion: RoomVersion, hasher: Hasher = nobleCrypto): string {
  return referenceHashOf(pdu, roomVersion, hasher)("base64");
}

/**
 * The event id. From room version 3 it is derived from the reference hash; in versions
 * 1-2 the sender chose it and it travels in the `event_id` field, which must be present.
 */
export function computeEventId(pdu: Pdu, version: RoomVersion, hasher: Hasher = nobleCrypto): EventId {
  return eventIdOf(pdu, version, referenceHashOf(pdu, version, hasher));
}

/** computeEventId given the reference hash (asked for only by versions whose ids derive from it). */
export function eventIdOf(pdu: Pdu, version: RoomVersion, referenceHash: ReferenceHash): EventId {
  switch (version.eventIdFormat) {
    case "opaque":
      if (typeof pdu.event_id !== "string") {
        throw new Error(`room version ${version.id}: event ids are chosen by the sender, but the PDU has no event_id`);
      }
      return parseEventId(pdu.event_id);
    case "base64":
      return `$${referenceHash("base64")}` as EventId;
    case "base64url":
      return `$${referenceHash("base64url")}` as EventId;
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
  return roomIdOf(createPdu, version, referenceHashOf(createPdu, version, hasher));
}

/** computeRoomId given the create event's reference hash. */
export function roomIdOf(createPdu: Pdu, version: RoomVersion, referenceHash: ReferenceHash): RoomId {
  if (createPdu.type !== "m.room.create")
    throw new Error(`computeRoomId needs an m.room.create event, got ${createPdu.type}`);
  if (!version.auth.roomIdFromCreateEvent) {
    throw new Error(`room version ${version.id} does not derive room ids from the create event`);
  }
  return `!${referenceHash("base64url")}` as RoomId;
}
