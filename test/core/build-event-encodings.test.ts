// buildEvent encodes a new event once and reuses the encoding for its content hash, its
// signature, its id and (v12) its room id. Whatever it shares, the event it returns must
// be the one the separate steps give: the content hash of computeContentHash, the
// signature of signEvent (the spec's "Adding hashes and signatures", built independently
// in signing.ts), the id of computeEventId, the room id of computeRoomId,
// the size of canonicalJsonBytes.
import { describe, expect, it } from "vitest";
import {
  buildEvent,
  canonicalJsonBytes,
  computeContentHash,
  computeEventId,
  computeRoomId,
  parseEventId,
  parseRoomVersion,
  signEvent,
  type BuildEventInput,
} from "../../core/index.ts";
import { BACKENDS } from "../backends.ts";

const key = { serverName: "hs1", keyId: "ed25519:1", seed: new Uint8Array(32).fill(7) };
const VERSIONS = ["1", "2", "3", "4", "6", "9", "10", "11", "12"];

function shapes(versionId: string): BuildEventInput[] {
  const roomVersion = parseRoomVersion(versionId);
  const common = {
    roomVersion,
    sender: "@alice:hs1",
    prevEvents: [
      { eventId: parseEventId("$a:hs1"), depth: 3 },
      { eventId: parseEventId("$b:hs1"), depth: 7 },
    ],
    authEvents: ["$create:hs1", "$pl:hs1"],
    originServerTs: 1_700_000_000_000,
    key,
  };
  const inRoom = { ...common, roomId: "!room:hs1" };
  return [
    { ...inRoom, type: "m.room.message", content: { msgtype: "m.text", body: "héllo ☃ \u{1F600}" } },
    { ...inRoom, type: "m.room.topic", stateKey: "", content: { topic: "t", extra: { n: [1, 2] } } },
    { ...inRoom, type: "m.room.member", stateKey: "@bob:hs1", content: { membership: "join", displayname: "B" } },
    { ...inRoom, type: "m.room.redaction", content: { reason: "spam" }, redacts: "$a:hs1" },
    { ...inRoom, type: "m.room.message", content: { body: "x" }, unsigned: { age: 3 } },
    roomVersion.auth.roomIdFromCreateEvent
      ? { ...common, type: "m.room.create", stateKey: "", content: { room_version: versionId } }
      : { ...inRoom, type: "m.room.create", stateKey: "", content: { room_version: versionId, creator: "@alice:hs1" } },
  ];
}

describe("buildEvent's one encoding", () => {
  for (const crypto of BACKENDS)
    it(`gives the event, id and room id of the separate steps in every version (${crypto.name})`, () => {
      for (const versionId of VERSIONS) {
        const version = parseRoomVersion(versionId);
        for (const input of shapes(versionId)) {
          const unsigned = buildEvent({ ...input, crypto, skipSignature: true });
          const signed = buildEvent({ ...input, crypto });
          const { hashes, ...withoutHashes } = unsigned.pdu;
          expect(hashes).toEqual({ sha256: computeContentHash({ ...withoutHashes, hashes: {} }, crypto) });
          expect(signed.pdu).toEqual(signEvent(unsigned.pdu, version, key.serverName, key.keyId, key.seed, crypto));
          expect(unsigned.eventId).toBe(computeEventId(unsigned.pdu, version, crypto));
          expect(signed.eventId).toBe(computeEventId(signed.pdu, version, crypto));
          expect(signed.eventId).toBe(unsigned.eventId);
          expect(unsigned.canonicalBytes).toBe(canonicalJsonBytes(unsigned.pdu).length);
          expect(signed.canonicalBytes).toBe(canonicalJsonBytes(signed.pdu).length);
          if (input.type === "m.room.create" && version.auth.roomIdFromCreateEvent)
            expect(signed.roomId).toBe(computeRoomId(signed.pdu, version, crypto));
          else expect(signed.roomId).toBe("!room:hs1");
        }
      }
    });
});
