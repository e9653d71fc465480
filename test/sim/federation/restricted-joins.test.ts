// Restricted joins over federation (issue 14, item 11; room versions 8+): the resident
// that makes the join template names one of its users able to invite in
// join_authorised_via_users_server and signs the join at send_join; a resident that cannot
// tell whether the user is in an allowed room answers M_UNABLE_TO_AUTHORISE_JOIN, one with
// nobody able to invite M_UNABLE_TO_GRANT_JOIN, and the joiner then asks the next
// (Synapse: EventAuthHandler.check_restricted_join_rules, get_user_which_could_invite,
// FederationClient._try_destination_list).
import { describe, expect, it } from "vitest";
import type { RoomId } from "../../../core/index.ts";
import type { World } from "../../../sim/world.ts";
import { ask, presetWorld, settle } from "./helpers.ts";

/**
 * hs1's Alice has a space S (public) and a room R restricted to S's members. hs3's Carol was
 * invited into R and is in it; hs3 is not in S. hs2's Bob is outside both.
 */
function restricted(options: { inviteLevel?: number } = {}) {
  const world = presetWorld("synapse", ["hs1", "hs2", "hs3"]);
  const alice = world.addClient("@alice:hs1");
  const bob = world.addClient("@bob:hs2");
  const carol = world.addClient("@carol:hs3");
  const space = alice.createRoom({ preset: "public_chat", name: "S" }).value() as RoomId;
  const roomId = alice
    .createRoom({
      preset: "private_chat",
      name: "R",
      initialState: [
        {
          type: "m.room.join_rules",
          state_key: "",
          content: { join_rule: "restricted", allow: [{ type: "m.room_membership", room_id: space }] },
        },
      ],
      ...(options.inviteLevel !== undefined
        ? { powerLevelContentOverride: { invite: options.inviteLevel, users: { "@alice:hs1": 100 } } }
        : {}),
    })
    .value() as RoomId;
  alice.invite(roomId, "@carol:hs3");
  settle(world);
  expect(outcome(world, carol.join(roomId, ["hs1"]))).toBe("ok");
  return { world, alice, bob, space, roomId };
}

function outcome(world: World, pending: { result?: { ok: boolean; error?: { errcode: string } } | undefined }) {
  settle(world);
  const r = pending.result!;
  return r.ok ? "ok" : r.error!.errcode;
}

describe("restricted joins", () => {
  it("a member of the allowed room joins: the resident names its user as authoriser and signs the join", () => {
    const { world, bob, space, roomId } = restricted();
    expect(outcome(world, bob.join(space, ["hs1"]))).toBe("ok");
    const join = bob.join(roomId, ["hs1"]);
    expect(outcome(world, join)).toBe("ok");
    for (const server of ["hs1", "hs2", "hs3"]) {
      const hs = world.server(server);
      const room = hs.room(roomId)!;
      expect([server, hs.membership(room, "@bob:hs2")]).toEqual([server, "join"]);
      const pdu = room.get(join.value())!.pdu;
      expect(pdu.content.join_authorised_via_users_server).toBe("@alice:hs1");
      expect(Object.keys(pdu.signatures).sort()).toEqual(["hs1", "hs2"]);
    }
  });

  it("a user in none of the allowed rooms is refused with 403 by a resident that can tell", () => {
    const { world, bob, roomId } = restricted();
    expect(outcome(world, bob.join(roomId, ["hs1"]))).toBe("M_FORBIDDEN");
    expect(world.server("hs1").membership(world.server("hs1").room(roomId)!, "@bob:hs2")).toBeUndefined();
  });

  it("a resident outside the allowed room answers M_UNABLE_TO_AUTHORISE_JOIN, and the joiner asks the next", () => {
    const { world, bob, space, roomId } = restricted();
    expect(outcome(world, bob.join(space, ["hs1"]))).toBe("ok");
    const path = `/_matrix/federation/v1/make_join/${encodeURIComponent(roomId)}/${encodeURIComponent("@bob:hs2")}?ver=11`;
    expect(ask(world, "hs2", "hs3", { method: "GET", path }).body.errcode).toBe("M_UNABLE_TO_AUTHORISE_JOIN");
    expect(outcome(world, bob.join(roomId, ["hs3", "hs1"]))).toBe("ok");
  });

  it("with no resident able to authorise, the join fails (Synapse: 502, failed via any server)", () => {
    const { world, bob, space, roomId } = restricted();
    expect(outcome(world, bob.join(space, ["hs1"]))).toBe("ok");
    // hs1 (whose name the room id carries, so it is always tried) is down; hs3 cannot tell.
    world.crash("hs1");
    const join = bob.join(roomId, ["hs3"]);
    settle(world);
    expect(join.result?.ok ? "ok" : [join.result?.error.errcode, join.result?.error.error]).toEqual([
      "M_UNKNOWN",
      expect.stringMatching(/^could not join/),
    ]);
    const answered = world.trace
      .all()
      .filter((r) => r.kind === "rpc.response" && r.from === "hs2" && r.to === "hs3")
      .map((r) => (r.kind === "rpc.response" ? r.status : 0));
    expect(answered).toContain(400);
  });

  it("a resident none of whose users may invite answers M_UNABLE_TO_GRANT_JOIN", () => {
    const { world, roomId } = restricted({ inviteLevel: 50 });
    const path = `/_matrix/federation/v1/make_join/${encodeURIComponent(roomId)}/${encodeURIComponent("@bob:hs2")}?ver=11`;
    const answer = ask(world, "hs2", "hs3", { method: "GET", path });
    expect([answer.status, answer.body.errcode]).toEqual([400, "M_UNABLE_TO_GRANT_JOIN"]);
    // hs1's Alice (100) may invite: hs1 names her.
    const made = ask(world, "hs2", "hs1", { method: "GET", path });
    expect(made.status).toBe(403); // Bob is in no allowed room, and hs1 can tell
  });
});

describe("a restricted join on a server already in the room", () => {
  it("a local user able to invite vouches for it", () => {
    const { world, space, roomId } = restricted();
    const dave = world.addClient("@dave:hs1");
    expect(outcome(world, dave.join(space))).toBe("ok");
    const join = dave.join(roomId);
    expect(outcome(world, join)).toBe("ok");
    const pdu = world.server("hs1").room(roomId)!.get(join.value())!.pdu;
    expect(pdu.content.join_authorised_via_users_server).toBe("@alice:hs1");
    // hs3 accepted it too (it checks hs1's signature as the authoriser's).
    expect(world.server("hs3").membership(world.server("hs3").room(roomId)!, "@dave:hs1")).toBe("join");
  });

  it("a local user in none of the allowed rooms is still refused", () => {
    const { world, roomId } = restricted();
    const erin = world.addClient("@erin:hs1");
    expect(outcome(world, erin.join(roomId))).toBe("M_FORBIDDEN");
  });
});
