// Federation bodies as JSON, both ways. It exists so that handlers and requests neither
// cast a Pdu to put it on the wire nor cast what arrives to branded ids: a Pdu goes out
// through pduToJson, and ids in a request are parsed here, at the boundary (what does
// not follow the grammar is left out, as an unknown id would be).

import {
  isJsonObject,
  parseEventId,
  parseRoomId,
  parseUserId,
  type EventId,
  type JsonObject,
  type JsonValue,
  type Pdu,
  type RoomId,
  type UserId,
} from "../../core/index.ts";

/** A PDU as the JSON object it is on the wire (the Pdu type is JSON already: this names the step). */
export function pduToJson(pdu: Pdu): JsonObject {
  return pdu;
}

/** The event ids in a JSON list (a request's `latest_events`, `v=` parameters…), in order. */
export function eventIdsIn(value: JsonValue | readonly string[] | undefined): EventId[] {
  if (!Array.isArray(value)) return [];
  const out: EventId[] = [];
  for (const v of value) {
    const id = typeof v === "string" ? tryParse(parseEventId, v) : undefined;
    if (id) out.push(id);
  }
  return out;
}

export function eventIdOrUndefined(value: string | null | undefined): EventId | undefined {
  return typeof value === "string" ? tryParse(parseEventId, value) : undefined;
}

export function userIdOrUndefined(value: JsonValue | undefined): UserId | undefined {
  return typeof value === "string" ? tryParse(parseUserId, value) : undefined;
}

export function roomIdOrUndefined(value: string | undefined): RoomId | undefined {
  return typeof value === "string" ? tryParse(parseRoomId, value) : undefined;
}

/** The server part of a user id as it appears in a PDU (checked against the sender's origin). */
export function serverPart(userId: string): string {
  return userId.slice(userId.indexOf(":") + 1);
}

/** A JSON object field, or an empty object when absent or not an object. */
export function objectIn(value: JsonValue | undefined): JsonObject {
  return isJsonObject(value) ? value : {};
}

function tryParse<T>(parse: (value: string) => T, value: string): T | undefined {
  try {
    return parse(value);
  } catch {
    return undefined;
  }
}
