// "Why is this the state?": run state resolution with { explain: true } on one server's
// copy of a room, over the states at its forward extremities (how the server got its
// current state) or at an event's prev events (the state before that event, e.g. a
// merge), with the same options the homeserver's store resolves with.

import { prevEventIds, resolveState, type EventId, type ResolutionExplanation } from "../../core/index.ts";
import type { World } from "../../sim/index.ts";

export interface ExplainRequest {
  room: string;
  server: string;
  /** Explain the state before this event (its prev events' states); default: the current state. */
  event?: string;
}

export type ExplainResult =
  | {
      ok: true;
      server: string;
      room: string;
      /** Whose states were resolved: the forward extremities, or the event's prev events. */
      of: "extremities" | "event";
      event?: string;
      stateSets: string[];
      explanation: ResolutionExplanation;
    }
  | { ok: false; reason: string };

export function explainState(world: World, req: ExplainRequest): ExplainResult {
  let room;
  try {
    room = world.server(req.server).room(req.room);
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  }
  if (!room) return { ok: false, reason: `${req.server} does not hold ${req.room}` };
  let ids: EventId[];
  if (req.event) {
    const stored = room.get(req.event as EventId);
    if (!stored) return { ok: false, reason: `${req.server} does not hold ${req.event}` };
    ids = prevEventIds(stored.pdu) as EventId[];
  } else {
    ids = room.extremityIds();
  }
  const states = [];
  for (const id of [...new Set(ids)].sort()) {
    const s = room.stateAfter(id);
    if (!s)
      return { ok: false, reason: `${req.server} does not know the state at ${id} (an outlier or a missing event)` };
    states.push(s);
  }
  if (states.length === 0) return { ok: false, reason: "nothing to resolve: no state sets" };
  const { explanation } = resolveState(room.version, states, room.fetch, {
    explain: true,
    isRejected: room.isRejected,
    authChains: room.authChains,
  });
  return {
    ok: true,
    server: req.server,
    room: req.room,
    of: req.event ? "event" : "extremities",
    ...(req.event ? { event: req.event } : {}),
    stateSets: [...new Set(ids)].sort(),
    explanation,
  };
}
