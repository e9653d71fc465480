// What another server may see of a room's events when it asks for them (Synapse:
// synapse/visibility.py, filter_events_for_server). An event whose history visibility is
// "invited" or "joined" is shown in full only to a server with a user joined (or, for
// "invited", invited) in the state at the event; anyone else gets it redacted, so that
// the DAG stays whole while the content stays private. Outliers have no known state and
// are shown, as Synapse does; "shared" and "world_readable" are visible to any server
// the room answers at all (being in the room is checked before this).

import { contentOf, redactEvent, splitStateKey, stateKey, type EventId, type Pdu } from "../../core/index.ts";
import type { RoomStore, StoredEvent } from "./room-store.ts";
import { serverPart } from "./wire.ts";

/** The PDU as `server` may see it: whole, or redacted. */
export function pduForServer(room: RoomStore, event: StoredEvent, server: string): Pdu {
  return visibleToServer(room, event, server) ? event.pdu : redactEvent(event.pdu, room.version);
}

export function visibleToServer(room: RoomStore, event: StoredEvent, server: string): boolean {
  const state = event.stateAfter;
  if (!state) return true;
  const visibilityId = state.get(stateKey("m.room.history_visibility", ""));
  const visibilityEvent = visibilityId ? room.get(visibilityId)?.pdu : undefined;
  const visibility = visibilityEvent
    ? contentOf(visibilityEvent, "m.room.history_visibility")?.history_visibility
    : undefined;
  if (visibility !== "invited" && visibility !== "joined") return true;
  for (const [key, id] of state.entries()) {
    const { type, stateKey: user } = splitStateKey(key);
    if (type !== "m.room.member" || serverPart(user) !== server) continue;
    const member = room.get(id)?.pdu;
    const membership = member ? contentOf(member, "m.room.member")?.membership : undefined;
    if (membership === "join" || (membership === "invite" && visibility === "invited")) return true;
  }
  return false;
}

/** The same rule by event id (catch-up: which extremities a destination may be sent). */
export function eventVisibleToServer(room: RoomStore, eventId: EventId, server: string): boolean {
  const event = room.get(eventId);
  return event === undefined || visibleToServer(room, event, server);
}
