// What each destination has been sent and has acknowledged, as Synapse persists it for
// catch-up (synapse/storage/databases/main/transactions.py: the destination_rooms table and
// destinations.last_successful_stream_ordering): per destination and room, the newest event
// queued for it; per destination, the stream position of the last transaction it took.
// A crash keeps it (it is in the persisted record).

import type { EventId, RoomId } from "../../core/index.ts";

export interface QueuedMark {
  roomId: RoomId;
  eventId: EventId;
  stream: number;
}

interface DestinationLog {
  rooms: Map<RoomId, QueuedMark>;
  /** The highest stream of any room's mark (so owes() need not scan the rooms). */
  newestStream: number;
  /** Undefined until a transaction carrying PDUs succeeds. */
  lastSuccessfulStream: number | undefined;
}

export class DeliveryLog {
  private readonly byDestination = new Map<string, DestinationLog>();

  /** An event was queued for the destination. */
  queued(destination: string, mark: QueuedMark): void {
    let log = this.byDestination.get(destination);
    if (!log) {
      log = { rooms: new Map(), newestStream: 0, lastSuccessfulStream: undefined };
      this.byDestination.set(destination, log);
    }
    const previous = log.rooms.get(mark.roomId);
    if (!previous || previous.stream < mark.stream) log.rooms.set(mark.roomId, mark);
    log.newestStream = Math.max(log.newestStream, mark.stream);
  }

  /** A transaction was acknowledged: the destination has everything up to `stream`. */
  delivered(destination: string, stream: number): void {
    const log = this.byDestination.get(destination);
    if (log) log.lastSuccessfulStream = stream;
  }

  lastSuccessfulStream(destination: string): number | undefined {
    return this.byDestination.get(destination)?.lastSuccessfulStream;
  }

  /** Some room holds an event queued for the destination after its last successful transaction. */
  owes(destination: string): boolean {
    const log = this.byDestination.get(destination);
    return log !== undefined && log.newestStream > (log.lastSuccessfulStream ?? 0);
  }

  /** Destinations owed something, sorted. */
  owedDestinations(): string[] {
    // Asked on every pass of the wake-up loop (each minute of a long split, per server):
    // one array, and no sort (which copies) for one destination or none.
    const owed: string[] = [];
    for (const destination of this.byDestination.keys()) if (this.owes(destination)) owed.push(destination);
    return owed.length > 1 ? owed.sort() : owed;
  }

  /** The room to catch up next: the one whose queued event is the oldest after `afterStream`. */
  nextRoomAfter(destination: string, afterStream: number): QueuedMark | undefined {
    let next: QueuedMark | undefined;
    for (const mark of this.byDestination.get(destination)?.rooms.values() ?? [])
      if (mark.stream > afterStream && (!next || mark.stream < next.stream)) next = mark;
    return next;
  }
}
