// May a server see an event? The history-visibility rule for servers (spec: Client-Server
// API, "History visibility"; Synapse: synapse/visibility.py, filter_events_for_server and
// event_visible_to_server): with "shared" or "world_readable" history every server may;
// with "invited" or "joined" only a server with a member joined (or, for "invited",
// invited) in the state at the event. Outliers have no known state, so are visible, as in
// Synapse.

import { contentOf, splitStateKey, stateKey, type EventId } from "../../core/index.ts";
import type { RoomStore } from "./room-store.ts";
import { serverPart } from "./wire.ts";

export function eventVisibleToServer(room: RoomStore, eventId: EventId, server: string): boolean {
  const state = room.stateAfter(eventId);
  if (!state) return true;
  const visibilityId = state.get(stateKey("m.room.history_visibility", ""));
  const visibilityPdu = visibilityId ? room.get(visibilityId)?.pdu : undefined;
  const visibility =
    (visibilityPdu && contentOf(visibilityPdu, "m.room.history_visibility")?.history_visibility) ?? "shared";
  if (visibility !== "invited" && visibility !== "joined") return true;
  for (const [key, id] of state.entries()) {
    const { type, stateKey: member } = splitStateKey(key);
    if (type !== "m.room.member" || serverPart(member) !== server) continue;
    const pdu = room.get(id)?.pdu;
    const membership = pdu ? contentOf(pdu, "m.room.member")?.membership : undefined;
    if (membership === "join") return true;
    if (membership === "invite" && visibility === "invited") return true;
  }
  return false;
}
