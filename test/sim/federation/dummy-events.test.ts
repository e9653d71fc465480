// Item 9 of issue 14: dummy events as Synapse sends them
// (synapse/handlers/message.py, EventCreationHandler._send_dummy_events_to_fill_extremities
// and _send_dummy_event_after_room_join; federation_server.py, on_send_join_request).
import { describe, expect, it } from "vitest";
import type { TraceRecord } from "../../../sim/trace.ts";
import { presetWorld, settle, type PresetName } from "./helpers.ts";

const DUMMY = "org.matrix.dummy_event";
const FIVE_MINUTES_MS = 5 * 60_000;
type Created = Extract<TraceRecord, { kind: "pdu.created" }>;

const created = (records: readonly TraceRecord[]) => records.filter((r): r is Created => r.kind === "pdu.created");

/**
 * hs1 holds a room that twelve other servers joined; each of their users speaks once at
 * the same moment, so hs1 holds twelve forward extremities (every message cites the last
 * join), more than the threshold of 10. Nobody on hs1 says anything afterwards.
 */
function wideRoomQuietServer(preset: PresetName) {
  const remotes = Array.from({ length: 12 }, (_, i) => `hs${i + 2}`);
  const world = presetWorld(preset, ["hs1", ...remotes]);
  const alice = world.addClient("@alice:hs1");
  const roomId = alice.createRoom({ preset: "public_chat" }).value();
  const speakers = remotes.map((n) => world.addClient(`@user:${n}`));
  for (const c of speakers) {
    c.join(roomId, ["hs1"]);
    settle(world);
  }
  const first = world.trace.length;
  const spokeAtMs = world.sim.nowMs;
  for (const c of speakers) c.sendMessage(roomId, "all at once");
  world.run(() => world.sim.nowMs >= spokeAtMs + 3600_000);
  const records = world.trace.all().slice(first);
  return { world, roomId, records, spokeAtMs };
}

describe("the dummy-event job (dummyEvents)", () => {
  it("synapse: a wide room on a server with no local activity gets a dummy from it within 5 minutes", () => {
    const { world, roomId, records, spokeAtMs } = wideRoomQuietServer("synapse");
    const wideAtMs = records.find(
      (r) => r.kind === "pdu.accepted" && r.server === "hs1" && world.server("hs1").room(roomId) !== undefined,
    )!.atMs;
    const dummies = created(records).filter((c) => c.server === "hs1" && c.type === DUMMY);
    expect(dummies).toHaveLength(1);
    expect(dummies[0]!.atMs).toBeGreaterThan(spokeAtMs);
    expect(dummies[0]!.atMs - wideAtMs).toBeLessThanOrEqual(FIVE_MINUTES_MS);
    // It is sent as hs1's member, citing the 10 newest extremities: 12 - 10 + 1 = 3 remain.
    expect(dummies[0]!.sender).toBe("@alice:hs1");
    expect(dummies[0]!.prevEvents).toHaveLength(10);
    expect(world.server("hs1").room(roomId)!.extremityIds()).toHaveLength(3);
  });

  it("synapse: the job's dummy is not pushed to other servers (proactively_send = false)", () => {
    const { records } = wideRoomQuietServer("synapse");
    const dummyIds = new Set(
      created(records)
        .filter((c) => c.type === DUMMY)
        .map((c) => c.event),
    );
    expect(dummyIds.size).toBeGreaterThan(0);
    const pushed = records.filter((r) => r.kind === "fed.txn.sent" && r.pdus.some((p) => dummyIds.has(p)));
    expect(pushed).toEqual([]);
  });

  it("netsplit 0.1 (inline): no dummy at all while nobody sends, and the room stays wide for an hour", () => {
    const { world, roomId, records } = wideRoomQuietServer("netsplit-0.1");
    expect(created(records).filter((c) => c.type === DUMMY)).toEqual([]);
    expect(world.server("hs1").room(roomId)!.extremityIds()).toHaveLength(12);
  });
});

/**
 * Bob (hs2) joins through hs1; between hs1's answer to make_join and bob's send_join,
 * alice says something. Bob's join cites what make_join offered, so hs1 is left with two
 * forward extremities: the join and alice's message, which hs2 was never sent.
 */
function messageDuringHandshake(preset: PresetName) {
  const world = presetWorld(preset, ["hs1", "hs2"]);
  const alice = world.addClient("@alice:hs1");
  const bob = world.addClient("@bob:hs2");
  const roomId = alice.createRoom({ preset: "public_chat" }).value();
  settle(world);
  bob.join(roomId, ["hs1"]);
  // hs1 has answered make_join (its answer is on the wire), bob's send_join is not there yet.
  const madeJoin = () =>
    world.trace.all().some((r) => r.kind === "net.sent" && r.from === "hs1" && r.what.includes("/make_join/"));
  world.run(madeJoin);
  const during = alice.sendMessage(roomId, "during the handshake").value();
  settle(world);
  return { world, roomId, during };
}

describe("a dummy after a remote join (dummyAfterRemoteJoin)", () => {
  it("synapse: the resident sends a dummy citing both extremities, and the joiner fetches the message", () => {
    const { world, roomId, during } = messageDuringHandshake("synapse");
    const dummy = created(world.trace.all()).find((c) => c.type === DUMMY);
    expect(dummy?.server).toBe("hs1");
    expect(dummy?.prevEvents).toContain(during);
    expect(world.server("hs2").room(roomId)!.get(during)?.status).toBe("accepted");
  });

  it("netsplit 0.1: no dummy, and the joiner never hears of the message", () => {
    const { world, roomId, during } = messageDuringHandshake("netsplit-0.1");
    expect(created(world.trace.all()).filter((c) => c.type === DUMMY)).toEqual([]);
    expect(world.server("hs2").room(roomId)!.get(during)).toBeUndefined();
  });
});
