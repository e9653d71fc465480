// An event's pure facts are computed once per event object (sim/homeserver/pdu-facts.ts).
import { expect, it } from "vitest";
import { nodeCrypto } from "../../cli/node-crypto.ts";
import { buildEvent, parseRoomVersion, type CryptoBackend, type EventId } from "../../core/index.ts";
import { pduEventId, pduSignaturesAndHash } from "../../sim/homeserver/pdu-facts.ts";

function countingVerify(): { crypto: CryptoBackend; verifications: () => number } {
  let n = 0;
  return {
    crypto: { ...nodeCrypto, verify: (sig, msg, key) => (n++, nodeCrypto.verify(sig, msg, key)) },
    verifications: () => n,
  };
}

it("verifies each signature once per event object and key, and again for another key or object", () => {
  const version = parseRoomVersion("10");
  const seed = new Uint8Array(32).fill(7);
  const other = new Uint8Array(32).fill(8);
  const built = buildEvent({
    roomVersion: version,
    roomId: "!r:hs1",
    sender: "@a:hs1",
    type: "m.room.message",
    content: { body: "hi" },
    prevEvents: [{ eventId: "$p" as EventId, depth: 1 }],
    authEvents: ["$c"],
    originServerTs: 1,
    key: { serverName: "hs1", keyId: "ed25519:k", seed },
    crypto: nodeCrypto,
  });
  const { crypto, verifications } = countingVerify();
  const right = (server: string, keyId: string) =>
    server === "hs1" && keyId === "ed25519:k" ? nodeCrypto.publicKey(seed) : undefined;
  const wrong = () => nodeCrypto.publicKey(other);
  for (let receiver = 0; receiver < 9; receiver++)
    expect(pduSignaturesAndHash(built.pdu, version, right, crypto, {}).ok).toBe(true);
  expect(verifications()).toBe(1);
  expect(pduSignaturesAndHash(built.pdu, version, wrong, crypto, {}).ok).toBe(false);
  expect(verifications()).toBe(2);
  expect(pduSignaturesAndHash({ ...built.pdu }, version, right, crypto, {}).ok).toBe(true);
  expect(verifications()).toBe(3);
  expect(pduEventId(built.pdu, version, nodeCrypto)).toBe(built.eventId);
});
