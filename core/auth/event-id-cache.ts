// The create event's id, needed by the first-join rule ("the only previous event is
// the m.room.create"). From v3 on it costs a hash, so it is remembered per event object.
// Where events come with ids of their own (a fixture's readable `$CREATE:foo`), those
// ids are adopted instead: within a fixture an event is what the fixture calls it, as
// Synapse and ruma take ids as given.

import type { Pdu } from "../events.ts";
import { computeEventId } from "../hashes.ts";
import type { EventId } from "../ids.ts";
import type { RoomVersion } from "../room-versions.ts";

const ids = new WeakMap<Pdu, EventId>();

export function createEventIdOf(create: Pdu, citingEvent: Pdu, version: RoomVersion): EventId {
  // since v12: the citing event's room id is the create event's id with another sigil.
  if (version.auth.roomIdFromCreateEvent && typeof citingEvent.room_id === "string") {
    return `$${citingEvent.room_id.slice(1)}` as EventId;
  }
  let id = ids.get(create);
  if (id === undefined) {
    id = computeEventId(create, version);
    ids.set(create, id);
  }
  return id;
}

/** Take `id` as this event's id from now on instead of its reference hash (fixtures only). */
export function adoptGivenEventId(pdu: Pdu, id: EventId): void {
  ids.set(pdu, id);
}
