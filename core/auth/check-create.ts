// Rule 1: the m.room.create event (rooms/fragments/v1-auth-rules.md 1; rooms/v11.md,
// v12.md for the creator and additional_creators changes).

import type { Pdu } from "../events.ts";
import { parseUserId } from "../ids.ts";
import type { RoomVersion } from "../room-versions.ts";
import { parseRoomVersion } from "../room-versions.ts";
import { domainOf } from "./domains.ts";
import { ALLOW, deny, type AuthResult } from "./result.ts";
import type { RuleNumbers } from "./rule-numbers.ts";

export function checkCreate(event: Pdu, version: RoomVersion, rules: RuleNumbers): AuthResult {
  const r = rules.create;
  if (Array.isArray(event.prev_events) && event.prev_events.length > 0)
    return deny(r.prevEvents, "a create event has no prev_events");
  if (version.auth.roomIdFromCreateEvent) {
    // since v12: the room id is derived from this event, so it carries none.
    if (event.room_id !== undefined)
      return deny(r.roomId, "a create event carries no room_id (the room id is its hash)");
  } else if (domainOf(String(event.room_id ?? "")) !== domainOf(event.sender)) {
    return deny(r.roomId, "the room id's server must be the sender's server");
  }
  const declared = event.content.room_version;
  if (declared !== undefined) {
    try {
      if (typeof declared !== "string") throw new Error("not a string");
      // A custom version (a record the caller holds) recognises its own id.
      if (declared !== version.id) parseRoomVersion(declared);
    } catch {
      return deny(r.roomVersion, `room_version ${JSON.stringify(declared)} is not a recognised version`);
    }
  }
  // v1-v10 only: the creator is named in content.
  if (version.auth.createRequiresCreator && event.content.creator === undefined) {
    return deny(r.creatorOrAdditional!, "content has no creator");
  }
  // since v12: additional_creators must be a list of valid user ids.
  if (version.auth.privilegedCreators && event.content.additional_creators !== undefined) {
    const extra = event.content.additional_creators;
    if (!Array.isArray(extra) || !extra.every(isUserId)) {
      return deny(r.creatorOrAdditional!, "additional_creators must be an array of valid user ids");
    }
  }
  return ALLOW;
}

function isUserId(value: unknown): boolean {
  if (typeof value !== "string") return false;
  try {
    parseUserId(value);
    return true;
  } catch {
    return false;
  }
}
