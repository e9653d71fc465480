// The client format of an event (spec: client-server-api "Room Event Format",
// data/api/client-server/definitions/client_event.yaml): what a homeserver puts in the
// `events` of an application-service transaction. Services tell state events from
// message events by the presence of `state_key` (transactions.yaml).

import { parseEventId, type EventId, type JsonObject, type Pdu, type RoomId, type UserId } from "../../core/index.ts";

// A type, not an interface: a type alias is a JsonObject as it stands, so it goes in a
// transaction body without a cast.
export type ClientEvent = {
  event_id: EventId;
  room_id: RoomId;
  type: string;
  sender: UserId;
  origin_server_ts: number;
  content: JsonObject;
  state_key?: string;
  /** For redactions: the redacted event (top level before v11, in content since). */
  redacts?: EventId;
  unsigned: JsonObject;
};

function redactsId(value: string): EventId | undefined {
  try {
    return parseEventId(value);
  } catch {
    return undefined;
  }
}

/** The client format of a stored event, as it stands now (later redactions do not change a copy already made). */
export function toClientEvent(roomId: RoomId, eventId: EventId, pdu: Pdu): ClientEvent {
  const redactsValue =
    typeof pdu.redacts === "string"
      ? pdu.redacts
      : typeof pdu.content.redacts === "string"
        ? pdu.content.redacts
        : undefined;
  const redacts = redactsValue === undefined ? undefined : redactsId(redactsValue);
  return {
    event_id: eventId,
    room_id: roomId,
    type: pdu.type,
    // A stored PDU passed the format check, whose sender is a user id.
    sender: pdu.sender as UserId,
    origin_server_ts: pdu.origin_server_ts,
    content: pdu.content,
    ...(typeof pdu.state_key === "string" ? { state_key: pdu.state_key } : {}),
    ...(redacts ? { redacts } : {}),
    unsigned: {},
  };
}
