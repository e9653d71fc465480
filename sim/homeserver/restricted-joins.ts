// Restricted joins (room versions 8+; knock_restricted 10+; spec: server-server-api.md
// "Restricted rooms", client-server-api "Restricted rooms"): a user may join a room whose
// join rule is `restricted` if they are joined to one of the rooms its `allow` list names
// (`m.room_membership`). Only a resident that can see that membership may vouch for it, and
// it does so by naming one of its users able to invite in the join's
// `join_authorised_via_users_server` and signing the join (the auth rules, core/, check
// both). Follows Synapse's EventAuthHandler.get_user_which_could_invite and
// check_restricted_join_rules.

import { contentOf, powerLevelField, splitStateKey, stateKey, userPowerLevel, type UserId } from "../../core/index.ts";
import type { RpcResponse } from "../network/rpc.ts";
import type { Homeserver } from "./homeserver.ts";
import type { RoomStore } from "./room-store.ts";
import { serverPart } from "./wire.ts";

const refusal = (status: number, errcode: string, error: string): RpcResponse => ({
  status,
  body: { errcode, error },
});

function currentPdu(room: RoomStore, type: string, key = "") {
  const id = room.currentState.get(stateKey(type, key));
  return id ? room.get(id)?.pdu : undefined;
}

/** Whether joining `room` needs an authorising server for `userId`: a restricted rule, and not already joined or invited. */
function needsAuthoriser(hs: Homeserver, room: RoomStore, userId: UserId): boolean {
  const rules = currentPdu(room, "m.room.join_rules");
  const rule = rules ? contentOf(rules, "m.room.join_rules")?.join_rule : undefined;
  const restricted =
    (room.version.auth.restrictedJoinRule && rule === "restricted") ||
    (room.version.auth.knockRestrictedJoinRule && rule === "knock_restricted");
  if (!restricted) return false;
  const membership = hs.membership(room, userId);
  return membership !== "join" && membership !== "invite";
}

/** The room ids of the join rule's `allow` list (entries of type m.room_membership). */
export function allowedRooms(room: RoomStore): string[] {
  const rules = currentPdu(room, "m.room.join_rules");
  const allow = rules?.content.allow;
  if (!Array.isArray(allow)) return [];
  return allow.flatMap((entry) =>
    typeof entry === "object" &&
    entry !== null &&
    !Array.isArray(entry) &&
    entry.type === "m.room_membership" &&
    typeof entry.room_id === "string"
      ? [entry.room_id]
      : [],
  );
}

/**
 * The local user to name as the join's authoriser: undefined when none is needed; else
 * the first (by id) of our joined users whose power reaches the invite level, or 400
 * M_UNABLE_TO_GRANT_JOIN when we have none (get_user_which_could_invite).
 */
export function authorisingUser(
  hs: Homeserver,
  room: RoomStore,
  userId: UserId,
): { ok: true; userId: UserId } | { ok: false; refusal: RpcResponse } | undefined {
  if (!needsAuthoriser(hs, room, userId)) return undefined;
  const powerLevels = currentPdu(room, "m.room.power_levels");
  const create = currentPdu(room, "m.room.create");
  const inviteLevel = powerLevelField(powerLevels?.content, "invite", room.version);
  const candidates = [...room.currentState.entries()]
    .map(([k]) => splitStateKey(k))
    .filter(({ type, stateKey: user }) => type === "m.room.member" && serverPart(user) === hs.name)
    .map(({ stateKey: user }) => user as UserId)
    .filter((user) => hs.membership(room, user) === "join")
    .filter((user) => userPowerLevel(user, powerLevels, create, room.version) >= inviteLevel)
    .sort();
  const chosen = candidates[0];
  return chosen !== undefined
    ? { ok: true, userId: chosen }
    : {
        ok: false,
        refusal: refusal(400, "M_UNABLE_TO_GRANT_JOIN", "Unable to find a user which could issue an invite"),
      };
}

/**
 * Why we will not vouch for `userId`'s restricted join, or undefined when we will (or none
 * is needed): they must be joined to an allowed room as we see it; when they are not and we
 * are not in every allowed room, we cannot tell (400 M_UNABLE_TO_AUTHORISE_JOIN, so the
 * joiner asks another resident); otherwise 403 (check_restricted_join_rules).
 */
export function restrictedJoinRefusal(hs: Homeserver, room: RoomStore, userId: UserId): RpcResponse | undefined {
  if (!needsAuthoriser(hs, room, userId)) return undefined;
  const allowed = allowedRooms(room);
  const member = allowed.some((id) => {
    const r = hs.room(id);
    return r !== undefined && hs.membership(r, userId) === "join";
  });
  if (member) return undefined;
  const blind = allowed.some((id) => {
    const r = hs.room(id);
    return r === undefined || !hs.serversInRoom(r).includes(hs.name);
  });
  if (serverPart(userId) !== hs.name && blind)
    return refusal(400, "M_UNABLE_TO_AUTHORISE_JOIN", `Unable to check if ${userId} is in allowed rooms.`);
  return refusal(403, "M_FORBIDDEN", "You do not belong to any of the required rooms/spaces to join this room.");
}
