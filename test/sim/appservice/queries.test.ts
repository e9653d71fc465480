import { describe, expect, it } from "vitest";
import type { UserId } from "../../../core/index.ts";
import type { AppServiceBehaviour } from "../../../sim/appservice/service.ts";
import { worldWithService } from "./helpers.ts";

/** A bridge that knows a few remote people and creates their ghosts when asked. */
const knownPeople = new Set(["@_irc_dave:hs1", "@_irc_erin:hs1"]);
const ghostMaker: AppServiceBehaviour = {
  onUserQuery(userId, service) {
    if (!knownPeople.has(userId)) return false;
    return service.ensureUser(userId.slice(1, userId.indexOf(":"))).ok;
  },
  onAliasQuery(alias, service) {
    if (alias !== "#_irc_#matrix:hs1") return false;
    const bot = service.client();
    const room = bot.createRoom({ preset: "public_chat", name: "#matrix on IRC" });
    return room.result?.ok === true && bot.createAlias(alias, room.result.value).result?.ok === true;
  },
};

function queries(world: ReturnType<typeof worldWithService>["world"]) {
  return world.trace
    .all()
    .flatMap((r) =>
      r.kind === "as.query" ? [{ query: r.query, subject: r.subject, result: r.result, attempts: r.attempts }] : [],
    );
}

describe("user and alias queries", () => {
  it("inviting an unknown user of the namespace asks the service, which creates the ghost first", () => {
    const { world, alice, hs1 } = worldWithService(ghostMaker);
    const room = alice.createRoom({ preset: "private_chat" }).value();
    const invite = alice.invite(room, "@_irc_dave:hs1");
    expect(invite.done).toBe(false); // the homeserver waits for the service
    world.run(() => invite.done);
    expect(invite.result).toMatchObject({ ok: true });
    expect(hs1.users.has("@_irc_dave:hs1" as UserId)).toBe(true);
    expect(hs1.membership(hs1.room(room)!, "@_irc_dave:hs1")).toBe("invite");
    expect(queries(world)).toEqual([{ query: "user", subject: "@_irc_dave:hs1", result: "exists", attempts: 1 }]);
    // The ghost exists now: a second invite asks nobody.
    alice.invite(room, "@_irc_dave:hs1");
    world.run(() => world.quiescent());
    expect(queries(world)).toHaveLength(1);
  });

  it("an invite from another server waits for the user query too: the ghost is created, the invite lands", () => {
    const { world, hs1 } = worldWithService(ghostMaker);
    const bob = world.addClient("@bob:hs2");
    const room = bob.createRoom({ preset: "private_chat" }).value();
    const invite = bob.invite(room, "@_irc_erin:hs1");
    world.run(() => invite.done);
    expect(invite.result).toMatchObject({ ok: true });
    expect(hs1.users.has("@_irc_erin:hs1" as UserId)).toBe(true);
    expect(queries(world)).toEqual([{ query: "user", subject: "@_irc_erin:hs1", result: "exists", attempts: 1 }]);
    const refused = bob.invite(room, "@_irc_nobody:hs1");
    world.run(() => refused.done);
    expect(refused.result).toMatchObject({
      ok: false,
      error: { errcode: "M_FORBIDDEN", error: expect.stringContaining("no user @_irc_nobody:hs1") },
    });
  });

  it("an unknown user the service does not know is M_NOT_FOUND; a user of no namespace is not asked about", () => {
    const { world, alice } = worldWithService(ghostMaker);
    const room = alice.createRoom({ preset: "private_chat" }).value();
    const nobody = alice.invite(room, "@_irc_nobody:hs1");
    world.run(() => nobody.done);
    expect(nobody.result).toMatchObject({ ok: false, error: { errcode: "M_NOT_FOUND" } });
    expect(queries(world)).toEqual([{ query: "user", subject: "@_irc_nobody:hs1", result: "absent", attempts: 1 }]);
    alice.invite(room, "@stranger:hs1");
    world.run(() => world.quiescent());
    expect(queries(world)).toHaveLength(1);
  });

  it("a service that does not answer is asked a few times, then the client gets 408", () => {
    const { world, alice, hs1 } = worldWithService(ghostMaker);
    const room = alice.createRoom({ preset: "private_chat" }).value();
    world.sim.isolate("irc-bridge", ["hs1", "hs2"]);
    const invite = alice.invite(room, "@_irc_dave:hs1");
    world.run(() => invite.done);
    expect(invite.result).toMatchObject({ ok: false, error: { status: 408 } });
    expect(queries(world)).toEqual([{ query: "user", subject: "@_irc_dave:hs1", result: "failed", attempts: 3 }]);
    expect(hs1.users.has("@_irc_dave:hs1" as UserId)).toBe(false);
  });

  it("joining an unknown alias of the namespace asks the service, which creates the room; the join then succeeds", () => {
    const { world, alice, hs1 } = worldWithService(ghostMaker);
    const join = alice.join("#_irc_#matrix:hs1");
    world.run(() => join.done);
    expect(join.result).toMatchObject({ ok: true });
    const roomId = hs1.directory.get("#_irc_#matrix:hs1")!;
    expect(hs1.membership(hs1.room(roomId)!, "@alice:hs1")).toBe("join");
    expect(hs1.membership(hs1.room(roomId)!, "@_irc_bot:hs1")).toBe("join");
    expect(queries(world)).toEqual([{ query: "alias", subject: "#_irc_#matrix:hs1", result: "exists", attempts: 1 }]);
    // Known now: joining again asks nobody; an alias the service denies is M_NOT_FOUND.
    const missing = alice.join("#_irc_#nothing:hs1");
    world.run(() => missing.done);
    expect(missing.result).toMatchObject({ ok: false, error: { errcode: "M_NOT_FOUND" } });
    expect(queries(world).map((q) => q.result)).toEqual(["exists", "absent"]);
  });

  it("a remote user joining by alias of another server is not modelled (M_NOT_FOUND, said so)", () => {
    const { world } = worldWithService(ghostMaker);
    const bob = world.addClient("@bob:hs2");
    const join = bob.join("#_irc_#matrix:hs1");
    expect(join.result).toMatchObject({
      ok: false,
      error: { errcode: "M_NOT_FOUND", error: expect.stringContaining("not modelled") },
    });
  });
});
