import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fullMatch, Namespaces } from "../../../sim/appservice/namespaces.ts";
import { receivedIds, worldWithService } from "./helpers.ts";

describe("namespace matching", () => {
  const ns = new Namespaces({
    users: [
      { regex: "@_irc_.*:hs1", exclusive: true },
      { regex: "@bot_[a-z]+:hs1", exclusive: false },
    ],
    aliases: [{ regex: "#_irc_.*:hs1", exclusive: false }],
    rooms: [{ regex: "!bridged.*", exclusive: true }],
  });

  it("matches whole ids only (our reading: the spec leaves anchoring open)", () => {
    expect(ns.matches("users", "@_irc_alice:hs1")).toBe(true);
    expect(ns.matches("users", "@_irc_alice:hs1.evil")).toBe(false); // Synapse's re.match would say yes
    expect(ns.matches("users", "@x@_irc_alice:hs1")).toBe(false);
    expect(ns.matches("users", "@bot_feed:hs1")).toBe(true);
    expect(ns.matches("users", "@bot_Feed:hs1")).toBe(false);
    expect(ns.matches("aliases", "#_irc_#matrix:hs1")).toBe(true);
    expect(ns.matches("rooms", "!bridged-1:hs2")).toBe(true);
  });

  it("tells exclusive namespaces from shared ones", () => {
    expect(ns.isExclusive("users", "@_irc_alice:hs1")).toBe(true);
    expect(ns.isExclusive("users", "@bot_feed:hs1")).toBe(false);
    expect(ns.isExclusive("aliases", "#_irc_#matrix:hs1")).toBe(false);
    expect(ns.isExclusive("rooms", "!bridged-1:hs2")).toBe(true);
  });

  it("a top-level alternation stays inside the anchors", () => {
    expect(fullMatch("@a|@b").test("@a")).toBe(true);
    expect(fullMatch("@a|@b").test("@bc")).toBe(false);
    expect(fullMatch("@a|@b").test("x@a")).toBe(false);
  });

  it("an escaped literal matches itself and nothing longer (property)", () => {
    const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 20 }), fc.string({ minLength: 1, maxLength: 3 }), (s, extra) => {
        const re = fullMatch(escape(s));
        expect(re.test(s)).toBe(true);
        expect(re.test(s + extra)).toBe(false);
        expect(re.test(extra + s)).toBe(false);
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});

describe("interest: which events the homeserver pushes", () => {
  it("events sent by or aimed at a local namespace user, or by the sender user", () => {
    const { world, alice, service, hs1 } = worldWithService();
    const room = alice.createRoom({ preset: "public_chat" }).value();
    const before = alice.sendMessage(room, "nobody of the service is here").value();
    hs1.registerUser("_irc_dave", hs1.appServices.get("irc"));
    const invite = alice.invite(room, "@_irc_dave:hs1").value(); // target in the namespace
    const join = service.client("@_irc_dave:hs1").join(room).value(); // sender in the namespace
    const after = alice.sendMessage(room, "now dave is joined").value(); // a joined namespace user
    world.run(() => world.quiescent());
    expect(receivedIds(service)).toEqual([invite, join, after]);
    expect(receivedIds(service)).not.toContain(before);
  });

  it("remote users never create interest on their own, even when the regex matches them", () => {
    const { world, service } = worldWithService(
      {},
      { namespaces: { users: [{ regex: "@_irc_.*", exclusive: false }] } },
    );
    const carol = world.addClient("@_irc_carol:hs2"); // matches the regex, but lives on hs2
    const alice = world.client("@alice:hs1");
    const room = carol.createRoom({ preset: "public_chat" }).value();
    alice.join(room, ["hs2"]);
    world.run(() => world.quiescent());
    carol.sendMessage(room, "remote namespace user speaking");
    world.run(() => world.quiescent());
    expect(service.received).toEqual([]);
  });

  it("every event of a room whose id is in the rooms namespace", () => {
    const { world, alice, service } = worldWithService(
      {},
      { namespaces: { rooms: [{ regex: "!.*:hs1", exclusive: false }] } },
    );
    const room = alice.createRoom({ preset: "private_chat", name: "watched" }).value();
    const msg = alice.sendMessage(room, "hello").value();
    world.run(() => world.quiescent());
    const events = service.received.filter((e) => e.room_id === room);
    expect(events.map((e) => e.type)).toEqual([
      "m.room.create",
      "m.room.member",
      "m.room.power_levels",
      "m.room.join_rules",
      "m.room.history_visibility",
      "m.room.guest_access",
      "m.room.name",
      "m.room.message",
    ]);
    expect(events.at(-1)!.event_id).toBe(msg);
    // Client format: room_id, state_key only on state events, no PDU fields.
    expect(events[0]).toMatchObject({ room_id: room, state_key: "", sender: "@alice:hs1" });
    expect("state_key" in events.at(-1)!).toBe(false);
    expect("prev_events" in events[0]!).toBe(false);
  });

  it("rooms with an alias in the aliases namespace: from the directory or the canonical alias", () => {
    const { world, alice, service } = worldWithService(
      {},
      { namespaces: { aliases: [{ regex: "#_irc_.*:hs1", exclusive: false }] } },
    );
    const viaDirectory = alice.createRoom({ preset: "public_chat" }).value();
    const viaState = alice.createRoom({ preset: "public_chat" }).value();
    const neither = alice.createRoom({ preset: "public_chat" }).value();
    expect(alice.createAlias("#_irc_one:hs1", viaDirectory).value()).toBe("#_irc_one:hs1");
    alice
      .setState(viaState, "m.room.canonical_alias", "", { alias: "#elsewhere:hs2", alt_aliases: ["#_irc_two:hs1"] })
      .value();
    const m1 = alice.sendMessage(viaDirectory, "one").value();
    const m2 = alice.sendMessage(viaState, "two").value();
    alice.sendMessage(neither, "three").value();
    world.run(() => world.quiescent());
    expect(receivedIds(service)).toContain(m1);
    expect(receivedIds(service)).toContain(m2);
    expect(service.received.some((e) => e.room_id === neither)).toBe(false);
  });

  it("rooms where the sender user is joined; not before, not after it left", () => {
    const { world, alice, service } = worldWithService({}, { namespaces: {} });
    const room = alice.createRoom({ preset: "public_chat" }).value();
    const early = alice.sendMessage(room, "before the bot").value();
    const join = service.client().join(room).value();
    const seen = alice.sendMessage(room, "with the bot").value();
    const leave = service.client().leave(room).value();
    const late = alice.sendMessage(room, "after the bot").value();
    world.run(() => world.quiescent());
    expect(receivedIds(service)).toEqual([join, seen, leave]);
    expect(receivedIds(service)).not.toContain(early);
    expect(receivedIds(service)).not.toContain(late);
  });
});
