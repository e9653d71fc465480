// Filling gaps on receipt (issue 14, item 6): Synapse makes one get_missing_events call
// and refuses a pushed PDU whose prevs are still missing; netsplit 0.1 made up to five
// rounds, then fell back to /state_ids. Also /state, used when much of a state is missing.
import { describe, expect, it } from "vitest";
import type { EventId, RoomId } from "../../../core/index.ts";
import { deliver, handBuilt, MISSING_EVENTS, presetWorld, requestsFrom, settle, type PresetName } from "./helpers.ts";

/**
 * hs2 never pushes its events to hs1 (adversary "withhold"): three more users of hs2 join
 * and Bob sends 25 messages, then his last message is handed to hs1 by hand. hs1 lacks
 * the 28 events under it, three of them in the room's state.
 */
function wideGap(preset: PresetName) {
  const world = presetWorld(preset, ["hs1", { name: "hs2", adversary: { kind: "withhold", from: ["hs1"] } }]);
  const alice = world.addClient("@alice:hs1");
  const bob = world.addClient("@bob:hs2");
  const roomId = alice.createRoom({ preset: "public_chat" }).value() as RoomId;
  bob.join(roomId, ["hs1"]);
  settle(world);
  for (const name of ["u1", "u2", "u3"]) world.addClient(`@${name}:hs2`).join(roomId);
  settle(world);
  for (let i = 0; i < 25; i++) bob.sendMessage(roomId, `unseen #${i}`);
  const lastId = bob.sendMessage(roomId, "the last").value() as EventId;
  settle(world);
  // hs2 withheld it too: hand it over, as a /send of hs2's would.
  const last = { eventId: lastId, pdu: world.server("hs2").room(roomId)!.get(lastId)!.pdu };
  const result = deliver(world, "hs2", "hs1", [last.pdu]);
  return { world, roomId, last, result };
}

const STATE_IDS = "/federation/v1/state_ids/";
const WHOLE_STATE = "/federation/v1/state/";
const EVENT = "/federation/v1/event/";

describe("gap filling on receipt", () => {
  it("as Synapse: one get_missing_events, then the whole /state at the oldest event's missing prev", () => {
    const { world, roomId, last, result } = wideGap("synapse");
    expect(result[last.eventId]).toEqual({});
    expect(world.server("hs1").room(roomId)!.get(last.eventId)!.status).toBe("accepted");
    const asked = requestsFrom(world, "hs1", "hs2");
    expect(asked.filter((p) => p.includes(MISSING_EVENTS))).toHaveLength(1);
    expect(asked.filter((p) => p.includes(STATE_IDS))).toHaveLength(1);
    // Four of the state's events are missing (the prev itself and three joins): a tenth or more.
    expect(asked.filter((p) => p.includes(WHOLE_STATE))).toHaveLength(1);
    // /state holds the state before the prev, not the prev: that one comes with /event.
    expect(asked.filter((p) => p.includes(EVENT))).toHaveLength(1);
  });

  it("netsplit 0.1 fetched each missing event of that state with /event, never /state", () => {
    const { world, last, result } = wideGap("netsplit-0.1");
    expect(result[last.eventId]).toEqual({});
    const asked = requestsFrom(world, "hs1", "hs2");
    expect(asked.filter((p) => p.includes(WHOLE_STATE))).toHaveLength(0);
    expect(asked.filter((p) => p.includes(EVENT)).length).toBeGreaterThanOrEqual(4);
  });

  /**
   * hs3 joins after 10 messages; then hs2 pushes a PDU built on Bob's first message, far
   * below hs3's join. Nothing hs3 holds with its state is that old.
   */
  function belowMinDepth(preset: PresetName) {
    const world = presetWorld(preset, ["hs1", "hs2", "hs3"]);
    const alice = world.addClient("@alice:hs1");
    const bob = world.addClient("@bob:hs2");
    const roomId = alice.createRoom({ preset: "public_chat" }).value() as RoomId;
    bob.join(roomId, ["hs1"]);
    settle(world);
    const first = bob.sendMessage(roomId, "first");
    for (let i = 0; i < 10; i++) alice.sendMessage(roomId, `talk #${i}`);
    settle(world);
    world.addClient("@carol:hs3").join(roomId, ["hs1"]);
    settle(world);
    const old = handBuilt(world, "hs2", roomId, {
      sender: "@bob:hs2",
      type: "m.room.message",
      content: { body: "from long ago" },
      prevs: [first.value() as EventId],
    });
    const result = deliver(world, "hs2", "hs3", [old.pdu]);
    return { world, roomId, old, result };
  }

  it("as Synapse, refuses a pushed PDU no deeper than the room's minimum depth without asking for its prevs", () => {
    const { world, roomId, old, result } = belowMinDepth("synapse");
    expect(result[old.eventId]).toEqual({ error: expect.stringMatching(/^prev events could not be fetched/) });
    expect(world.server("hs3").room(roomId)!.has(old.eventId)).toBe(false);
    expect(requestsFrom(world, "hs3", "hs2").filter((p) => p.includes(MISSING_EVENTS))).toHaveLength(0);
  });

  it("netsplit 0.1 asked for the prevs of such a PDU and accepted it", () => {
    const { world, roomId, old, result } = belowMinDepth("netsplit-0.1");
    expect(result[old.eventId]).toEqual({});
    expect(world.server("hs3").room(roomId)!.get(old.eventId)!.status).toBe("accepted");
    expect(requestsFrom(world, "hs3", "hs2").filter((p) => p.includes(MISSING_EVENTS)).length).toBeGreaterThan(0);
  });
});
