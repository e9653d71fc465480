// POST /rooms/{roomId}/upgrade (spec: client-server-api/modules/room_upgrades.md, "Server
// behaviour"), as Synapse does it (synapse/handlers/room.py, `RoomCreationHandler.upgrade_room`,
// `_upgrade_room`, `clone_existing_room`, `_update_upgraded_room_pls`):
//   1. the user must be allowed to send m.room.tombstone in the old room;
//   2. the new room's create event names its `predecessor` (the old room, and for a new room
//      of v1-v11 the tombstone's event id: v12 room ids are the create event's hash, so that
//      create event is built before the tombstone and leaves event_id out, as the spec allows);
//   3. the transferable state is copied (Synapse's list), the power levels raising the
//      upgrader to the level every copied event needs, and bans carried over;
//   4. local aliases move to the new room;
//   5. the tombstone goes into the old room, and reaches other servers as any event does;
//   6. the old room's `events_default` and `invite` rise to max(50, users_default + 1), and
//      the new room's power levels become the old room's as they were.
// Everything is local, so it answers at once. Remote users join the new room themselves.

import {
  canonicalJson,
  contentOf,
  isJsonObject,
  parseRoomVersion,
  splitStateKey,
  stateKey,
  type JsonObject,
  type RoomId,
  type RoomVersion,
  type UserId,
} from "../../core/index.ts";
import { fail, ok, type Result } from "../matrix-error.ts";
import type { Homeserver } from "./homeserver.ts";
import { createRoomEvents } from "./room-presets.ts";
import type { RoomStore } from "./room-store.ts";

/** The state Synapse copies into the new room (`clone_existing_room`'s types_to_copy), in its order. */
export const TRANSFERABLE_STATE_TYPES = [
  "m.room.join_rules",
  "m.room.name",
  "m.room.topic",
  "m.room.history_visibility",
  "m.room.guest_access",
  "m.room.avatar",
  "m.room.encryption",
  "m.room.server_acl",
  "m.room.power_levels",
] as const;

export const TOMBSTONE_BODY = "This room has been replaced";

/** Upgrade a room the user's server is in to `newVersionId`; the new room's id. */
export function upgradeRoom(hs: Homeserver, userId: UserId, roomId: string, newVersionId: string): Result<RoomId> {
  const old = hs.room(roomId);
  if (!old) return fail("M_NOT_FOUND", `${hs.name} is not in room ${roomId}`);
  let version: RoomVersion;
  try {
    version = parseRoomVersion(newVersionId);
  } catch (e) {
    return fail("M_UNSUPPORTED_ROOM_VERSION", (e as Error).message);
  }
  const copied = transferableState(old);
  const oldPowerLevels = copied.get("m.room.power_levels");
  copied.delete("m.room.power_levels");
  const initialState = [...copied].map(([type, content]) => ({ type, state_key: "", content }));
  const clonedPowerLevels = oldPowerLevels && powerLevelsToClone(oldPowerLevels, userId, version);
  const create = (predecessor: JsonObject, newRoomId?: RoomId) =>
    createRoomEvents(
      hs,
      userId,
      {
        roomVersion: version.id,
        preset: "private_chat",
        initialState,
        creationContent: { ...inheritedCreateContent(old), predecessor },
      },
      { ...(newRoomId ? { roomId: newRoomId } : {}), ...(clonedPowerLevels ? { powerLevels: clonedPowerLevels } : {}) },
    );

  let newRoomId: RoomId;
  if (!version.auth.roomIdFromCreateEvent) {
    // v1-v11: the id comes first, so the tombstone can name it and the create event the tombstone.
    const chosen = hs.newRoomId();
    const tombstone = hs.prepareLocalEvent(old, tombstoneEvent(userId, chosen));
    if (!tombstone.ok) return tombstone;
    const created = create({ room_id: old.roomId, event_id: tombstone.value.eventId }, chosen);
    if (!created.ok) return created;
    newRoomId = created.value;
    transferBans(hs, old, newRoomId, userId);
    hs.commitLocalEvent(tombstone.value);
  } else {
    // since v12: the create event names the room, so it comes first. Checking the
    // tombstone's permission first builds one and throws it away (nothing is stored).
    const probe = hs.prepareLocalEvent(old, tombstoneEvent(userId, old.roomId));
    if (!probe.ok) return probe;
    const created = create({ room_id: old.roomId });
    if (!created.ok) return created;
    newRoomId = created.value;
    transferBans(hs, old, newRoomId, userId);
    const tombstone = hs.createLocalEvent(old, tombstoneEvent(userId, newRoomId));
    if (!tombstone.ok) return tombstone;
  }
  hs.directory.repoint(old.roomId, newRoomId);
  if (oldPowerLevels) {
    restrictOldRoom(hs, old, userId, oldPowerLevels);
    restorePowerLevels(hs, newRoomId, userId, oldPowerLevels, version);
  }
  return ok(newRoomId);
}

function tombstoneEvent(sender: UserId, replacement: string) {
  return {
    sender,
    type: "m.room.tombstone",
    stateKey: "",
    content: { body: TOMBSTONE_BODY, replacement_room: replacement },
  };
}

/** The current content of each transferable state event the old room has. */
function transferableState(room: RoomStore): Map<string, JsonObject> {
  const copied = new Map<string, JsonObject>();
  for (const type of TRANSFERABLE_STATE_TYPES) {
    const id = room.currentState.get(stateKey(type, ""));
    const pdu = id && room.get(id)?.pdu;
    if (pdu) copied.set(type, type === "m.room.power_levels" ? fixUpPowerLevels(pdu.content) : pdu.content);
  }
  return copied;
}

/** What the new create event takes from the old one: `type` (spec, since v1.4) and `m.federate: false` (Synapse). */
function inheritedCreateContent(room: RoomStore): JsonObject {
  const create = room.createEvent();
  const content = create ? (contentOf(create, "m.room.create") as JsonObject | undefined) : undefined;
  return {
    ...(content?.type !== undefined ? { type: content.type } : {}),
    ...(content?.["m.federate"] === false ? { "m.federate": false } : {}),
  };
}

/**
 * The old room's power levels with the upgrader raised, if need be, to the level every
 * copied event and ban needs (`clone_existing_room`), the creators taken out of `users`
 * in a room where creators outrank everyone (since v12).
 */
function powerLevelsToClone(pl: JsonObject, userId: UserId, version: RoomVersion): JsonObject {
  const users: JsonObject = { ...objectOr(pl.users) };
  const eventLevels = Object.values(objectOr(pl.events)).map((v) => levelOf(v, 0));
  const needed = Math.max(levelOf(pl.state_default, 50), levelOf(pl.ban, 50), ...eventLevels, 0);
  if (levelOf(users[userId], levelOf(pl.users_default, 0)) < needed) users[userId] = needed;
  if (version.auth.privilegedCreators) delete users[userId];
  return { ...pl, users };
}

/** After the upgrade the new room's power levels are the old room's (the upgrader's raise undone). */
function restorePowerLevels(
  hs: Homeserver,
  roomId: RoomId,
  userId: UserId,
  pl: JsonObject,
  version: RoomVersion,
): void {
  const users: JsonObject = { ...objectOr(pl.users) };
  if (version.auth.privilegedCreators) delete users[userId];
  const wanted = { ...pl, users };
  const room = hs.room(roomId)!;
  const currentId = room.currentState.get(stateKey("m.room.power_levels", ""));
  const current = currentId ? room.get(currentId)?.pdu.content : undefined;
  // Synapse drops a state event whose content equals the current one (deduplicate_state_event).
  if (current !== undefined && canonicalJson(current) === canonicalJson(wanted)) return;
  hs.createLocalEvent(room, { sender: userId, type: "m.room.power_levels", stateKey: "", content: wanted });
}

/** Raise `events_default` and `invite` in the old room to max(50, users_default + 1) (spec step 6). */
function restrictOldRoom(hs: Homeserver, room: RoomStore, userId: UserId, pl: JsonObject): void {
  const restricted = Math.max(levelOf(pl.users_default, 0) + 1, 50);
  const raised = { ...pl };
  for (const field of ["invite", "events_default"]) if (levelOf(pl[field], 0) < restricted) raised[field] = restricted;
  if (raised.invite === pl.invite && raised.events_default === pl.events_default) return;
  // Synapse logs and carries on when this is not allowed.
  hs.createLocalEvent(room, { sender: userId, type: "m.room.power_levels", stateKey: "", content: raised });
}

/** Each ban of the old room, sent again in the new one by the upgrader. */
function transferBans(hs: Homeserver, old: RoomStore, newRoomId: RoomId, userId: UserId): void {
  const room = hs.room(newRoomId)!;
  for (const [k, id] of [...old.currentState.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const { type, stateKey: target } = splitStateKey(k);
    const content = type === "m.room.member" ? old.get(id)?.pdu.content : undefined;
    if (content?.membership !== "ban") continue;
    hs.createLocalEvent(room, { sender: userId, type, stateKey: target, content });
  }
}

function objectOr(v: unknown): JsonObject {
  return isJsonObject(v) ? v : {};
}

/** A power level as a number: integers, and integer strings as rooms before v10 allow. */
function levelOf(v: unknown, fallback: number): number {
  if (typeof v === "number" && Number.isInteger(v)) return v;
  if (typeof v === "string" && /^[+-]?\d+$/.test(v.trim())) return Number(v.trim());
  return fallback;
}

const LEVEL_FIELDS = ["ban", "events_default", "invite", "kick", "redact", "state_default", "users_default"];
const LEVEL_MAPS = ["events", "notifications", "users"];

/**
 * Power levels as integers (Synapse's `copy_and_fixup_power_levels_contents`): a room before
 * v10 may hold "50" where a v10+ room must hold 50. Other fields are kept as they are.
 */
function fixUpPowerLevels(content: JsonObject): JsonObject {
  const fixed: JsonObject = { ...content };
  for (const field of LEVEL_FIELDS) if (typeof content[field] === "string") fixed[field] = levelOf(content[field], 0);
  for (const field of LEVEL_MAPS) {
    const map = content[field];
    if (isJsonObject(map)) fixed[field] = Object.fromEntries(Object.entries(map).map(([k, v]) => [k, levelOf(v, 0)]));
  }
  return fixed;
}
