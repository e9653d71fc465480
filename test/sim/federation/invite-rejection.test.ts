// Invites to a room the invitee's server is not in (issue 14, item 11): rejected through
// make_leave/send_leave, or by a local out-of-band leave when the inviter's server cannot
// be reached (Synapse: remote_reject_invite), and rescinded by the inviter (a kick of an
// invited user reaches the invitee's server).
import { describe, expect, it } from "vitest";
import { stateKey, type EventId, type RoomId } from "../../../core/index.ts";
import type { World } from "../../../sim/world.ts";
import { presetWorld, requestsFrom, settle, type PresetName } from "./helpers.ts";

/** hs1's Alice invites hs2's Bob to a private room hs2 is not in. */
function invited(preset: PresetName) {
  const world = presetWorld(preset, ["hs1", "hs2"]);
  const alice = world.addClient("@alice:hs1");
  const bob = world.addClient("@bob:hs2");
  const roomId = alice.createRoom({ preset: "private_chat" }).value() as RoomId;
  const invite = alice.invite(roomId, "@bob:hs2");
  settle(world);
  expect(Object.keys(bob.sync(0).invite)).toEqual([roomId]);
  return { world, alice, bob, roomId, inviteId: invite.value() };
}

function membershipOn(world: World, server: string, roomId: RoomId, user: string): string | undefined {
  const hs = world.server(server);
  return hs.membership(hs.room(roomId)!, user);
}

describe("rejecting an invite to a room our server is not in", () => {
  it("as Synapse: make_leave and send_leave through the inviter's server; the room sees the leave", () => {
    const { world, bob, roomId } = invited("synapse");
    const left = bob.leave(roomId);
    settle(world);
    expect(left.result?.ok).toBe(true);
    expect(requestsFrom(world, "hs2", "hs1").filter((p) => /make_leave|send_leave/.test(p))).toEqual([
      `/_matrix/federation/v1/make_leave/${encodeURIComponent(roomId)}/${encodeURIComponent("@bob:hs2")}`,
      `/_matrix/federation/v2/send_leave/${encodeURIComponent(roomId)}/${encodeURIComponent(left.value())}`,
    ]);
    expect(membershipOn(world, "hs1", roomId, "@bob:hs2")).toBe("leave");
    const room = world.server("hs1").room(roomId)!;
    expect(room.currentState.get(stateKey("m.room.member", "@bob:hs2"))).toBe(left.value());
    const sync = bob.sync(0);
    expect([sync.invite, sync.leave]).toEqual([{}, [roomId]]);
  });

  it("netsplit 0.1 (inviteRejection local) forgot the invite and told nobody", () => {
    const { world, bob, roomId, inviteId } = invited("netsplit-0.1");
    expect(bob.leave(roomId).value()).toBe(inviteId);
    settle(world);
    expect(membershipOn(world, "hs1", roomId, "@bob:hs2")).toBe("invite");
    expect(bob.sync(0).invite).toEqual({});
  });

  it("as Synapse: with the inviter's server down, a local out-of-band leave after the invite", () => {
    const { world, bob, roomId, inviteId } = invited("synapse");
    world.crash("hs1");
    const left = bob.leave(roomId);
    settle(world);
    expect(left.result?.ok).toBe(true);
    const entry = world.server("hs2").outOfBand.get(bob.userId)!.get(roomId)!;
    expect(entry.eventId).toBe(left.value());
    expect(entry.pdu.prev_events).toEqual([inviteId]);
    expect(entry.pdu.auth_events).toContain(inviteId);
    expect(entry.pdu.content).toEqual({ membership: "leave" });
    const sync = bob.sync(0);
    expect([sync.invite, sync.leave]).toEqual([{}, [roomId]]);
  });

  it("a new invite after a rejection shows as an invite again", () => {
    const { world, alice, bob, roomId } = invited("synapse");
    bob.leave(roomId);
    settle(world);
    alice.invite(roomId, "@bob:hs2");
    settle(world);
    const sync = bob.sync(0);
    expect([Object.keys(sync.invite), sync.leave]).toEqual([[roomId], []]);
  });
});

describe("rescinding an invite", () => {
  it("the inviter's kick of the invitee reaches the invitee's server, which shows the room under leave", () => {
    for (const preset of ["synapse", "netsplit-0.1"] as const) {
      const { world, alice, bob, roomId } = invited(preset);
      const kick: EventId = alice.kick(roomId, "@bob:hs2").value();
      settle(world);
      const sync = bob.sync(0);
      expect([preset, sync.invite, sync.leave]).toEqual([preset, {}, [roomId]]);
      expect(world.server("hs2").outOfBand.get(bob.userId)!.get(roomId)!.eventId).toBe(kick);
      // Joining now fails: the invite is gone.
      const join = bob.join(roomId, ["hs1"]);
      settle(world);
      expect(join.result?.ok).toBe(false);
    }
  });

  it("a leave from someone other than the inviter is not taken as a rescission", () => {
    const { world, alice, bob, roomId } = invited("synapse");
    const carol = world.addClient("@carol:hs1");
    alice.invite(roomId, "@carol:hs1");
    carol.join(roomId);
    alice.setState(roomId, "m.room.power_levels", "", {
      users: { "@alice:hs1": 100, "@carol:hs1": 100 },
    });
    carol.kick(roomId, "@bob:hs2").value();
    settle(world);
    expect(Object.keys(bob.sync(0).invite)).toEqual([roomId]);
  });
});
