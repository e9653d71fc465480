// Knocking (issue 14, item 11; spec: server-server-api.md "Knocking upon a room", room
// versions 7+): a user of a server outside the room knocks through make_knock/send_knock,
// sees the room under sync's `knock`, and a member can then invite them in.
import { describe, expect, it } from "vitest";
import type { RoomId } from "../../../core/index.ts";
import { ask, presetWorld, requestsFrom, settle } from "./helpers.ts";

/** hs1's Alice has a room with join rule `knock`; hs2's Bob is outside it. */
function knockRoom(roomVersion = "11") {
  const world = presetWorld("synapse", ["hs1", "hs2"]);
  const alice = world.addClient("@alice:hs1");
  const bob = world.addClient("@bob:hs2");
  const roomId = alice.createRoom({ preset: "private_chat", name: "knock here", roomVersion }).value() as RoomId;
  alice.setState(roomId, "m.room.join_rules", "", { join_rule: "knock" }).value();
  settle(world);
  return { world, alice, bob, roomId };
}

describe("knocking on a room over federation", () => {
  it("make_knock and send_knock through the resident; the knock is in the room's state and in the knocker's sync", () => {
    const { world, bob, roomId } = knockRoom();
    const knocked = bob.knock(roomId, ["hs1"], "let me in");
    settle(world);
    expect(knocked.result?.ok).toBe(true);
    const paths = requestsFrom(world, "hs2", "hs1").filter((p) => /make_knock|send_knock/.test(p));
    expect(paths.map((p) => p.split("/")[4])).toEqual(["make_knock", "send_knock"]);
    expect(paths[0]).toContain("?ver=");
    const hs1 = world.server("hs1");
    const room = hs1.room(roomId)!;
    expect(hs1.membership(room, "@bob:hs2")).toBe("knock");
    expect(room.get(knocked.value())!.pdu.content).toEqual({ membership: "knock", reason: "let me in" });
    const sync = bob.sync(0);
    expect(sync.knock).toEqual({ [roomId]: { eventId: knocked.value() } });
    // The resident answered the room's stripped state, kept for the knocker.
    const entry = world.server("hs2").outOfBand.get(bob.userId)!.get(roomId)!;
    expect(entry.knockState!.map((e) => e.type).sort()).toEqual(["m.room.create", "m.room.join_rules", "m.room.name"]);
  });

  it("a member then invites the knocker, who joins", () => {
    const { world, alice, bob, roomId } = knockRoom();
    bob.knock(roomId, ["hs1"]);
    settle(world);
    const invite = alice.invite(roomId, "@bob:hs2");
    settle(world);
    expect(invite.result?.ok).toBe(true);
    const invited = bob.sync(0);
    expect([Object.keys(invited.invite), invited.knock]).toEqual([[roomId], {}]);
    const join = bob.join(roomId);
    settle(world);
    expect(join.result?.ok).toBe(true);
    expect(world.server("hs1").membership(world.server("hs1").room(roomId)!, "@bob:hs2")).toBe("join");
    expect(Object.keys(bob.sync(0).join)).toEqual([roomId]);
  });

  it("withdrawing a knock on a room we are not in is a leave of our own (Synapse: remote_rescind_knock)", () => {
    const { world, bob, roomId } = knockRoom();
    const knocked = bob.knock(roomId, ["hs1"]);
    settle(world);
    const left = bob.leave(roomId);
    settle(world);
    const entry = world.server("hs2").outOfBand.get(bob.userId)!.get(roomId)!;
    expect([entry.membership, entry.eventId, entry.pdu.prev_events]).toEqual([
      "leave",
      left.value(),
      [knocked.value()],
    ]);
    expect(bob.sync(0)).toMatchObject({ knock: {}, leave: [roomId] });
  });

  it("a room whose join rule is not knock refuses with 403 M_FORBIDDEN", () => {
    const { world, alice, bob, roomId } = knockRoom();
    alice.setState(roomId, "m.room.join_rules", "", { join_rule: "invite" }).value();
    settle(world);
    const knocked = bob.knock(roomId, ["hs1"]);
    settle(world);
    expect(knocked.result?.ok ? "knocked" : knocked.result?.error.errcode).toBe("M_FORBIDDEN");
    expect(bob.sync(0).knock).toEqual({});
  });

  it("room versions before 7 know no knocking: the resident refuses make_knock", () => {
    const world = presetWorld("synapse", ["hs1", "hs2"]);
    const alice = world.addClient("@alice:hs1");
    const roomId = alice.createRoom({ preset: "public_chat", roomVersion: "6" }).value() as RoomId;
    const answer = ask(world, "hs2", "hs1", {
      method: "GET",
      path: `/_matrix/federation/v1/make_knock/${encodeURIComponent(roomId)}/${encodeURIComponent("@bob:hs2")}?ver=6`,
    });
    expect([answer.status, answer.body.errcode]).toEqual([403, "M_FORBIDDEN"]);
  });

  it("a local knock when the server is in the room", () => {
    const { world, bob, roomId } = knockRoom();
    const carol = world.addClient("@carol:hs1");
    const knocked = carol.knock(roomId);
    settle(world);
    expect(knocked.result?.ok).toBe(true);
    expect(carol.sync(0).knock).toEqual({ [roomId]: { eventId: knocked.value() } });
    expect(requestsFrom(world, "hs1").some((p) => p.includes("make_knock"))).toBe(false);
    expect(bob.sync(0).knock).toEqual({});
  });
});
