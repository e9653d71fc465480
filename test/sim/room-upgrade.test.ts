// Issue 14, item 14: room upgrades (spec: client-server-api/modules/room_upgrades.md,
// "Server behaviour"; synapse/handlers/room.py `_upgrade_room`, `clone_existing_room`,
// `_update_upgraded_room_pls`).
import { describe, expect, it } from "vitest";
import { nodeCrypto } from "../../cli/node-crypto.ts";
import { computeEventId, stateKey, type JsonObject, type RoomId } from "../../core/index.ts";
import { World } from "../../sim/world.ts";
import type { Homeserver } from "../../sim/homeserver/homeserver.ts";

function stateOf(hs: Homeserver, roomId: string, type: string, key = ""): JsonObject | undefined {
  const room = hs.room(roomId)!;
  const id = room.currentState.get(stateKey(type, key));
  return id ? room.get(id)!.pdu.content : undefined;
}

function setUp(version = "10") {
  const w = new World({ seed: 14, crypto: nodeCrypto });
  w.addServer("hs1");
  w.addServer("hs2");
  const alice = w.addClient("@alice:hs1");
  const bob = w.addClient("@bob:hs2");
  const roomId = alice.createRoom({ preset: "public_chat", roomVersion: version, name: "old", topic: "t" }).value();
  bob.join(roomId, ["hs1"]);
  w.run(() => w.quiescent());
  return { w, alice, bob, roomId, hs1: w.server("hs1"), hs2: w.server("hs2") };
}

describe("upgradeRoom", () => {
  it("creates the new room with predecessor {room_id, event_id of the tombstone} and copies the transferable state", () => {
    const { w, alice, roomId, hs1 } = setUp("10");
    const extra: Array<[string, JsonObject]> = [
      ["m.room.avatar", { url: "mxc://hs1/a" }],
      ["m.room.encryption", { algorithm: "m.megolm.v1.aes-sha2" }],
      ["m.room.server_acl", { allow: ["*"], deny: ["evil"], allow_ip_literals: false }],
      ["m.room.history_visibility", { history_visibility: "joined" }],
      ["m.room.guest_access", { guest_access: "can_join" }],
      ["org.example.custom", { kept: false }],
    ];
    for (const [type, content] of extra) alice.setState(roomId, type, "", content).value();
    alice.ban(roomId, "@mallory:hs2", "spam").value();
    const newRoomId = alice.upgradeRoom(roomId, "11").value();
    w.run(() => w.quiescent());

    const create = hs1.room(newRoomId)!.createEvent()!;
    const tombstoneId = hs1.room(roomId)!.currentState.get(stateKey("m.room.tombstone", ""))!;
    expect(create.content).toEqual({
      room_version: "11",
      predecessor: { room_id: roomId, event_id: tombstoneId },
    });
    expect(hs1.room(newRoomId)!.version.id).toBe("11");
    expect(stateOf(hs1, roomId, "m.room.tombstone")).toEqual({
      body: "This room has been replaced",
      replacement_room: newRoomId,
    });
    for (const type of [
      "m.room.name",
      "m.room.topic",
      "m.room.join_rules",
      "m.room.avatar",
      "m.room.encryption",
      "m.room.server_acl",
      "m.room.history_visibility",
      "m.room.guest_access",
    ]) {
      expect({ type, content: stateOf(hs1, newRoomId, type) }).toEqual({ type, content: stateOf(hs1, roomId, type) });
    }
    // The copied join rules etc. replace the preset's: one event each, not the preset's then the copy.
    const joinRules = [...hs1.room(newRoomId)!.events.values()].filter((e) => e.pdu.type === "m.room.join_rules");
    expect(joinRules.map((e) => e.pdu.content)).toEqual([{ join_rule: "public" }]);
    // Not in Synapse's list: stays behind.
    expect(stateOf(hs1, newRoomId, "org.example.custom")).toBeUndefined();
    // Bans carry over; memberships do not.
    expect(stateOf(hs1, newRoomId, "m.room.member", "@mallory:hs2")).toEqual({ membership: "ban", reason: "spam" });
    expect(stateOf(hs1, newRoomId, "m.room.member", "@bob:hs2")).toBeUndefined();
    expect(stateOf(hs1, newRoomId, "m.room.member", "@alice:hs1")).toEqual({ membership: "join" });
  });

  it("restricts the old room's events_default and invite to max(50, users_default + 1); the new room keeps the old levels", () => {
    const { w, alice, roomId, hs1 } = setUp("10");
    const before = stateOf(hs1, roomId, "m.room.power_levels")!;
    alice.setState(roomId, "m.room.power_levels", "", { ...before, users_default: 60 }).value();
    const oldLevels = stateOf(hs1, roomId, "m.room.power_levels")!;
    const newRoomId = alice.upgradeRoom(roomId, "11").value();
    w.run(() => w.quiescent());
    expect(stateOf(hs1, roomId, "m.room.power_levels")).toEqual({ ...oldLevels, events_default: 61, invite: 61 });
    expect(stateOf(hs1, newRoomId, "m.room.power_levels")).toEqual(oldLevels);
  });

  it("leaves levels already at or above the restriction as they are", () => {
    const { alice, roomId, hs1 } = setUp("10");
    const before = stateOf(hs1, roomId, "m.room.power_levels")!;
    alice.setState(roomId, "m.room.power_levels", "", { ...before, events_default: 75, invite: 20 }).value();
    alice.upgradeRoom(roomId, "11").value();
    expect(stateOf(hs1, roomId, "m.room.power_levels")).toMatchObject({ events_default: 75, invite: 50 });
  });

  it("to v12: the create event comes first, so predecessor has no event_id; the room id is its hash; creators leave the users map", () => {
    const { w, alice, roomId, hs1 } = setUp("11");
    const newRoomId = alice.upgradeRoom(roomId, "12").value();
    w.run(() => w.quiescent());
    const room = hs1.room(newRoomId)!;
    const create = room.createEvent()!;
    expect(create.content).toEqual({ room_version: "12", predecessor: { room_id: roomId } });
    expect(newRoomId).toBe(`!${computeEventId(create, room.version, nodeCrypto).slice(1)}`);
    expect(Object.keys(stateOf(hs1, newRoomId, "m.room.power_levels")!.users as JsonObject)).not.toContain(
      "@alice:hs1",
    );
    expect(stateOf(hs1, roomId, "m.room.tombstone")!.replacement_room).toBe(newRoomId);
  });

  it("copies the old create event's type (spec, since v1.4)", () => {
    const w = new World({ seed: 14, crypto: nodeCrypto });
    w.addServer("hs1");
    const alice = w.addClient("@alice:hs1");
    const space = alice.createRoom({ roomVersion: "10", creationContent: { type: "m.space" } }).value();
    const next = alice.upgradeRoom(space, "11").value();
    expect(w.server("hs1").room(next)!.createEvent()!.content.type).toBe("m.space");
  });

  it("moves the room's local aliases to the new room", () => {
    const { alice, roomId, hs1 } = setUp("10");
    alice.createAlias("#chat:hs1", roomId).value();
    const newRoomId = alice.upgradeRoom(roomId, "11").value();
    expect(hs1.directory.get("#chat:hs1")).toBe(newRoomId);
  });

  it("needs the power to send m.room.tombstone: M_FORBIDDEN, and nothing is created", () => {
    const { w, roomId, hs1 } = setUp("10");
    const carol = w.addClient("@carol:hs1");
    carol.join(roomId).value();
    const roomsBefore = hs1.rooms.size;
    const refused = carol.upgradeRoom(roomId, "11").result!;
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.error.errcode).toBe("M_FORBIDDEN");
    expect(hs1.rooms.size).toBe(roomsBefore);
    expect(stateOf(hs1, roomId, "m.room.tombstone")).toBeUndefined();
  });

  it("an unknown room version is M_UNSUPPORTED_ROOM_VERSION; an unknown room M_NOT_FOUND", () => {
    const { alice, roomId } = setUp("10");
    const bad = alice.upgradeRoom(roomId, "99").result!;
    expect(!bad.ok && bad.error.errcode).toBe("M_UNSUPPORTED_ROOM_VERSION");
    const missing = alice.upgradeRoom("!nowhere:hs1", "11").result!;
    expect(!missing.ok && missing.error.errcode).toBe("M_NOT_FOUND");
  });

  it("over federation: the remote server receives the tombstone, its user's sync shows it, and the user can join the new room", () => {
    const { w, alice, bob, roomId, hs2 } = setUp("10");
    const since = bob.sync().nextBatch;
    const newRoomId: RoomId = alice.upgradeRoom(roomId, "11").value();
    w.run(() => w.quiescent());
    expect(stateOf(hs2, roomId, "m.room.tombstone")).toEqual({
      body: "This room has been replaced",
      replacement_room: newRoomId,
    });
    const timeline = bob.sync(since).join[roomId]!.timeline;
    expect(timeline.find((e) => e.type === "m.room.tombstone")?.content.replacement_room).toBe(newRoomId);
    // The old room is closed to plain members now: events_default is 50.
    const refused = bob.sendMessage(roomId, "still here?").result!;
    expect(!refused.ok && refused.error.errcode).toBe("M_FORBIDDEN");
    // The spec: join with the tombstone sender's server as via.
    bob.join(newRoomId, ["hs1"]);
    w.run(() => w.quiescent());
    expect(hs2.membership(hs2.room(newRoomId)!, "@bob:hs2")).toBe("join");
    expect(hs2.room(newRoomId)!.createEvent()!.content.predecessor).toMatchObject({ room_id: roomId });
  });
});
