// Mainline ordering (spec: rooms/fragments/v2-state-res.md "Mainline ordering"), used by
// step 3 to order the conflicted events that are not power events.

import type { Pdu } from "../events.ts";
import type { EventId } from "../ids.ts";
import type { RoomVersion } from "../room-versions.ts";
import { compareEventIds, effectiveAuthEventIds, isPowerLevelsEvent, mustFetch } from "./event-lookup.ts";
import type { FetchEvent } from "./types.ts";

/** The longest chain of PL events a mainline walk may follow before we call the input broken. */
export const MAINLINE_WALK_MAX = 1_000_000;

/** The `m.room.power_levels` event among an event's auth events, if it cites one. */
export function citedPowerLevels(pdu: Pdu, version: RoomVersion, fetchEvent: FetchEvent): EventId | undefined {
  for (const id of effectiveAuthEventIds(pdu, version)) {
    if (isPowerLevelsEvent(mustFetch(fetchEvent, id))) return id;
  }
  return undefined;
}

/**
 * The mainline of P: [P0 = P, P1, ..., Pn], each the PL event cited by the one before,
 * newest first. Empty when there is no P. `citedOf` answers citedPowerLevels for an
 * event id (resolution passes its memoised one, which the positions reuse).
 */
export function mainline(
  powerLevels: EventId | undefined,
  version: RoomVersion,
  fetchEvent: FetchEvent,
  citedOf: (id: EventId) => EventId | undefined = (id) =>
    citedPowerLevels(mustFetch(fetchEvent, id), version, fetchEvent),
): EventId[] {
  const out: EventId[] = [];
  const seen = new Set<EventId>();
  for (let p = powerLevels; p !== undefined; p = citedOf(p)) {
    if (seen.has(p)) throw new Error(`mainline: power-levels events cite each other in a cycle at ${p}`);
    if (out.length >= MAINLINE_WALK_MAX)
      throw new Error(`mainline: longer than MAINLINE_WALK_MAX (${MAINLINE_WALK_MAX})`);
    seen.add(p);
    out.push(p);
  }
  return out;
}

/**
 * Mainline positions relative to one mainline, memoised: the position of every PL event
 * met on a walk is remembered, so each PL event is walked past at most once per mainline.
 * `Infinity` stands for the spec's ∞ (no PL event of the mainline in the chain).
 */
export class MainlinePositions {
  private readonly onMainline = new Map<EventId, number>();
  /** PL event → the position an event citing it gets. */
  private readonly memo = new Map<EventId, number>();

  /** `citedOf` answers citedPowerLevels for an event id (resolution passes its memoised one). */
  private readonly citedOf: (id: EventId) => EventId | undefined;

  constructor(
    mainlineEvents: readonly EventId[],
    version: RoomVersion,
    fetchEvent: FetchEvent,
    citedOf?: (id: EventId) => EventId | undefined,
  ) {
    mainlineEvents.forEach((id, i) => this.onMainline.set(id, i));
    this.citedOf = citedOf ?? ((id) => citedPowerLevels(mustFetch(fetchEvent, id), version, fetchEvent));
  }

  /**
   * The position of e: the index i of the first e_j (j ≥ 1: e itself is not considered)
   * on the mainline, following the PL events cited from e downwards.
   */
  positionOf(id: EventId): number {
    return this.positionOfPowerLevels(this.citedOf(id));
  }

  /** The position an event citing PL event `p` gets (Infinity when p is undefined). */
  private positionOfPowerLevels(start: EventId | undefined): number {
    const path: EventId[] = [];
    const inPath = new Set<EventId>();
    let p = start;
    let found = Number.POSITIVE_INFINITY;
    while (p !== undefined) {
      const onMainline = this.onMainline.get(p);
      if (onMainline !== undefined) {
        found = onMainline;
        break;
      }
      const known = this.memo.get(p);
      if (known !== undefined) {
        found = known;
        break;
      }
      if (inPath.has(p)) throw new Error(`mainline position: power-levels events cite each other in a cycle at ${p}`);
      if (path.length >= MAINLINE_WALK_MAX)
        throw new Error(`mainline position: walk longer than MAINLINE_WALK_MAX (${MAINLINE_WALK_MAX})`);
      path.push(p);
      inPath.add(p);
      p = this.citedOf(p);
    }
    for (const q of path) this.memo.set(q, found);
    return found;
  }
}

export interface MainlineSortKey {
  eventId: EventId;
  /** Infinity for ∞. */
  mainlinePosition: number;
  originServerTs: number;
}

/** x < y in the mainline ordering: greater position first (∞ first), then earlier ts, then id. */
export function mainlineOrderLess(x: MainlineSortKey, y: MainlineSortKey): boolean {
  if (x.mainlinePosition !== y.mainlinePosition) return x.mainlinePosition > y.mainlinePosition;
  if (x.originServerTs !== y.originServerTs) return x.originServerTs < y.originServerTs;
  return compareEventIds(x.eventId, y.eventId) < 0;
}

/** mainlineOrderLess as a comparator, each key compared once. */
function compareMainline(x: MainlineSortKey, y: MainlineSortKey): number {
  if (x.mainlinePosition !== y.mainlinePosition) return x.mainlinePosition > y.mainlinePosition ? -1 : 1;
  if (x.originServerTs !== y.originServerTs) return x.originServerTs < y.originServerTs ? -1 : 1;
  return compareEventIds(x.eventId, y.eventId);
}

/** The events in mainline ordering based on the mainline the positions were built from. */
export function mainlineOrdering(
  events: readonly EventId[],
  positions: MainlinePositions,
  fetchEvent: FetchEvent,
): MainlineSortKey[] {
  const keys = events.map((eventId) => ({
    eventId,
    mainlinePosition: positions.positionOf(eventId),
    originServerTs: mustFetch(fetchEvent, eventId).origin_server_ts,
  }));
  return keys.sort(compareMainline);
}
