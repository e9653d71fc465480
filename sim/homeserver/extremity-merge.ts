// Which forward extremities a server's dummy event cites. A dummy event
// (org.matrix.dummy_event, as Synapse sends) exists only to merge extremities: without
// it, a room where more servers speak at once than an event may cite keeps every
// extremity that newest-first selection never reaches, and grows without end.
//
// The dummy follows the event that made the room wide (so that server's own timeline
// stays linear) and cites the oldest of the others: those are the ones ordinary events
// leave behind. Ties in depth are common (everyone spoke at once) and every server sees
// the same ones; broken the same way everywhere, every server would merge the same few
// and the rest would pile up. So ties are broken by a hash keyed on the server's name:
// concurrent servers merge different extremities and, together, all of them.

import type { EventId } from "../../core/index.ts";
import type { StoredEvent } from "./room-store.ts";

/** The event type of a merge event (Synapse's EventTypes.Dummy). */
export const DUMMY_EVENT_TYPE = "org.matrix.dummy_event";

/** What a dummy event after `justSent` cites: `justSent`, then up to `max - 1` of the oldest other extremities. */
export function dummyEventPrevs(
  server: string,
  justSent: StoredEvent,
  extremities: readonly StoredEvent[],
  max: number,
): StoredEvent[] {
  const others = extremities
    .filter((e) => e.id !== justSent.id)
    .map((e) => ({ e, tie: keyedHash(server, e.id) }))
    .sort((a, b) => a.e.pdu.depth - b.e.pdu.depth || a.tie - b.tie || (a.e.id < b.e.id ? -1 : a.e.id > b.e.id ? 1 : 0));
  return [justSent, ...others.slice(0, Math.max(0, max - 1)).map((o) => o.e)];
}

/** FNV-1a (32 bits) of the server's name and the event id: a fixed, per-server order. */
function keyedHash(server: string, id: EventId): number {
  let h = 0x811c9dc5;
  const text = `${server}\n${id}`;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
