// Which state an event's authorization depends on (server-server-api.md, "Auth events
// selection"): the create event (v1-v11), the power levels, the sender's membership,
// and for member events the target's membership, the join rules, the redeemed
// third-party invite and the authorising user's membership (v8+).

import type { EventId } from "../ids.ts";
import { isJsonObject, type JsonObject } from "../json.ts";
import type { RoomVersion } from "../room-versions.ts";
import { stateKey, type StateKey, type StateMap } from "../state-map.ts";

export interface EventSkeleton {
  type: string;
  state_key?: string;
  sender: string;
  content: JsonObject;
}

/** The (type, state_key) pairs the auth rules may consult for this event, sorted and distinct (checkAuthAgainstState relies on both). */
export function authStateKeysFor(event: EventSkeleton, version: RoomVersion): StateKey[] {
  if (event.type === "m.room.create") return [];
  // Any other type but a member event (most events): three keys, written in their sorted
  // order ("13:m.room.create" < "13:m.room.member…" < "19:m.room.power_levels"), without
  // the set and the sort below (this runs for every event every server receives).
  if (event.type !== "m.room.member") {
    const member = stateKey("m.room.member", event.sender);
    return version.auth.roomIdFromCreateEvent ? [member, POWER_LEVELS_KEY] : [CREATE_KEY, member, POWER_LEVELS_KEY];
  }
  const keys = new Set<StateKey>();
  // v1-v11 only: v12 events never cite the create event (it is implied by room_id).
  if (!version.auth.roomIdFromCreateEvent) keys.add(stateKey("m.room.create", ""));
  keys.add(stateKey("m.room.power_levels", ""));
  keys.add(stateKey("m.room.member", event.sender));
  if (event.type === "m.room.member" && typeof event.state_key === "string") {
    keys.add(stateKey("m.room.member", event.state_key));
    const membership = event.content.membership;
    if (membership === "join" || membership === "invite" || membership === "knock")
      keys.add(stateKey("m.room.join_rules", ""));
    const tpi = event.content.third_party_invite;
    if (
      membership === "invite" &&
      isJsonObject(tpi) &&
      isJsonObject(tpi.signed) &&
      typeof tpi.signed.token === "string"
    ) {
      keys.add(stateKey("m.room.third_party_invite", tpi.signed.token));
    }
    const via = event.content.join_authorised_via_users_server;
    // since v8: restricted joins also depend on the authorising user's membership.
    if (version.auth.restrictedJoinRule && membership === "join" && typeof via === "string")
      keys.add(stateKey("m.room.member", via));
  }
  return [...keys].sort();
}

const CREATE_KEY = stateKey("m.room.create", "");
const POWER_LEVELS_KEY = stateKey("m.room.power_levels", "");

/** The event ids a new event must cite, taken from the state it is built on (sorted). */
export function selectAuthEvents(event: EventSkeleton, currentState: StateMap, roomVersion: RoomVersion): EventId[] {
  const ids: EventId[] = [];
  for (const key of authStateKeysFor(event, roomVersion)) {
    const id = currentState.get(key);
    if (id !== undefined) ids.push(id);
  }
  return [...new Set(ids)].sort();
}
