// createRoom as the Client-Server API describes it (data/api/client-server/
// create_room.yaml): the create event, the creator's join, power levels, the preset's
// join rules / history visibility / guest access, initial_state, name and topic, in
// that order. Invites are sent afterwards by the client.

import { parseRoomId, parseRoomVersion, type JsonObject, type RoomId, type UserId } from "../../core/index.ts";
import type { Homeserver } from "./homeserver.ts";
import { fail, ok, type Result } from "../matrix-error.ts";

export type RoomPreset = "private_chat" | "trusted_private_chat" | "public_chat";

export interface CreateRoomOptions {
  roomVersion?: string;
  preset?: RoomPreset;
  visibility?: "public" | "private";
  name?: string;
  topic?: string;
  invite?: string[];
  creationContent?: JsonObject;
  initialState?: Array<{ type: string; state_key?: string; content: JsonObject }>;
  powerLevelContentOverride?: JsonObject;
}

/** Servers SHOULD create v12 rooms, keeping v11 for a transition (spec changelog v1.16). */
export const DEFAULT_ROOM_VERSION = "11";

const PRESETS: Record<RoomPreset, { join_rule: string; history_visibility: string; guest_access: string }> = {
  private_chat: { join_rule: "invite", history_visibility: "shared", guest_access: "can_join" },
  trusted_private_chat: { join_rule: "invite", history_visibility: "shared", guest_access: "can_join" },
  public_chat: { join_rule: "public", history_visibility: "shared", guest_access: "forbidden" },
};

/** The power levels a new room starts with (the defaults Synapse uses). */
export function defaultPowerLevels(
  creator: UserId,
  privilegedCreators: boolean,
  trustedInvitees: readonly string[],
): JsonObject {
  const users: JsonObject = {};
  // since v12: creators are never listed; they outrank everyone anyway.
  if (!privilegedCreators) {
    users[creator] = 100;
    for (const u of trustedInvitees) users[u] = 100;
  }
  return {
    users,
    users_default: 0,
    events: {
      "m.room.name": 50,
      "m.room.power_levels": 100,
      "m.room.history_visibility": 100,
      "m.room.canonical_alias": 50,
      "m.room.avatar": 50,
      // since v12: above state_default, so that by default only creators can upgrade.
      "m.room.tombstone": privilegedCreators ? 150 : 100,
      "m.room.server_acl": 100,
      "m.room.encryption": 100,
    },
    events_default: 0,
    state_default: 50,
    ban: 50,
    kick: 50,
    redact: 50,
    invite: 0,
  };
}

/** What an upgrade (room-upgrade.ts) fixes beyond a createRoom request's options. */
export interface RoomCloneOptions {
  /** v1-v11: the id chosen beforehand (the old room's tombstone names it before the room exists). */
  roomId?: RoomId;
  /** The whole power-levels content, instead of the defaults with an override (Synapse's initial_state). */
  powerLevels?: JsonObject;
}

export function createRoomEvents(
  hs: Homeserver,
  creator: UserId,
  options: CreateRoomOptions,
  clone: RoomCloneOptions = {},
): Result<RoomId> {
  let version;
  try {
    version = parseRoomVersion(options.roomVersion ?? DEFAULT_ROOM_VERSION);
  } catch (e) {
    return fail("M_UNSUPPORTED_ROOM_VERSION", (e as Error).message);
  }
  // A server configured with fewer versions creates rooms of those only (Synapse: KNOWN_ROOM_VERSIONS).
  if (!hs.roomVersions.includes(version.id))
    return fail("M_UNSUPPORTED_ROOM_VERSION", `${hs.name} does not support room version ${version.id}`);
  const preset = options.preset ?? (options.visibility === "public" ? "public_chat" : "private_chat");
  const trusted = preset === "trusted_private_chat" ? (options.invite ?? []) : [];
  const createContent: JsonObject = {
    ...options.creationContent,
    room_version: version.id,
    ...(version.auth.createRequiresCreator ? { creator } : {}),
    // since v12: trusted invitees become additional creators (MSC4289).
    ...(version.auth.privilegedCreators && trusted.length > 0 ? { additional_creators: [...trusted] } : {}),
  };
  // v1-v11: the server names the room; v12: the create event's hash does.
  const provisionalId = version.auth.roomIdFromCreateEvent ? undefined : (clone.roomId ?? hs.newRoomId());
  const room = hs.addRoom(provisionalId ?? parseRoomId(`!${"A".repeat(43)}`), version);
  const create = hs.prepareLocalEvent(room, {
    sender: creator,
    type: "m.room.create",
    stateKey: "",
    content: createContent,
  });
  if (!create.ok) {
    hs.rooms.delete(room.roomId);
    return create;
  }
  let target = room;
  if (!provisionalId) {
    hs.rooms.delete(room.roomId);
    target = hs.addRoom(
      create.value.pdu.room_id === undefined ? roomIdOf(create.value.eventId) : parseRoomId(create.value.pdu.room_id),
      version,
    );
    create.value.room = target;
  }
  hs.commitLocalEvent(create.value);
  const overridden = new Set((options.initialState ?? []).filter((e) => (e.state_key ?? "") === "").map((e) => e.type));
  const steps: Array<[string, string, JsonObject]> = [
    ["m.room.member", creator, { membership: "join" }],
    [
      "m.room.power_levels",
      "",
      clone.powerLevels ?? {
        ...defaultPowerLevels(creator, version.auth.privilegedCreators, trusted),
        ...options.powerLevelContentOverride,
      },
    ],
    // initial_state takes precedence over the preset: the preset's event is not sent at all
    // (Synapse's `_send_events_for_new_room`), rather than sent and then replaced.
    ...presetState(preset).filter(([type]) => !overridden.has(type)),
    ...(options.initialState ?? []).map((s): [string, string, JsonObject] => [s.type, s.state_key ?? "", s.content]),
    ...(options.name !== undefined
      ? [["m.room.name", "", { name: options.name }] as [string, string, JsonObject]]
      : []),
    ...(options.topic !== undefined
      ? [["m.room.topic", "", { topic: options.topic }] as [string, string, JsonObject]]
      : []),
  ];
  for (const [type, key, content] of steps) {
    const r = hs.createLocalEvent(target, { sender: creator, type, stateKey: key, content });
    if (!r.ok) return fail("M_INVALID_ROOM_STATE", `${type}: ${r.error.error}`);
  }
  return ok(target.roomId);
}

/** The join rules, history visibility and guest access a preset sets. */
function presetState(preset: RoomPreset): Array<[string, string, JsonObject]> {
  return [
    ["m.room.join_rules", "", { join_rule: PRESETS[preset].join_rule }],
    ["m.room.history_visibility", "", { history_visibility: PRESETS[preset].history_visibility }],
    ["m.room.guest_access", "", { guest_access: PRESETS[preset].guest_access }],
  ];
}

/** since v12: the room id is the create event's id with `!` for `$`. */
function roomIdOf(createEventId: string): RoomId {
  return parseRoomId(`!${createEventId.slice(1)}`);
}
