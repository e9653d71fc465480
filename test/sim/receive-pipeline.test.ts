// The receive pipeline's outcomes for forged, tampered and unauthorised PDUs, and its
// path without a task (receivePduAtHand) against the task (receivePdu).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nodeCrypto } from "../../cli/node-crypto.ts";
import { buildEvent, stateKey, type Pdu, type RoomId } from "../../core/index.ts";
import { receivePdu, receivePduAtHand, type PduOutcome } from "../../sim/homeserver/receive-pipeline.ts";
import { runTask } from "../../sim/tasks.ts";
import { World } from "../../sim/world.ts";

function setup(signing = true) {
  const world = new World({ seed: 11, crypto: nodeCrypto, signing });
  for (const n of ["hs1", "hs2"]) world.addServer(n);
  const alice = world.addClient("@alice:hs1");
  const bob = world.addClient("@bob:hs2");
  const roomId = alice.createRoom({ preset: "public_chat" }).value() as RoomId;
  bob.join(roomId, ["hs1"]).then(() => {});
  world.run(() => world.quiescent());
  return { world, roomId };
}

/** A message from @bob:hs2, built on hs2's view of the room, signed with `seed`. */
function message(world: World, roomId: RoomId, body: string, seed?: Uint8Array): Pdu {
  const hs2 = world.server("hs2");
  const room = hs2.room(roomId)!;
  const prepared = hs2.prepareLocalEvent(room, {
    sender: "@bob:hs2" as never,
    type: "m.room.message",
    content: { body },
  });
  if (!prepared.ok) throw new Error(prepared.error.error);
  if (!seed) return prepared.value.pdu;
  const p = prepared.value.pdu;
  return buildEvent({
    roomVersion: room.version,
    roomId,
    sender: p.sender,
    type: p.type,
    content: p.content,
    prevEvents: (p.prev_events as string[]).map((id) => ({ eventId: id as never, depth: p.depth - 1 })),
    authEvents: p.auth_events as string[],
    originServerTs: p.origin_server_ts,
    key: { ...hs2.key, seed },
    crypto: nodeCrypto,
  }).pdu;
}

function deliver(world: World, pdu: Pdu): Record<string, unknown> {
  let result: Record<string, unknown> = {};
  world.sim.rpc.request(
    "hs2",
    "hs1",
    { method: "PUT", path: "/_matrix/federation/v1/send/t1", body: { origin: "hs2", pdus: [pdu as never] } },
    (o) => {
      if (o.ok) result = (o.body as { pdus: Record<string, unknown> }).pdus;
    },
  );
  world.run(() => false, { virtualTimeMsMax: world.sim.nowMs + 5_000 });
  return result;
}

describe("receive pipeline", () => {
  it("drops a PDU whose signature does not verify", () => {
    const { world, roomId } = setup();
    const forged = message(world, roomId, "forged", new Uint8Array(32).fill(99));
    const result = deliver(world, forged);
    expect(Object.values(result)).toEqual([{ error: "signature: no valid signature from hs2" }]);
    expect(world.trace.all().some((r) => r.kind === "pdu.dropped" && r.server === "hs1")).toBe(true);
  });

  it("accepts a PDU whose content was changed in flight, redacted", () => {
    const { world, roomId } = setup();
    const pdu = message(world, roomId, "original");
    const tampered = { ...pdu, content: { body: "changed" } };
    deliver(world, tampered);
    const room = world.server("hs1").room(roomId)!;
    const stored = room.inStreamOrder().filter((e) => e.pdu.type === "m.room.message");
    expect(stored.map((e) => [e.status, e.pdu.content])).toEqual([["accepted", {}]]);
  });

  it("rejects a PDU that fails auth against its own auth events", () => {
    const { world, roomId } = setup();
    const hs2 = world.server("hs2");
    const room = hs2.room(roomId)!;
    // Bob (power 0) sets the power levels: built by hand, since hs2 itself refuses it.
    const pl = room.currentState.get(stateKey("m.room.power_levels", ""))!;
    const prepared = buildEvent({
      roomVersion: room.version,
      roomId,
      sender: "@bob:hs2",
      type: "m.room.power_levels",
      stateKey: "",
      content: { users: { "@bob:hs2": 100 } },
      prevEvents: room.extremityIds().map((id) => ({ eventId: id, depth: room.get(id)!.pdu.depth })),
      authEvents: [room.createId!, pl, room.currentState.get(stateKey("m.room.member", "@bob:hs2"))!].sort(),
      originServerTs: 5,
      key: hs2.key,
      crypto: nodeCrypto,
    });
    const result = deliver(world, prepared.pdu);
    expect(Object.values(result)[0]).toMatchObject({
      error: expect.stringMatching(/^7: sending m.room.power_levels needs power level 100/),
    });
    expect(world.server("hs1").room(roomId)!.get(prepared.eventId)!.status).toBe("rejected");
  });
});

/** A message from @bob:hs2 on hs2's view of the room, rebuilt with the changes asked for. */
function changedMessage(world: World, roomId: RoomId, change: Change): unknown {
  const hs2 = world.server("hs2");
  const room = hs2.room(roomId)!;
  const prepared = hs2.prepareLocalEvent(room, { sender: "@bob:hs2" as never, type: "m.room.message", content: {} });
  if (!prepared.ok) throw new Error(prepared.error.error);
  const p = prepared.value.pdu;
  const unknownId = `$${"x".repeat(43)}`;
  const rebuilt = (over: {
    prev?: string[];
    auth?: string[];
    sender?: string;
    seed?: Uint8Array;
    keyId?: string;
  }): Pdu =>
    buildEvent({
      roomVersion: room.version,
      roomId,
      sender: over.sender ?? p.sender,
      type: p.type,
      content: { body: change.body },
      prevEvents: (over.prev ?? (p.prev_events as string[])).map((id) => ({
        eventId: id as never,
        depth: p.depth - 1,
      })),
      authEvents: over.auth ?? (p.auth_events as string[]),
      originServerTs: p.origin_server_ts,
      key: { ...hs2.key, ...(over.seed ? { seed: over.seed } : {}), ...(over.keyId ? { keyId: over.keyId } : {}) },
      crypto: nodeCrypto,
    }).pdu;
  switch (change.kind) {
    case "none":
      return rebuilt({});
    case "forged":
      return rebuilt({ seed: new Uint8Array(32).fill(7) });
    case "tampered":
      return { ...rebuilt({}), content: { body: `${change.body}!` } };
    case "unknown prev":
      return rebuilt({ prev: [unknownId] });
    case "unknown auth":
      return rebuilt({ auth: [...(p.auth_events as string[]), unknownId] });
    case "stranger":
      return rebuilt({ sender: "@mallory:hs2" });
    case "unknown key":
      return rebuilt({ keyId: "ed25519:elsewhere" });
    case "malformed":
      return { ...rebuilt({}), depth: "deep" };
    case "duplicate":
      return room.get(room.extremityIds()[0]!)!.pdu;
  }
}

type Change = {
  kind:
    | "none"
    | "forged"
    | "tampered"
    | "unknown prev"
    | "unknown auth"
    | "unknown key"
    | "stranger"
    | "malformed"
    | "duplicate";
  body: string;
};

interface Seen {
  outcome: PduOutcome | undefined;
  records: unknown[];
  events: string[];
}

function receive(signing: boolean, change: Change, how: "at hand" | "task"): Seen {
  const { world, roomId } = setup(signing);
  const pdu = changedMessage(world, roomId, change);
  const hs1 = world.server("hs1");
  const room = hs1.room(roomId)!;
  const before = world.trace.length;
  let outcome: PduOutcome | undefined;
  if (how === "at hand") outcome = receivePduAtHand(hs1, room, "hs2", pdu);
  else {
    // Run without a network: a task that asks for anything answers nothing here.
    runTask(
      receivePdu(hs1, room, "hs2", pdu),
      () => {},
      (o) => (outcome = o),
      (e) => {
        throw e;
      },
    );
  }
  const events = room.inStreamOrder().map((e) => `${e.id} ${e.status}`);
  return { outcome, records: world.trace.all().slice(before), events: [...events, ...room.extremityIds()] };
}

const changes = fc.record({
  kind: fc.constantFrom<Change["kind"]>(
    "none",
    "forged",
    "tampered",
    "unknown prev",
    "unknown auth",
    "unknown key",
    "stranger",
    "malformed",
    "duplicate",
  ),
  body: fc.string({ maxLength: 8 }),
});

// Whenever receivePduAtHand answers, it answers as the task does, with the same trace
// records and the same room afterwards; when something must be fetched it answers nothing
// and changes nothing. Each side runs on its own world made from the same seed.
describe("receivePduAtHand", () => {
  it("answers as the task does, or answers nothing and changes nothing", () => {
    fc.assert(
      fc.property(changes, fc.boolean(), (change, signing) => {
        const atHand = receive(signing, change, "at hand");
        if (atHand.outcome === undefined) {
          const untouched = receive(signing, { kind: "duplicate", body: "" }, "at hand");
          expect(atHand.records).toEqual([]);
          expect(atHand.events).toEqual(untouched.events);
        } else {
          expect(atHand).toEqual(receive(signing, change, "task"));
        }
      }),
      { numRuns: 40 },
    );
  });

  it("answers each kind of PDU the way the task would, or leaves it to the task when something is missing", () => {
    const outcomes = (["none", "forged", "tampered", "stranger", "malformed", "duplicate"] as const).map(
      (kind) => receive(true, { kind, body: "hi" }, "at hand").outcome?.outcome,
    );
    expect(outcomes).toEqual(["accepted", "dropped", "accepted", "rejected", "dropped", "accepted"]);
    for (const kind of ["unknown prev", "unknown auth", "unknown key"] as const) {
      expect(receive(true, { kind, body: "hi" }, "at hand").outcome).toBeUndefined();
    }
  });
});
