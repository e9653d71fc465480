// Filling the gap under a pushed PDU whose prev events we lack, with POST
// /get_missing_events to the server that sent it. Two ways (FederationParams.gapFilling):
//   synapse: one request (FederationEventHandler._get_missing_events_for_pdu): earliest =
//            our forward extremities and the PDU's prevs we already hold, limit
//            missingEventsLimit (10), min_depth = the room's minimum depth; nothing is
//            asked when the PDU is no deeper than that. The receive pipeline then refuses
//            the PDU if its prevs are still missing (FederationEventHandler.on_receive_pdu).
//   rounds:  netsplit 0.1: up to missingEventsRequestsMax requests, each asking below the
//            oldest events the last one gave; the pipeline then fetches the state at
//            whatever is still missing.
// Either way the events that come back go through the pipeline oldest first, as pulled
// events: a missing prev of theirs gets its state fetched instead of another gap fill.

import { prevEventIds, type EventId, type Pdu } from "../../core/index.ts";
import type { FederationParams } from "./federation-params.ts";
import type { RoomStore } from "./room-store.ts";
import { rpc, type Task } from "../tasks.ts";

const FEDERATION = "/_matrix/federation/v1";

/** Runs one fetched event through the receive pipeline as a pulled event. */
type ReceivePulled = (raw: unknown) => Task<unknown>;

/** One get_missing_events for the pushed PDU `id`, as Synapse asks it. */
export function* fetchMissingEventsOnce(
  params: FederationParams,
  room: RoomStore,
  origin: string,
  pdu: Pdu,
  id: EventId,
  receivePulled: ReceivePulled,
): Task<void> {
  const minDepth = roomMinDepth(room);
  if (minDepth === undefined || pdu.depth <= minDepth) return;
  const held = prevEventIds(pdu).filter((p) => room.stateAfter(p));
  const earliest = [...new Set([...room.extremityIds(), ...held])].sort();
  const events = yield* requestMissingEvents(origin, room, earliest, [id], params.missingEventsLimit, minDepth);
  for (const e of events ?? []) yield* receivePulled(e);
}

/** netsplit 0.1: up to missingEventsRequestsMax requests, each reaching below the last answer. */
export function* fetchMissingEventsInRounds(
  params: FederationParams,
  room: RoomStore,
  origin: string,
  id: EventId,
  receivePulled: ReceivePulled,
): Task<void> {
  let latest: EventId[] = [id];
  for (let request = 0; request < params.missingEventsRequestsMax && latest.length > 0; request++) {
    const extremities = room.extremityIds();
    const minDepth = extremities.reduce((least, x) => Math.min(least, room.get(x)!.pdu.depth), Number.MAX_SAFE_INTEGER);
    const events = yield* requestMissingEvents(
      origin,
      room,
      extremities,
      latest,
      params.missingEventsLimit,
      minDepth === Number.MAX_SAFE_INTEGER ? 0 : minDepth,
    );
    if (!events || events.length === 0) return;
    for (const e of events) yield* receivePulled(e);
    // Ask again for whatever is still missing below the oldest events we got.
    latest = [...new Set(events.flatMap((e) => (Array.isArray(e.prev_events) ? prevEventIds(e) : [])))]
      .filter((p) => !room.stateAfter(p))
      .sort();
  }
}

/** The request itself; the events it gave, oldest (least deep) first, or undefined when it failed. */
function* requestMissingEvents(
  origin: string,
  room: RoomStore,
  earliest: readonly EventId[],
  latest: readonly EventId[],
  limit: number,
  minDepth: number,
): Task<Pdu[] | undefined> {
  const outcome = yield* rpc(origin, {
    method: "POST",
    path: `${FEDERATION}/get_missing_events/${room.roomId}`,
    body: { earliest_events: [...earliest], latest_events: [...latest], limit, min_depth: minDepth },
  });
  if (!outcome.ok || outcome.status !== 200) return undefined;
  const events = ((outcome.body as { events?: unknown[] }).events ?? []) as Pdu[];
  return [...events].sort((a, b) => (a.depth ?? 0) - (b.depth ?? 0));
}

/**
 * The least depth of the events we hold with their state (Synapse's room_depth.min_depth,
 * kept for every event persisted as a non-outlier); undefined when there are none.
 */
export function roomMinDepth(room: RoomStore): number | undefined {
  let least: number | undefined;
  for (const e of room.events.values()) {
    if (e.stateBefore && (least === undefined || e.pdu.depth < least)) least = e.pdu.depth;
  }
  return least;
}
