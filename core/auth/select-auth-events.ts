// Which state an event's authorization depends on (server-server-api.md, "Auth events
// selection"): the create event (v1-v11), the power levels, the sender's membership,
// and for member events the target's membership, the join rules, the redeemed
// third-party invite and the authorising user's membership (v8+).

import type { EventId } from "../ids.ts";
import { isJsonObject, type JsonObject } from "../json.ts";
import type { RoomVersion } from "../room-versions.ts";
import { internedStateKey, stateKey, type StateKey, type StateMap } from "../state-map.ts";

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
  // a set and a sort (this runs for every event every server receives).
  if (event.type !== "m.room.member") {
    const member = internedStateKey("m.room.member", event.sender);
    return version.auth.roomIdFromCreateEvent ? [member, POWER_LEVELS_KEY] : [CREATE_KEY, member, POWER_LEVELS_KEY];
  }
  // A member event: built in sorted order, without a set and a sort (issue 11). The keys
  // sort as create ("13:m.room.create") < members ("13:m.room.member…", by user id) <
  // join rules ("17:…") < power levels ("19:…") < a third-party invite ("24:…").
  const members: StateKey[] = [internedStateKey("m.room.member", event.sender)];
  let joinRules = false;
  let invite: StateKey | undefined;
  if (typeof event.state_key === "string") {
    addMember(members, internedStateKey("m.room.member", event.state_key));
    const membership = event.content.membership;
    joinRules = membership === "join" || membership === "invite" || membership === "knock";
    const tpi = event.content.third_party_invite;
    if (
      membership === "invite" &&
      isJsonObject(tpi) &&
      isJsonObject(tpi.signed) &&
      typeof tpi.signed.token === "string"
    ) {
      invite = stateKey("m.room.third_party_invite", tpi.signed.token);
    }
    const via = event.content.join_authorised_via_users_server;
    // since v8: restricted joins also depend on the authorising user's membership.
    if (version.auth.restrictedJoinRule && membership === "join" && typeof via === "string")
      addMember(members, internedStateKey("m.room.member", via));
  }
  // v1-v11 only: v12 events never cite the create event (it is implied by room_id).
  const keys: StateKey[] = version.auth.roomIdFromCreateEvent ? members : [CREATE_KEY, ...members];
  if (joinRules) keys.push(JOIN_RULES_KEY);
  keys.push(POWER_LEVELS_KEY);
  if (invite !== undefined) keys.push(invite);
  return keys;
}

/** Inserts `key` into the sorted, distinct `members` in its place (at most three keys). */
function addMember(members: StateKey[], key: StateKey): void {
  let i = members.length;
  while (i > 0 && key < members[i - 1]!) i--;
  if (i > 0 && members[i - 1] === key) return;
  members.splice(i, 0, key);
}

const CREATE_KEY = stateKey("m.room.create", "");
const POWER_LEVELS_KEY = stateKey("m.room.power_levels", "");
const JOIN_RULES_KEY = stateKey("m.room.join_rules", "");

/** The event ids a new event must cite, taken from the state it is built on (sorted). */
export function selectAuthEvents(event: EventSkeleton, currentState: StateMap, roomVersion: RoomVersion): EventId[] {
  const ids: EventId[] = [];
  for (const key of authStateKeysFor(event, roomVersion)) {
    const id = currentState.get(key);
    if (id !== undefined) ids.push(id);
  }
  return [...new Set(ids)].sort();
}
