// Building a new event for a room version: the one place a PDU is assembled, so the
// rest of the project never writes `depth`, `hashes`, `signatures` or ids by hand
// (spec: server-server-api.md "Adding hashes and signatures"; rooms/v*.md "Event format").

import { encodeBase64Url } from "./base64.ts";
import { canonicalJsonBytes } from "./canonical-json.ts";
import type { Base64Alphabet, CryptoBackend } from "./crypto.ts";
import { nobleCrypto } from "./crypto-noble.ts";
import type { EventRef, Pdu } from "./events.ts";
import { CanonicalMembers } from "./canonical-members.ts";
import { computeContentHash, eventIdOf, referenceText, roomIdOf } from "./hashes.ts";
import type { EventId, RoomId } from "./ids.ts";
import { parseEventId, parseRoomId, parseUserId, serverOfUser } from "./ids.ts";
import type { JsonObject } from "./json.ts";
import type { RoomVersion } from "./room-versions.ts";
import { sha256TextBase64 } from "./sha256-text.ts";
import { signEventOver } from "./signing.ts";
import { utf8ByteLength } from "./utf8.ts";

const utf8 = new TextEncoder();

export interface SigningKey {
  serverName: string;
  keyId: string;
  /** The 32-byte ed25519 seed. */
  seed: Uint8Array;
}

export interface PrevEvent {
  eventId: EventId;
  depth: number;
}

export interface BuildEventInput {
  roomVersion: RoomVersion;
  /** Required except for the room version 12 create event, whose id makes the room id. */
  roomId?: RoomId | string;
  sender: string;
  type: string;
  /** Present for state events (the empty string is a valid state key). */
  stateKey?: string;
  content: JsonObject;
  prevEvents: readonly PrevEvent[];
  authEvents: readonly (EventId | string)[];
  /** The sending server's clock in milliseconds: the simulation's virtual clock, never the wall clock. */
  originServerTs: number;
  /** For m.room.redaction: top-level `redacts` before v11, `content.redacts` from v11. */
  redacts?: EventId | string;
  key: SigningKey;
  /** Versions 1-2 only: the local part of `$local:server`; derived from the content if omitted. */
  eventIdLocalpart?: string;
  unsigned?: JsonObject;
  /** Leave `signatures` empty (sweeps may turn signing off; hashing always happens). */
  skipSignature?: boolean;
  crypto?: CryptoBackend;
}

export interface BuiltEvent {
  eventId: EventId;
  roomId: RoomId;
  pdu: Pdu;
  /** The size of `pdu` as canonical JSON in UTF-8 bytes (what the size limit on receipt measures). */
  canonicalBytes: number;
}

/** `max(depth of prev_events) + 1`, 1 for the create event, saturating at the version's cap. */
export function depthAfter(prevEvents: readonly PrevEvent[], depthMax: number): number {
  let max = 0;
  for (const p of prevEvents) max = Math.max(max, p.depth);
  return Math.min(max + 1, depthMax);
}

export function buildEvent(input: BuildEventInput): BuiltEvent {
  const version = input.roomVersion;
  const crypto = input.crypto ?? nobleCrypto;
  const sender = parseUserId(input.sender);
  if (serverOfUser(sender) !== input.key.serverName) {
    throw new Error(`sender ${sender} does not belong to the signing server ${input.key.serverName}`);
  }
  const isV12Create = input.type === "m.room.create" && version.auth.roomIdFromCreateEvent;
  if (isV12Create && input.roomId !== undefined) {
    throw new Error(`room version ${version.id}: the create event carries no room_id (it is derived from the event)`);
  }
  if (!isV12Create && input.roomId === undefined) throw new Error("buildEvent: roomId is required");

  const ref = (id: EventId | string): EventRef => {
    parseEventId(id);
    // v1-v2 only: references are pairs; like Synapse we send an empty hash object.
    return version.eventRefsArePairs ? [id, {}] : id;
  };
  const content: JsonObject = { ...input.content };
  // Member by member, in the order of the wire format (object literals with optional
  // members spread in cost a copy each, on the path of every event).
  const pdu = {} as Pdu;
  if (input.roomId !== undefined) pdu.room_id = parseRoomId(input.roomId);
  pdu.sender = sender;
  pdu.origin_server_ts = input.originServerTs;
  pdu.type = input.type;
  if (input.stateKey !== undefined) pdu.state_key = input.stateKey;
  pdu.content = content;
  pdu.prev_events = input.prevEvents.map((p) => ref(p.eventId));
  pdu.auth_events = input.authEvents.map(ref);
  pdu.depth = depthAfter(input.prevEvents, version.depthMax);
  pdu.hashes = {};
  pdu.signatures = {};
  if (input.unsigned !== undefined) pdu.unsigned = input.unsigned;
  if (input.redacts !== undefined) {
    parseEventId(input.redacts);
    if (version.redactsInContent) content.redacts = input.redacts;
    else pdu.redacts = input.redacts;
  }
  if (version.eventIdFormat === "opaque") {
    const local = input.eventIdLocalpart ?? opaqueLocalpart(pdu, crypto);
    pdu.event_id = parseEventId(`$${local}:${input.key.serverName}`);
  }
  // Encoded once, three ways (canonical-members.ts): without hashes for the content
  // hash; redacted, hashes in, for the signature, the event id and the v12 room id,
  // which all cover the same bytes (signatures are never part of them).
  const members = new CanonicalMembers(pdu);
  pdu.hashes = { sha256: computeContentHash(pdu, crypto, members) };
  let reference: string | undefined;
  const referenceOnce = () => (reference ??= referenceText(pdu, version, members));
  const signed = input.skipSignature
    ? pdu
    : signEventOver(pdu, utf8.encode(referenceOnce()), input.key.serverName, input.key.keyId, input.key.seed, crypto);
  // The v12 create event asks twice (its id and the room id), in the same alphabet.
  let hashed: { alphabet: Base64Alphabet; hash: string } | undefined;
  const referenceHash = (alphabet: Base64Alphabet): string => {
    if (hashed?.alphabet !== alphabet) hashed = { alphabet, hash: sha256TextBase64(crypto, referenceOnce(), alphabet) };
    return hashed.hash;
  };
  const eventId = eventIdOf(signed, version, referenceHash);
  const roomId = isV12Create ? roomIdOf(signed, version, referenceHash) : (pdu.room_id as RoomId);
  const canonicalBytes = utf8ByteLength(members.json(signed));
  return { eventId, roomId, pdu: signed, canonicalBytes };
}

// A deterministic local part for v1-v2 ids: the same inputs give the same id, and
// distinct events (distinct content, time, parents) get distinct ones.
function opaqueLocalpart(pdu: Pdu, crypto: CryptoBackend): string {
  return encodeBase64Url(crypto.sha256(canonicalJsonBytes(pdu))).slice(0, 18);
}
