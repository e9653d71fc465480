// Which forward extremities a new local event cites (FederationParams.prevEventsSelection).
// The width of the room DAG (its number of forward extremities) depends on this choice:
// newest-first leaves the oldest heads behind while many servers speak at once, a random
// subset reaches every head eventually, and citing all of them (up to the spec's 20)
// merges the DAG whenever a server has heard of everything (the case Jacob et al., IEEE
// Access 2021, model).

import type { Rng } from "../random.ts";
import { PDU_LIMITS } from "../../core/index.ts";
import type { FederationParams } from "./federation-params.ts";
import type { RoomStore, StoredEvent } from "./room-store.ts";

/** The prev events of a new event in `room`. `rng` is asked for only by the random selection. */
export function selectPrevEvents(
  room: RoomStore,
  params: Pick<FederationParams, "prevEventsSelection" | "prevEventsMax">,
  rng: () => Rng,
): StoredEvent[] {
  switch (params.prevEventsSelection) {
    case "newest":
      return room.newestExtremities(params.prevEventsMax);
    case "all":
      // The spec's cap: an event citing more is malformed, and every receiver rejects it.
      return room.newestExtremities(PDU_LIMITS.prevEventsMax);
    case "random":
      return randomSubset(room.newestExtremities(Number.MAX_SAFE_INTEGER), params.prevEventsMax, rng);
  }
}

/** Up to `max` of `heads` (newest first), each subset equally likely; the result newest first. */
function randomSubset(heads: StoredEvent[], max: number, rng: () => Rng): StoredEvent[] {
  if (heads.length <= max) return heads;
  // A partial Fisher-Yates shuffle over a copy in a fixed order (newest first, then by id).
  const pool = [...heads];
  const r = rng();
  for (let i = 0; i < max; i++) {
    const j = r.int(i, pool.length - 1);
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  const chosen = new Set(pool.slice(0, max));
  return heads.filter((e) => chosen.has(e));
}
