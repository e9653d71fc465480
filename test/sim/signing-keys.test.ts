// Issue 14, item 12: signing keys. Key validity (`valid_until_ts`, enforced from room
// version 5: rooms/fragments/v5-signing-requirements.md), key rotation with old keys kept
// as `old_verify_keys` (server-server-api.md "Publishing Keys"), and the notary
// (GET /_matrix/key/v2/query), as synapse/crypto/keyring.py and
// synapse/rest/key/v2/remote_key_resource.py do them.
import { describe, expect, it } from "vitest";
import { nodeCrypto } from "../../cli/node-crypto.ts";
import {
  buildEvent,
  parseRoomVersion,
  parseUserId,
  verifyJson,
  type EventId,
  type JsonObject,
  type Pdu,
  type RoomId,
} from "../../core/index.ts";
import { DEFAULT_FEDERATION_PARAMS, type FederationParams } from "../../sim/homeserver/federation-params.ts";
import { pduSignaturesAndHash } from "../../sim/homeserver/pdu-facts.ts";
import { acceptKeyDocument, KeyStore } from "../../sim/homeserver/signing-keys.ts";
import type { SigningKey } from "../../core/index.ts";
import { checkSignatureSafety } from "../../sim/checkers.ts";
import { World } from "../../sim/world.ts";
import { deliver } from "./federation/helpers.ts";

const DAY_MS = 24 * 3600_000;

function world(names: string[], params: Partial<Record<string, Partial<FederationParams>>> = {}): World {
  const w = new World({ seed: 12, crypto: nodeCrypto });
  for (const name of names) w.addServer(name, { params: { ...DEFAULT_FEDERATION_PARAMS, ...params[name] } });
  return w;
}

/** Alice on hs1 makes a public room of `version`; Bob on hs2 joins (hs2 fetches hs1's key then). */
function sharedRoom(w: World, version: string): RoomId {
  const roomId = w.addClient("@alice:hs1").createRoom({ preset: "public_chat", roomVersion: version }).value();
  w.addClient("@bob:hs2").join(roomId, ["hs1"]);
  w.run(() => w.quiescent());
  expect(w.server("hs2").membership(w.server("hs2").room(roomId)!, "@bob:hs2")).toBe("join");
  return roomId;
}

/** A message from Alice on hs1's view of the room, signed with `key`, stamped `ts`. */
function aliceMessage(
  w: World,
  roomId: RoomId,
  body: string,
  key: SigningKey,
  ts: number,
): { eventId: EventId; pdu: Pdu } {
  const hs1 = w.server("hs1");
  const room = hs1.room(roomId)!;
  const prepared = hs1.prepareLocalEvent(room, {
    sender: parseUserId("@alice:hs1"),
    type: "m.room.message",
    content: { msgtype: "m.text", body },
  });
  if (!prepared.ok) throw new Error(prepared.error.error);
  const p = prepared.value.pdu;
  return buildEvent({
    roomVersion: room.version,
    roomId,
    sender: p.sender,
    type: p.type,
    content: p.content,
    prevEvents: prepared.value.prevEvents.map((id) => ({ eventId: id, depth: room.get(id)!.pdu.depth })),
    authEvents: p.auth_events as EventId[],
    originServerTs: ts,
    key,
    crypto: nodeCrypto,
  });
}

function keyRequests(w: World, from: string, pathStart: string): number {
  return w.trace.all().filter((r) => r.kind === "rpc.request" && r.from === from && r.path.startsWith(pathStart))
    .length;
}

describe("the key document (GET /_matrix/key/v2/server)", () => {
  it("publishes the current key, valid for keyValidityMs (Synapse's key_refresh_interval, 1 day) from the server's now", () => {
    const w = world(["hs1", "hs2"]);
    const hs1 = w.server("hs1");
    let doc: JsonObject | undefined;
    w.sim.rpc.request("hs2", "hs1", { method: "GET", path: "/_matrix/key/v2/server" }, (o) => {
      if (o.ok) doc = o.body as JsonObject;
    });
    w.run(() => doc !== undefined);
    // Answered a moment (one link's latency) before the reply arrived.
    const validFor = (doc!.valid_until_ts as number) - hs1.localNowMs();
    expect(validFor).toBeLessThanOrEqual(DAY_MS);
    expect(validFor).toBeGreaterThan(DAY_MS - 1_000);
    expect(Object.keys(doc!.verify_keys as JsonObject)).toEqual(["ed25519:sim1"]);
    expect(doc!.old_verify_keys).toEqual({});
  });

  it("after a rotation: the new key in verify_keys, the old one in old_verify_keys with expired_ts, signed by the new key", () => {
    const w = world(["hs1"]);
    const hs1 = w.server("hs1");
    const old = hs1.key;
    w.sim.runFor(5_000);
    const fresh = hs1.rotateKey();
    expect(fresh.keyId).toBe("ed25519:sim2");
    expect(hs1.retiredKeys).toEqual([{ key: old, expiredTs: hs1.localNowMs() }]);
    let doc: JsonObject | undefined;
    w.sim.rpc.request("hs1", "hs1", { method: "GET", path: "/_matrix/key/v2/server" }, (o) => {
      if (o.ok) doc = o.body as JsonObject;
    });
    w.run(() => doc !== undefined);
    expect(Object.keys(doc!.verify_keys as JsonObject)).toEqual(["ed25519:sim2"]);
    expect(doc!.old_verify_keys).toEqual({
      "ed25519:sim1": {
        key: expect.any(String) as string,
        expired_ts: hs1.retiredKeys[0]!.expiredTs,
      },
    });
    expect(verifyJson(doc!, "hs1", "ed25519:sim2", nodeCrypto.publicKey(fresh.seed), nodeCrypto)).toBe(true);
    const accepted = acceptKeyDocument("hs1", doc, nodeCrypto);
    if (!accepted.ok) throw new Error(accepted.reason);
    // Synapse stores an old key as valid until its expired_ts.
    expect(accepted.keys.get("ed25519:sim1")!.validUntilTs).toBe(hs1.retiredKeys[0]!.expiredTs);
    expect(accepted.keys.get("ed25519:sim1")!.publicKey).toEqual(nodeCrypto.publicKey(old.seed));
    expect(accepted.keys.get("ed25519:sim2")!.validUntilTs).toBe(doc!.valid_until_ts);
  });

  it("refuses a document not signed by one of its own verify keys", () => {
    const doc = {
      server_name: "hs1",
      valid_until_ts: 5,
      verify_keys: { "ed25519:sim1": { key: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" } },
      old_verify_keys: {},
    };
    expect(acceptKeyDocument("hs1", doc, nodeCrypto)).toEqual({
      ok: false,
      reason: "key document not signed by the origin server",
    });
    expect(acceptKeyDocument("hs2", doc, nodeCrypto)).toEqual({ ok: false, reason: "key document for another server" });
  });
});

describe("key validity (room version 5 and later)", () => {
  it("v5+: a signature by a key valid until before the event's origin_server_ts fails; v4 ignores valid_until_ts", () => {
    for (const [version, expected] of [
      ["4", "accepted"],
      ["5", "dropped"],
      ["11", "dropped"],
    ] as const) {
      const w = world(["hs1", "hs2"]);
      const roomId = sharedRoom(w, version);
      const hs1 = w.server("hs1");
      // Two days ahead: beyond what hs1 publishes (now + 1 day), even when hs2 fetches again.
      const late = aliceMessage(w, roomId, "from the future", hs1.key, hs1.localNowMs() + 2 * DAY_MS);
      const answer = deliver(w, "hs1", "hs2", [late.pdu]);
      const room = w.server("hs2").room(roomId)!;
      expect({ version, outcome: room.get(late.eventId)?.status ?? "dropped" }).toEqual({ version, outcome: expected });
      if (expected === "dropped")
        expect(String(answer[late.eventId]?.error)).toMatch(/valid until .* before the event's origin_server_ts/);
    }
  });

  it("a key known but expired at the event's time is fetched again, and the fresh valid_until_ts lets it verify", () => {
    const w = world(["hs1", "hs2"]);
    const roomId = sharedRoom(w, "11");
    const fetchesBefore = keyRequests(w, "hs2", "/_matrix/key/v2/server");
    expect(fetchesBefore).toBe(1);
    w.sim.runFor(2 * DAY_MS);
    const alice = w.client("@alice:hs1");
    const sent = alice.sendMessage(roomId, "two days later").value();
    w.run(() => w.quiescent());
    expect(w.server("hs2").room(roomId)!.get(sent)?.status).toBe("accepted");
    expect(keyRequests(w, "hs2", "/_matrix/key/v2/server")).toBe(2);
  });
});

describe("key rotation", () => {
  it("events signed before the rotation still verify; the old key signing after its expired_ts does not (v5+)", () => {
    const w = world(["hs1", "hs2"]);
    const roomId = sharedRoom(w, "11");
    const alice = w.client("@alice:hs1");
    const before = alice.sendMessage(roomId, "signed with sim1").value();
    w.run(() => w.quiescent());
    const hs1 = w.server("hs1");
    const old = hs1.key;
    w.sim.runFor(60_000);
    hs1.rotateKey();
    const after = alice.sendMessage(roomId, "signed with sim2").value();
    w.run(() => w.quiescent());
    const room2 = w.server("hs2").room(roomId)!;
    expect(room2.get(before)?.status).toBe("accepted");
    expect(room2.get(after)?.status).toBe("accepted");
    expect(Object.keys(room2.get(after)!.pdu.signatures!.hs1!)).toEqual(["ed25519:sim2"]);
    // hs2 learnt sim2 from a fresh key document, and sim1's expiry with it.
    expect(w.server("hs2").keys.get("hs1", "ed25519:sim1")!.validUntilTs).toBe(hs1.retiredKeys[0]!.expiredTs);
    const stale = aliceMessage(w, roomId, "old key, after its expiry", old, hs1.localNowMs() + 1);
    const answer = deliver(w, "hs1", "hs2", [stale.pdu]);
    expect(room2.get(stale.eventId)).toBeUndefined();
    expect(String(answer[stale.eventId]?.error)).toMatch(/ed25519:sim1 valid until/);
    const backdated = aliceMessage(w, roomId, "old key, before its expiry", old, hs1.retiredKeys[0]!.expiredTs - 1);
    deliver(w, "hs1", "hs2", [backdated.pdu]);
    expect(room2.get(backdated.eventId)?.status).toBe("accepted");
  });

  it("the signature checker counts an event signed by a retired key as validly signed", () => {
    const w = world(["hs1", "hs2"]);
    const roomId = sharedRoom(w, "11");
    w.server("hs1").rotateKey();
    w.client("@alice:hs1").sendMessage(roomId, "new key");
    w.run(() => w.quiescent());
    expect(checkSignatureSafety(w)).toEqual([]);
  });
});

describe("the verification cache and key validity", () => {
  it("the same event object checked under a valid and an expired key gets two answers, verifying ed25519 once", () => {
    const version = parseRoomVersion("10");
    const seed = new Uint8Array(32).fill(3);
    const built = buildEvent({
      roomVersion: version,
      roomId: "!r:hs1",
      sender: "@a:hs1",
      type: "m.room.message",
      content: { body: "hi" },
      prevEvents: [{ eventId: "$p" as EventId, depth: 1 }],
      authEvents: ["$c"],
      originServerTs: 1_000,
      key: { serverName: "hs1", keyId: "ed25519:k", seed },
      crypto: nodeCrypto,
    });
    let verifications = 0;
    const crypto = {
      ...nodeCrypto,
      verify: (s: Uint8Array, m: Uint8Array, k: Uint8Array) => (verifications++, nodeCrypto.verify(s, m, k)),
    };
    const fresh = new KeyStore();
    fresh.add("hs1", new Map([["ed25519:k", { publicKey: nodeCrypto.publicKey(seed), validUntilTs: 2_000 }]]));
    const stale = new KeyStore();
    stale.add("hs1", new Map([["ed25519:k", { publicKey: nodeCrypto.publicKey(seed), validUntilTs: 999 }]]));
    const ts = built.pdu.origin_server_ts;
    expect(pduSignaturesAndHash(built.pdu, version, (s, k) => fresh.usable(s, k, ts), crypto, {}).ok).toBe(true);
    expect(pduSignaturesAndHash(built.pdu, version, (s, k) => stale.usable(s, k, ts), crypto, {}).ok).toBe(false);
    expect(pduSignaturesAndHash(built.pdu, version, (s, k) => fresh.usable(s, k, ts), crypto, {}).ok).toBe(true);
    expect(verifications).toBe(1);
  });
});

describe("the notary (GET /_matrix/key/v2/query)", () => {
  it("answers with the origin's document countersigned, fetching it from the origin on a cache miss", () => {
    const w = world(["hs1", "hs3"]);
    let body: JsonObject | undefined;
    w.sim.rpc.request("hs1", "hs3", { method: "GET", path: "/_matrix/key/v2/query/hs1" }, (o) => {
      if (o.ok) body = o.body as JsonObject;
    });
    w.run(() => body !== undefined);
    expect(keyRequests(w, "hs3", "/_matrix/key/v2/server")).toBe(1);
    const docs = body!.server_keys as JsonObject[];
    expect(docs).toHaveLength(1);
    const doc = docs[0]!;
    expect(doc.server_name).toBe("hs1");
    const hs1 = w.server("hs1");
    const hs3 = w.server("hs3");
    expect(verifyJson(doc, "hs1", hs1.key.keyId, nodeCrypto.publicKey(hs1.key.seed), nodeCrypto)).toBe(true);
    expect(verifyJson(doc, "hs3", hs3.key.keyId, nodeCrypto.publicKey(hs3.key.seed), nodeCrypto)).toBe(true);
  });

  it("a receiver asks its trusted notary first (Synapse's PerspectivesKeyFetcher before ServerKeyFetcher)", () => {
    const w = world(["hs1", "hs2", "hs3"], { hs2: { trustedKeyServers: ["hs3"] } });
    sharedRoom(w, "11");
    expect(keyRequests(w, "hs2", "/_matrix/key/v2/query/hs1")).toBe(1);
    // hs2 fetched the notary's own key from it, and never asked hs1 for hs1's.
    expect(
      w.trace
        .all()
        .filter((r) => r.kind === "rpc.request" && r.from === "hs2" && r.path === "/_matrix/key/v2/server")
        .map((r) => r.kind === "rpc.request" && r.to),
    ).toEqual(["hs3"]);
  });

  it("cut off from the origin, a receiver verifies through the notary; without one it cannot", () => {
    for (const trusted of [["hs3"], []]) {
      const w = world(["hs1", "hs2", "hs3"], { hs2: { trustedKeyServers: trusted } });
      const alice = w.addClient("@alice:hs1");
      const roomId = alice.createRoom({ preset: "public_chat" }).value();
      w.addClient("@carol:hs3").join(roomId, ["hs1"]);
      w.run(() => w.quiescent());
      w.server("hs1").rotateKey();
      // A state event signed by the new key: part of the state a joining server is sent.
      const after = alice.setTopic(roomId, "signed with sim2").value();
      w.run(() => w.quiescent());
      w.sim.partition(["hs1"], ["hs2"]);
      // Bob joins through hs3 while hs1 is out of his server's reach: the room's state holds
      // events signed by both of hs1's keys, which hs2 has never fetched.
      const join = w.addClient("@bob:hs2").join(roomId, ["hs3"]);
      w.run(() => w.quiescent(), { virtualTimeMsMax: w.sim.nowMs + 3600_000 });
      const room2 = w.server("hs2").room(roomId);
      expect({ trusted, joined: join.result?.ok === true, holdsTopic: room2?.has(after) === true }).toEqual({
        trusted,
        joined: trusted.length > 0,
        holdsTopic: trusted.length > 0,
      });
    }
  });
});

it("an unknown trusted key server in params is just unreachable (no crash)", () => {
  const w = world(["hs1", "hs2"], { hs2: { trustedKeyServers: ["nowhere"] } });
  sharedRoom(w, "11");
});
