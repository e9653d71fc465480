// Item 13 of issue 14: typing, read receipts and presence as EDUs in /send, as Synapse
// sends and checks them (synapse/handlers/typing.py, receipts.py, presence.py;
// synapse/federation/sender/per_destination_queue.py).
import { describe, expect, it } from "vitest";
import type { TraceRecord } from "../../../sim/trace.ts";
import { nodeCrypto } from "../../../cli/node-crypto.ts";
import { World } from "../../../sim/world.ts";
import { presetWorld, settle, type PresetName } from "./helpers.ts";

type TxnSent = Extract<TraceRecord, { kind: "fed.txn.sent" }>;

/** Alice (hs1) and Bob (hs2) in one room, everything settled. */
function pair(preset: PresetName = "synapse") {
  const world = presetWorld(preset, ["hs1", "hs2"]);
  const alice = world.addClient("@alice:hs1");
  const bob = world.addClient("@bob:hs2");
  const roomId = alice.createRoom({ preset: "public_chat" }).value();
  settle(world);
  bob.join(roomId, ["hs1"]);
  settle(world);
  const message = alice.sendMessage(roomId, "hello").value();
  settle(world);
  return { world, alice, bob, roomId, message };
}

const records = (world: ReturnType<typeof pair>["world"], kind: TraceRecord["kind"]) =>
  world.trace.all().filter((r) => r.kind === kind);

describe("typing (m.typing)", () => {
  it("reaches the other server's sync as m.typing with user_ids, and stops when the user stops", () => {
    const { world, alice, bob, roomId } = pair();
    alice.typing(roomId, true, 20_000).value();
    world.sim.runFor(1_000);
    const typing = bob.sync().join[roomId]!.ephemeral.find((e) => e.type === "m.typing");
    expect(typing?.content).toEqual({ user_ids: ["@alice:hs1"] });
    alice.typing(roomId, false).value();
    world.sim.runFor(1_000);
    expect(bob.sync().join[roomId]!.ephemeral.find((e) => e.type === "m.typing")?.content).toEqual({ user_ids: [] });
  });

  it("expires by its timeout on the sender's clock, which tells the other server (typing: false)", () => {
    const { world, alice, bob, roomId } = pair();
    alice.typing(roomId, true, 20_000).value();
    world.sim.runFor(19_000);
    expect(bob.sync().join[roomId]!.ephemeral[0]?.content).toEqual({ user_ids: ["@alice:hs1"] });
    world.sim.runFor(2_000);
    const expired = records(world, "edu.typing_expired");
    expect(expired).toEqual([expect.objectContaining({ server: "hs1", user: "@alice:hs1" })]);
    expect(bob.sync().join[roomId]!.ephemeral[0]?.content).toEqual({ user_ids: [] });
  });

  it("a remote user's typing lasts 60 s on the receiver unless its server repeats it (every 40 s)", () => {
    const { world, alice, bob, roomId } = pair();
    alice.typing(roomId, true, 120_000).value();
    world.sim.runFor(100_000);
    // hs1 announced it at 0, 40 s and 80 s, so hs2 still shows it at 100 s (past 60 s).
    const typingEdus = (records(world, "fed.txn.sent") as TxnSent[]).filter((r) =>
      r.edus?.some((e) => e.type === "m.typing"),
    );
    expect(typingEdus).toHaveLength(3);
    expect(bob.sync().join[roomId]!.ephemeral[0]?.content).toEqual({ user_ids: ["@alice:hs1"] });
  });

  it("is not queued for a destination that is backing off (filter_destinations_by_retry_limiter)", () => {
    const { world, alice, roomId } = pair();
    world.sim.partition(["hs1"], ["hs2"]);
    alice.sendMessage(roomId, "into the split").value();
    world.run(() => world.trace.all().some((r) => r.kind === "fed.backoff"));
    alice.typing(roomId, true, 30_000).value();
    world.sim.repair();
    settle(world);
    const typingSent = (records(world, "fed.txn.sent") as TxnSent[]).filter((r) =>
      r.edus?.some((e) => e.type === "m.typing"),
    );
    expect(typingSent).toEqual([]);
  });
});

describe("read receipts (m.receipt)", () => {
  it("reach the other server's sync as m.receipt {event: {m.read: {user: {ts}}}}", () => {
    const { world, bob, alice, roomId, message } = pair();
    bob.sendReceipt(roomId, message).value();
    settle(world);
    const receipt = alice.sync().join[roomId]!.ephemeral.find((e) => e.type === "m.receipt");
    expect(Object.keys(receipt!.content as object)).toEqual([message]);
    expect(Object.keys((receipt!.content as Record<string, Record<string, object>>)[message]!["m.read"]!)).toEqual([
      "@bob:hs2",
    ]);
    // A sync since then shows nothing new.
    const since = alice.sync().nextBatch;
    expect(alice.sync(since).join[roomId]!.ephemeral).toEqual([]);
  });

  it("a receipt for an older event than the user's current one changes nothing", () => {
    const { world, alice, bob, roomId, message } = pair();
    const later = alice.sendMessage(roomId, "later").value();
    settle(world);
    bob.sendReceipt(roomId, later).value();
    bob.sendReceipt(roomId, message).value();
    settle(world);
    const receipt = alice.sync().join[roomId]!.ephemeral.find((e) => e.type === "m.receipt");
    expect(Object.keys(receipt!.content as object)).toEqual([later]);
  });

  it("drops a receipt for an event the server does not hold, and refuses a user not in the room", () => {
    const { bob, roomId, world } = pair();
    expect(bob.sendReceipt(roomId, "$nope").result).toEqual({ ok: true, value: true });
    expect(world.server("hs2").receipts.size).toBe(0);
    const carol = world.addClient("@carol:hs2");
    expect(carol.sendReceipt(roomId, "$nope").result).toMatchObject({ ok: false, error: { errcode: "M_FORBIDDEN" } });
  });

  it("a receipt about a user of another server than the origin is ignored", () => {
    const { world, roomId, message, alice } = pair();
    const forged = {
      edu_type: "m.receipt",
      content: { [roomId]: { "m.read": { "@alice:hs1": { event_ids: [message], data: { ts: 1 } } } } },
    };
    world.sim.rpc.request(
      "hs2",
      "hs1",
      {
        method: "PUT",
        path: "/_matrix/federation/v1/send/forged-1",
        body: { origin: "hs2", pdus: [], edus: [forged] },
      },
      () => {},
    );
    settle(world);
    expect(records(world, "edu.ignored")).toEqual([
      expect.objectContaining({ server: "hs1", origin: "hs2", reason: "the user does not belong to the origin" }),
    ]);
    expect(alice.sync().join[roomId]!.ephemeral).toEqual([]);
  });
});

describe("presence (m.presence)", () => {
  it("reaches the servers sharing a room with the user, and their syncs and presence lookups", () => {
    const { world, alice, bob } = pair();
    alice.setPresence("unavailable", "lunch").value();
    settle(world);
    expect(bob.presenceOf("@alice:hs1")).toMatchObject({ presence: "unavailable", status_msg: "lunch" });
    expect(bob.sync().presence).toEqual([
      expect.objectContaining({
        type: "m.presence",
        sender: "@alice:hs1",
        content: expect.objectContaining({ presence: "unavailable" }),
      }),
    ]);
  });

  it("is refused for a state the spec does not name", () => {
    const { alice } = pair();
    expect(alice.setPresence("busy").result).toMatchObject({ ok: false, error: { errcode: "M_INVALID_PARAM" } });
  });
});

describe("EDUs and failed transactions", () => {
  it("a transaction that fails loses its EDUs; its PDUs are sent again (Synapse's per-destination queue)", () => {
    const { world, alice, bob, roomId, message } = pair();
    world.sim.partition(["hs1"], ["hs2"]);
    bob.sendReceipt(roomId, message).value();
    const msg = bob.sendMessage(roomId, "in the split").value();
    // 11 attempts of one /send (about 20 minutes) fail; then the destination backs off.
    world.run(() => world.trace.all().some((r) => r.kind === "fed.backoff" && r.server === "hs2"));
    world.sim.repair();
    settle(world);
    expect(world.server("hs1").room(roomId)!.get(msg)?.status).toBe("accepted");
    expect(alice.sync().join[roomId]!.ephemeral.filter((e) => e.type === "m.receipt")).toEqual([]);
  });

  it("a split healed while the /send is still being retried lets the receipt through", () => {
    const { world, alice, bob, roomId, message } = pair();
    world.sim.partition(["hs1"], ["hs2"]);
    bob.sendReceipt(roomId, message).value();
    world.sim.runFor(3 * 60_000);
    world.sim.repair();
    settle(world);
    expect(alice.sync().join[roomId]!.ephemeral.find((e) => e.type === "m.receipt")).toBeDefined();
  });

  it("a transaction carries at most transactionEdusMax EDUs; the rest follow in the next", () => {
    const world = new World({ seed: 14, crypto: nodeCrypto });
    for (const n of ["hs1", "hs2"]) world.addServer(n, { params: { transactionEdusMax: 2 } });
    const alice = world.addClient("@alice:hs1");
    const bob = world.addClient("@bob:hs2");
    const rooms = Array.from({ length: 5 }, () => alice.createRoom({ preset: "public_chat" }).value());
    settle(world);
    for (const r of rooms) bob.join(r, ["hs1"]);
    settle(world);
    const first = world.trace.length;
    // The first typing leaves at once; the other four wait for it and go two by two.
    for (const r of rooms) alice.typing(r, true).value();
    world.sim.runFor(5_000);
    const sent = world.trace
      .all()
      .slice(first)
      .filter((r): r is TxnSent => r.kind === "fed.txn.sent" && r.server === "hs1");
    expect(sent.map((r) => r.edus?.length ?? 0)).toEqual([1, 2, 2]);
    for (const r of rooms) expect(bob.sync().join[r]!.ephemeral[0]?.content).toEqual({ user_ids: ["@alice:hs1"] });
  });
});
