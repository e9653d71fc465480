// What a "synapse" catch-up sends a destination for one room
// (synapse/federation/sender/per_destination_queue.py, _catch_up_transmission_loop): the
// newest event queued for it in the room, if that is still a forward extremity; otherwise the
// room's forward extremities (the ones a new event would cite) that arrived after the
// destination's last successful transaction and that it may see, falling back to that
// newest event when none is left.

import type { QueuedMark } from "./delivery-log.ts";
import type { OutgoingPdu } from "./federation-sender.ts";
import type { RoomStore, StoredEvent } from "./room-store.ts";
import { eventVisibleToServer } from "./server-visibility.ts";

export function catchUpRoomPdus(
  room: RoomStore,
  mark: QueuedMark,
  destination: string,
  lastSuccessfulStream: number,
  extremitiesMax: number,
): OutgoingPdu[] {
  const queued = room.get(mark.eventId);
  if (!queued) return [];
  const extremities = room.newestExtremities(extremitiesMax);
  if (extremities.some((e) => e.id === queued.id)) return [outgoing(queued)];
  const newer = extremities.filter(
    (e) => e.stream >= lastSuccessfulStream && eventVisibleToServer(room, e.id, destination),
  );
  return (newer.length > 0 ? newer : [queued]).map(outgoing);
}

function outgoing(event: StoredEvent): OutgoingPdu {
  return { eventId: event.id, pdu: event.pdu, stream: event.stream };
}
