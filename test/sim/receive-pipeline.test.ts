// The receive pipeline's outcomes for forged, tampered and unauthorised PDUs.
import { describe, expect, it } from "vitest";
import { nodeCrypto } from "../../cli/node-crypto.ts";
import { buildEvent, stateKey, type Pdu, type RoomId } from "../../core/index.ts";
import { World } from "../../sim/world.ts";

function setup() {
  const world = new World({ seed: 11, crypto: nodeCrypto });
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
