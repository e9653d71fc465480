import { describe, expect, it } from "vitest";
import { AppServiceClient } from "../../../sim/appservice/as-client.ts";
import { World } from "../../../sim/world.ts";
import { registration, worldWithService } from "./helpers.ts";

describe("exclusive namespaces", () => {
  it("ordinary registration inside an exclusive namespace is M_EXCLUSIVE; inside a shared one it is allowed", () => {
    const { world, hs1 } = worldWithService(
      {},
      {
        namespaces: {
          users: [
            { regex: "@_irc_.*:hs1", exclusive: true },
            { regex: "@bot_.*:hs1", exclusive: false },
          ],
        },
      },
    );
    expect(hs1.registerUser("_irc_mallory")).toMatchObject({ ok: false, error: { errcode: "M_EXCLUSIVE" } });
    expect(hs1.registerUser("_irc_bot")).toMatchObject({ ok: false, error: { errcode: "M_EXCLUSIVE" } }); // the sender user
    expect(hs1.registerUser("bot_feed")).toMatchObject({ ok: true });
    expect(() => world.addClient("@_irc_eve:hs1")).toThrow(/reserved by application service irc/);
    // The namespace is hs1's: the same localpart on hs2 is nobody's business.
    expect(world.server("hs2").registerUser("_irc_mallory")).toMatchObject({ ok: true });
  });

  it("a service registers users of its namespace (m.login.application_service), and no others", () => {
    const { world, service, hs1 } = worldWithService();
    expect(service.registerUser("_irc_dave")).toEqual({ ok: true, value: "@_irc_dave:hs1" });
    expect(service.registerUser("_irc_dave")).toMatchObject({ ok: false, error: { errcode: "M_USER_IN_USE" } });
    expect(service.registerUser("dave")).toMatchObject({ ok: false, error: { errcode: "M_EXCLUSIVE" } });
    expect(hs1.users.has("@dave:hs1" as never)).toBe(false);
    const actions = world.trace.all().filter((r) => r.kind === "as.action" && r.action === "register");
    expect(actions.map((r) => r.kind === "as.action" && r.ok)).toEqual([true, false, false]);
  });

  it("a second service cannot register inside the first one's exclusive namespace, even if its own regex covers it", () => {
    const { world, hs1 } = worldWithService();
    const greedy = world.addAppService(
      "hs1",
      registration({
        id: "greedy",
        url: "greedy",
        as_token: "g",
        sender_localpart: "greedy",
        namespaces: { users: [{ regex: "@.*:hs1", exclusive: false }] },
      }),
    );
    expect(greedy.registerUser("_irc_dave")).toMatchObject({
      ok: false,
      error: { errcode: "M_EXCLUSIVE", error: expect.stringContaining("reserved by application service irc") },
    });
    expect(greedy.registerUser("someone")).toMatchObject({ ok: true });
    expect(hs1.users.has("@_irc_dave:hs1" as never)).toBe(false);
  });

  it("aliases: an exclusive alias namespace is the service's alone, and a service stays inside its own", () => {
    const { alice, service } = worldWithService();
    const room = alice.createRoom({ preset: "public_chat" }).value();
    expect(alice.createAlias("#_irc_#matrix:hs1", room).result).toMatchObject({
      ok: false,
      error: { errcode: "M_EXCLUSIVE" },
    });
    expect(alice.createAlias("#lobby:hs1", room).result).toMatchObject({ ok: true });
    expect(alice.createAlias("#lobby:hs1", room).result).toMatchObject({ ok: false, error: { status: 409 } });
    const bot = service.client();
    bot.join(room).value();
    expect(bot.createAlias("#_irc_#matrix:hs1", room).result).toMatchObject({ ok: true });
    expect(bot.createAlias("#other:hs1", room).result).toMatchObject({ ok: false, error: { errcode: "M_EXCLUSIVE" } });
  });
});

describe("masquerading (identity assertion)", () => {
  it("acts as its sender user by default, and as a registered user of its namespace with user_id", () => {
    const { world, alice, service, hs1 } = worldWithService();
    const room = alice.createRoom({ preset: "public_chat" }).value();
    service.ensureUser("_irc_dave");
    const ghost = service.client("@_irc_dave:hs1");
    expect(ghost.masquerading).toBe(true);
    expect(service.client().masquerading).toBe(false);
    const joined = ghost.join(room).value();
    const said = ghost.sendMessage(room, "hello from IRC").value();
    expect(hs1.room(room)!.get(said)!.pdu.sender).toBe("@_irc_dave:hs1");
    expect(hs1.membership(hs1.room(room)!, "@_irc_dave:hs1")).toBe("join");
    const actions = world.trace.all().filter((r) => r.kind === "as.action" && r.user === "@_irc_dave:hs1");
    expect(actions.map((r) => r.kind === "as.action" && [r.action, r.ok, r.result])).toEqual([
      ["register", true, "@_irc_dave:hs1"],
      ["join", true, joined],
      ["sendMessage", true, said],
    ]);
    // Masqueraded actions are the service's, not a client's.
    expect(world.trace.all().some((r) => r.kind === "client.action" && r.user === "@_irc_dave:hs1")).toBe(false);
  });

  it("refuses a user outside its namespaces with M_EXCLUSIVE, and an unregistered one of its namespace with M_FORBIDDEN", () => {
    const { alice, service, hs1 } = worldWithService();
    const room = alice.createRoom({ preset: "public_chat" }).value();
    const asAlice = service.client("@alice:hs1");
    expect(asAlice.sendMessage(room, "I am alice").result).toMatchObject({
      ok: false,
      error: { errcode: "M_EXCLUSIVE" },
    });
    expect(service.client("@_irc_dave:hs2").join(room).result).toMatchObject({
      ok: false,
      error: { errcode: "M_EXCLUSIVE" },
    });
    expect(service.client("@_irc_nobody:hs1").join(room).result).toMatchObject({
      ok: false,
      error: { errcode: "M_FORBIDDEN" },
    });
    expect(asAlice.sync().error?.errcode).toBe("M_EXCLUSIVE");
    // Nothing was sent in anyone's name.
    expect(
      hs1
        .room(room)!
        .inStreamOrder()
        .every((e) => e.pdu.sender === "@alice:hs1"),
    ).toBe(true);
  });

  it("a service cut off from its homeserver cannot act (M_UNKNOWN, 502) until the cut is repaired", () => {
    const { world, alice, service } = worldWithService();
    const room = alice.createRoom({ preset: "public_chat" }).value();
    world.sim.isolate("irc-bridge", ["hs1", "hs2"]);
    expect(service.client().join(room).result).toMatchObject({
      ok: false,
      error: { errcode: "M_UNKNOWN", status: 502 },
    });
    expect(service.registerUser("_irc_x")).toMatchObject({ ok: false, error: { status: 502 } });
    world.sim.repair();
    expect(service.client().join(room).result).toMatchObject({ ok: true });
  });

  it("an as_token the homeserver does not know is M_UNKNOWN_TOKEN", () => {
    const world = new World({ seed: 1, signing: false });
    const hs1 = world.addServer("hs1");
    const service = world.addAppService("hs1", registration());
    const forged = new AppServiceClient(hs1, service.entry, "not-the-token", service.senderUserId, () => true);
    expect(forged.createRoom().result).toMatchObject({ ok: false, error: { errcode: "M_UNKNOWN_TOKEN" } });
  });
});
