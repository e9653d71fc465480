// Soft failure (issue 14, item 8): Synapse checks a PDU against the current state, skips
// the check when its prevs are exactly the forward extremities, and resolves the current
// state with the PDU's own state only when some prev is missing. netsplit 0.1 always
// resolved the two, which lets the PDU's own branch win the check.
import { describe, expect, it } from "vitest";
import { stateKey, type EventId, type RoomId } from "../../../core/index.ts";
import { deliver, handBuilt, PRESETS, presetWorld, settle, type PresetName } from "./helpers.ts";

/**
 * Bob joins; then hs1 receives Bob's leave, stamped earlier than his join (a clock set
 * back), and a message of his built on his join, beside the leave. In the current state
 * Bob has left; resolving his join against his leave orders them by timestamp, and the
 * join, stamped later, wins.
 */
function messageBesideLeave(preset: PresetName) {
  const world = presetWorld(preset, ["hs1", "hs2"]);
  const alice = world.addClient("@alice:hs1");
  const roomId = alice.createRoom({ preset: "public_chat" }).value() as RoomId;
  const join = world.addClient("@bob:hs2").join(roomId, ["hs1"]);
  settle(world);
  const joinId = join.value() as EventId;
  const hs1Room = world.server("hs1").room(roomId)!;
  expect(hs1Room.extremityIds()).toEqual([joinId]);
  const leave = handBuilt(world, "hs2", roomId, {
    sender: "@bob:hs2",
    type: "m.room.member",
    stateKey: "@bob:hs2",
    content: { membership: "leave" },
    prevs: [joinId],
    ts: 1,
  });
  deliver(world, "hs2", "hs1", [leave.pdu]);
  expect(hs1Room.currentState.get(stateKey("m.room.member", "@bob:hs2"))).toBe(leave.eventId);
  const message = handBuilt(world, "hs2", roomId, {
    sender: "@bob:hs2",
    type: "m.room.message",
    content: { body: "beside my leave" },
    prevs: [joinId],
  });
  deliver(world, "hs2", "hs1", [message.pdu]);
  return hs1Room.get(message.eventId)!;
}

describe("soft failure", () => {
  it("as Synapse: a PDU beside the extremities is checked against the current state alone (soft-failed)", () => {
    expect(messageBesideLeave("synapse").status).toBe("softFailed");
  });

  it("netsplit 0.1 resolved the current state with the PDU's own, and accepted it", () => {
    expect(messageBesideLeave("netsplit-0.1").status).toBe("accepted");
  });

  it.each(PRESETS)("%s: a PDU on exactly the forward extremities is accepted without a further check", (preset) => {
    const world = presetWorld(preset, ["hs1", "hs2"]);
    const alice = world.addClient("@alice:hs1");
    const roomId = alice.createRoom({ preset: "public_chat" }).value() as RoomId;
    world.addClient("@bob:hs2").join(roomId, ["hs1"]);
    settle(world);
    const tip = world.server("hs2").room(roomId)!.extremityIds();
    const message = handBuilt(world, "hs2", roomId, {
      sender: "@bob:hs2",
      type: "m.room.message",
      content: { body: "on the tip" },
      prevs: [...tip],
    });
    deliver(world, "hs2", "hs1", [message.pdu]);
    expect(world.server("hs1").room(roomId)!.get(message.eventId)!.status).toBe("accepted");
  });
});
