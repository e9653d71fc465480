// An event's pure facts are computed once per event object (sim/homeserver/pdu-facts.ts).
import { expect, it } from "vitest";
import { nodeCrypto } from "../../cli/node-crypto.ts";
import {
  buildEvent,
  installOpCounter,
  parseRoomVersion,
  stateKey,
  zeroOpCounts,
  type CryptoBackend,
  type EventId,
  type RoomId,
  type UserId,
} from "../../core/index.ts";
import {
  pduAuthAgainstState,
  pduEventId,
  pduFormat,
  pduSignaturesAndHash,
  pduSignerKeys,
  rememberBuiltEvent,
} from "../../sim/homeserver/pdu-facts.ts";
import { World } from "../../sim/world.ts";

function countingVerify(): { crypto: CryptoBackend; verifications: () => number } {
  let n = 0;
  return {
    crypto: { ...nodeCrypto, verify: (sig, msg, key) => (n++, nodeCrypto.verify(sig, msg, key)) },
    verifications: () => n,
  };
}

function builtMessage(seed: Uint8Array, body = "hi") {
  return buildEvent({
    roomVersion: parseRoomVersion("10"),
    roomId: "!r:hs1",
    sender: "@a:hs1",
    type: "m.room.message",
    content: { body },
    prevEvents: [{ eventId: "$p" as EventId, depth: 1 }],
    authEvents: ["$c"],
    originServerTs: 1,
    key: { serverName: "hs1", keyId: "ed25519:k", seed },
    crypto: nodeCrypto,
  });
}

function countingSha256(): { crypto: CryptoBackend; hashes: () => number } {
  let n = 0;
  return {
    crypto: {
      ...nodeCrypto,
      sha256: (data) => (n++, nodeCrypto.sha256(data)),
      sha256TextBase64: (text, alphabet) => (n++, nodeCrypto.sha256TextBase64!(text, alphabet)),
    },
    hashes: () => n,
  };
}

it("takes the id, content hash and size of a built event from its builder: receivers hash and encode nothing again", () => {
  const version = parseRoomVersion("10");
  const built = builtMessage(new Uint8Array(32).fill(7));
  rememberBuiltEvent(built.pdu, version, built);
  const { crypto, hashes } = countingSha256();
  const ops = zeroOpCounts();
  const previous = installOpCounter(ops);
  try {
    expect(pduFormat(built.pdu, version)).toEqual({ ok: true, pdu: built.pdu });
  } finally {
    installOpCounter(previous);
  }
  expect(ops.canonicalJson).toBe(0);
  expect(pduEventId(built.pdu, version, crypto)).toBe(built.eventId);
  expect(pduSignaturesAndHash(built.pdu, version, () => undefined, crypto, { skipSignatures: true })).toEqual({
    ok: true,
    pdu: built.pdu,
    redacted: false,
  });
  expect(hashes()).toBe(0);
  // Another object (a tampered copy) is checked in full: its content hash no longer matches.
  const tampered = { ...built.pdu, content: { body: "changed" } };
  const checked = pduSignaturesAndHash(tampered, version, () => undefined, crypto, { skipSignatures: true });
  expect(checked.ok && checked.redacted).toBe(true);
  expect(hashes()).toBe(1);
});

it("checks the content hash once per event object, whatever keys the signatures are checked with", () => {
  const version = parseRoomVersion("10");
  const built = builtMessage(new Uint8Array(32).fill(9), "once");
  const { crypto, hashes } = countingSha256();
  const key = (k: number) => () => nodeCrypto.publicKey(new Uint8Array(32).fill(k));
  expect(pduSignaturesAndHash(built.pdu, version, key(9), crypto, {}).ok).toBe(true);
  const afterFirst = hashes();
  expect(afterFirst).toBeGreaterThan(0);
  expect(pduSignaturesAndHash(built.pdu, version, () => undefined, crypto, { skipSignatures: true }).ok).toBe(true);
  expect(hashes()).toBe(afterFirst);
});

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

it("checks an event against a state once per set of state event objects, and again when one differs", () => {
  const world = new World({ seed: 3, crypto: nodeCrypto });
  world.addServer("hs1");
  const alice = world.addClient("@alice:hs1");
  const roomId = alice.createRoom({ preset: "public_chat" }).value() as RoomId;
  world.run(() => world.quiescent());
  const hs1 = world.server("hs1");
  const room = hs1.room(roomId)!;
  const prepared = hs1.prepareLocalEvent(room, { sender: "@alice:hs1" as UserId, type: "m.room.message", content: {} });
  if (!prepared.ok) throw new Error(prepared.error.error);
  const { pdu } = prepared.value;
  const state = room.currentState;
  const withoutAlice = state.with(stateKey("m.room.member", "@alice:hs1"), "$nowhere" as EventId);
  const ops = zeroOpCounts();
  const previous = installOpCounter(ops);
  const answers: boolean[] = [];
  try {
    for (const s of [state, state, withoutAlice, state])
      answers.push(pduAuthAgainstState(pdu, room.version, s, room.fetch).allowed);
  } finally {
    installOpCounter(previous);
  }
  // Alice is joined in the room's state; where her membership is missing she may not speak.
  expect(answers).toEqual([true, true, false, true]);
  expect(ops.checkAuthAgainstState).toBe(3);
});

it("lists each required signer's ed25519 key ids once per event object: as the event lists them, and sorted", () => {
  const version = parseRoomVersion("10");
  const { pdu } = builtMessage(new Uint8Array(32).fill(7));
  // The sender's server signed with two ed25519 keys and one of another algorithm; a
  // server the rules do not require signed too.
  const signed = {
    ...pdu,
    signatures: {
      hs1: { "ed25519:z": "c2ln", "curve:k": "c2ln", "ed25519:a": "c2ln" },
      other: { "ed25519:k": "c2ln" },
    },
  };
  const keys = pduSignerKeys(signed, version);
  expect(keys).toEqual([
    { server: "hs1", keyIds: ["ed25519:z", "ed25519:a"], sortedKeyIds: ["ed25519:a", "ed25519:z"] },
  ]);
  expect(pduSignerKeys(signed, version)).toBe(keys);
  // A required signer that did not sign is listed with no key ids (nothing to fetch for it).
  expect(pduSignerKeys({ ...pdu, signatures: {} }, version)).toEqual([{ server: "hs1", keyIds: [], sortedKeyIds: [] }]);
});
