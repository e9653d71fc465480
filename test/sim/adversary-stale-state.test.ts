// The stale-state adversary (sim/adversary.ts): a server that serves the previous event
// of one state key wherever it tells others a room's state (send_join, /state_ids),
// while its own view of the room stays correct.
import { describe, expect, it } from "vitest";
import { nodeCrypto } from "../../cli/node-crypto.ts";
import { stateKey, type EventId, type RoomId } from "../../core/index.ts";
import { makeAdversary, type AdversarySpec } from "../../sim/adversary.ts";
import { World } from "../../sim/world.ts";

const JOIN_RULES = stateKey("m.room.join_rules", "");

/**
 * hs1 honest (Alice, the creator), hs2 faulty about the join rules (Bob), hs3 and hs4
 * honest newcomers. The room's join rules are jr1 (from the preset), then jr2.
 */
function setup() {
  const world = new World({ seed: 5, crypto: nodeCrypto });
  world.addServer("hs1");
  world.addServer("hs2", { adversary: { kind: "stale-state", type: "m.room.join_rules" } });
  world.addServer("hs3");
  world.addServer("hs4");
  const alice = world.addClient("@alice:hs1");
  const roomId = alice.createRoom({ preset: "public_chat" }).value() as RoomId;
  const jr1 = world.server("hs1").room(roomId)!.currentState.get(JOIN_RULES)!;
  world.addClient("@bob:hs2").join(roomId, ["hs1"]);
  world.run(() => world.quiescent());
  const jr2 = alice.setState(roomId, "m.room.join_rules", "", { join_rule: "public" }).value();
  const tip = alice.sendMessage(roomId, "after jr2").value();
  world.run(() => world.quiescent());
  return { world, roomId, jr1, jr2, tip };
}

function stateIds(
  world: World,
  from: string,
  to: string,
  roomId: RoomId,
  eventId: EventId,
): { pdu_ids: EventId[]; auth_chain_ids: EventId[] } {
  let body: unknown;
  const path = `/_matrix/federation/v1/state_ids/${roomId}?event_id=${encodeURIComponent(eventId)}`;
  world.sim.rpc.request(from, to, { method: "GET", path }, (o) => {
    if (o.ok && o.status === 200) body = o.body;
  });
  world.run(() => body !== undefined);
  return body as { pdu_ids: EventId[]; auth_chain_ids: EventId[] };
}

describe("adversary stale-state", () => {
  it("serves the key's previous event and leaves every other key, and its own state, as they are", () => {
    const { world, roomId, jr1, jr2 } = setup();
    const hs2 = world.server("hs2");
    const room = hs2.room(roomId)!;
    const served = hs2.adversary!.servedState!(room, room.currentState);
    expect(served.get(JOIN_RULES)).toBe(jr1);
    expect(room.currentState.get(JOIN_RULES)).toBe(jr2);
    const others = (s: typeof served) => [...s.entries()].filter(([k]) => k !== JOIN_RULES).sort();
    expect(others(served)).toEqual(others(room.currentState));
  });

  it("serves the state unchanged when the key has no earlier event, or is absent", () => {
    const { world, roomId } = setup();
    const hs2 = world.server("hs2");
    const room = hs2.room(roomId)!;
    for (const spec of [
      { kind: "stale-state", type: "m.room.history_visibility" }, // set once, by createRoom
      { kind: "stale-state", type: "m.room.topic" }, // never set
    ] satisfies AdversarySpec[]) {
      expect(makeAdversary(spec, hs2).servedState!(room, room.currentState)).toBe(room.currentState);
    }
  });

  it("names the key by type and state key: a member's previous membership", () => {
    const { world, roomId } = setup();
    const alice = world.client("@alice:hs1");
    const hs1 = world.server("hs1");
    const room = hs1.room(roomId)!;
    const aliceKey = stateKey("m.room.member", "@alice:hs1");
    const join = room.currentState.get(aliceKey)!;
    alice.leave(roomId).value();
    const stale = makeAdversary({ kind: "stale-state", type: "m.room.member", stateKey: "@alice:hs1" }, hs1);
    expect(stale.servedState!(room, room.currentState).get(aliceKey)).toBe(join);
  });

  it("/state_ids: the faulty server lists jr1 (with its auth chain), an honest one jr2", () => {
    const { world, roomId, jr1, jr2, tip } = setup();
    // Asked by a server in the room: servers answer /state_ids to their room's residents only.
    const faulty = stateIds(world, "hs1", "hs2", roomId, tip);
    const honest = stateIds(world, "hs2", "hs1", roomId, tip);
    expect(faulty.pdu_ids).toContain(jr1);
    expect(faulty.pdu_ids).not.toContain(jr2);
    expect(honest.pdu_ids).toContain(jr2);
    expect(honest.pdu_ids).not.toContain(jr1);
    // jr1's own auth events come with it, so the receiver can check it.
    const jr1Auth = world.server("hs1").room(roomId)!.get(jr1)!.pdu.auth_events as EventId[];
    for (const a of jr1Auth) expect(faulty.auth_chain_ids).toContain(a);
    expect(faulty.pdu_ids.length).toBe(honest.pdu_ids.length);
  });

  it("send_join: a server joining through the faulty one starts from jr1; through an honest one, from jr2", () => {
    const { world, roomId, jr1, jr2 } = setup();
    const carol = world.addClient("@carol:hs3").join(roomId, ["hs2"]);
    const dan = world.addClient("@dan:hs4").join(roomId, ["hs1"]);
    world.run(() => world.quiescent());
    const stateBeforeJoin = (server: string, joinId: EventId) =>
      world.server(server).room(roomId)!.get(joinId)!.stateBefore!.get(JOIN_RULES);
    expect(stateBeforeJoin("hs3", carol.value())).toBe(jr1);
    expect(stateBeforeJoin("hs4", dan.value())).toBe(jr2);
    // The faulty server itself computed the truth.
    expect(stateBeforeJoin("hs2", carol.value())).toBe(jr2);
    expect(world.server("hs2").room(roomId)!.currentState.get(JOIN_RULES)).toBe(jr2);
  });

  it("the other kinds serve the true state (no servedState hook)", () => {
    const hs = new World({ seed: 1, crypto: nodeCrypto }).addServer("hs1");
    for (const spec of [
      { kind: "bad-hash" },
      { kind: "clock-ahead", offsetMs: 1 },
      { kind: "withhold", from: ["hs2"] },
    ] satisfies AdversarySpec[]) {
      expect(makeAdversary(spec, hs).servedState).toBeUndefined();
    }
  });
});
