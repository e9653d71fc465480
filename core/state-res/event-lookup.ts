// Small facts about events that every step of state resolution asks: fetching one (a
// missing event is bad input), its state key, its auth events (with the create event
// that room version 12 implies), whether it is a power event, and id order.

import { compareCodePoints } from "../canonical-json.ts";
import type { EventRef, FetchEvent, Pdu } from "../events.ts";
import { authEventIds, isStateEvent } from "../events.ts";
import type { EventId } from "../ids.ts";
import type { RoomVersion } from "../room-versions.ts";
import type { StateKey } from "../state-map.ts";
import { internedStateKey, stateKey } from "../state-map.ts";

/** The event, or an Error naming the id: resolution cannot proceed without it. */
export function mustFetch(fetchEvent: FetchEvent, id: EventId): Pdu {
  const pdu = fetchEvent(id);
  if (pdu === undefined) throw new Error(`state resolution: event ${id} is not available from fetchEvent`);
  return pdu;
}

/** A fetch that remembers what it found, for one resolution. */
export function memoFetch(fetchEvent: FetchEvent): FetchEvent {
  const seen = new Map<EventId, Pdu | undefined>();
  return (id) => {
    if (seen.has(id)) return seen.get(id);
    const pdu = fetchEvent(id);
    seen.set(id, pdu);
    return pdu;
  };
}

/** The `(type, state_key)` of a state event; anything else is bad input here. */
export function stateKeyOfEvent(pdu: Pdu, id: EventId): StateKey {
  if (!isStateEvent(pdu)) throw new Error(`state resolution: ${id} is not a state event (no state_key)`);
  return internedStateKey(pdu.type, pdu.state_key);
}

export const CREATE_KEY: StateKey = stateKey("m.room.create", "");
export const POWER_LEVELS_KEY: StateKey = stateKey("m.room.power_levels", "");

export function isCreateEvent(pdu: Pdu): boolean {
  return pdu.type === "m.room.create" && pdu.state_key === "";
}

export function isPowerLevelsEvent(pdu: Pdu): boolean {
  return pdu.type === "m.room.power_levels" && pdu.state_key === "";
}

/**
 * since v12: the create event a non-create event implies through its `room_id` (the room
 * id is the create event's id with `!` for `$`, rooms/v12.md "Room IDs"). Undefined in
 * earlier versions, for the create event itself, or when there is no usable room_id.
 */
export function impliedCreateEventId(pdu: Pdu, version: RoomVersion): EventId | undefined {
  if (!version.auth.roomIdFromCreateEvent || isCreateEvent(pdu)) return undefined;
  const roomId = pdu.room_id;
  if (typeof roomId !== "string" || !roomId.startsWith("!") || roomId.length < 2) return undefined;
  return `$${roomId.slice(1)}` as EventId;
}

/**
 * The event's auth events as state resolution follows them. since v12 the create event
 * is never cited but implied by `room_id`; like Synapse (rust/src/events/formats/v4.rs
 * `auth_event_ids`) we add it, so that auth chains, sender power levels and the fallback
 * of the iterative auth checks all see it.
 */
export function effectiveAuthEventIds(pdu: Pdu, version: RoomVersion): readonly EventId[] {
  const implied = impliedCreateEventId(pdu, version);
  // v3+ references are plain ids: the event's own list, unless v12 adds the create event.
  // Not copied: every step asks this of thousands of events (issue 11), so read only.
  const refs = pdu.auth_events;
  if (implied === undefined && allPlainIds(refs)) return refs;
  const ids = authEventIds(pdu);
  if (implied !== undefined && !ids.includes(implied)) ids.push(implied);
  return ids;
}

function allPlainIds(refs: readonly EventRef[]): refs is readonly EventId[] {
  for (const ref of refs) if (typeof ref !== "string") return false;
  return true;
}

/**
 * Power event (spec: v2 state resolution, "Power events"): a power-levels or join-rules
 * state event, or a kick or ban (membership leave/ban with sender ≠ state_key).
 * `createIsPowerEvent` adds `m.room.create`, as Synapse and ruma do.
 */
export function isPowerEvent(pdu: Pdu, options: { createIsPowerEvent: boolean }): boolean {
  if (pdu.state_key === "" && (pdu.type === "m.room.power_levels" || pdu.type === "m.room.join_rules")) return true;
  if (options.createIsPowerEvent && isCreateEvent(pdu)) return true;
  if (pdu.type === "m.room.member" && typeof pdu.state_key === "string") {
    const membership = pdu.content.membership;
    return (membership === "leave" || membership === "ban") && pdu.sender !== pdu.state_key;
  }
  return false;
}

/**
 * Event ids compared as strings: by code point, as Synapse (Python str) and ruma (Rust
 * str) compare them. For v4+ ids (ASCII) this is plain code-unit order.
 */
export function compareEventIds(a: string, b: string): number {
  return a === b ? 0 : compareCodePoints(a, b);
}

export function sortedIds(ids: Iterable<EventId>): EventId[] {
  return sortIds([...ids]);
}

/** Code units from which code-unit order and code-point order may part (surrogates and above). */
const HIGH_CODE_UNIT = /[\ud800-\uffff]/;

/**
 * Sorts `ids` in place by compareEventIds. Ids with no code unit at or above U+D800 (every
 * v3+ id, every readable fixture id) sort the same by code unit, which the engine's own
 * comparison does without calling back into a comparator for each pair: sorting thousands
 * of ids per resolution that way was a tenth of a small one (issue 11).
 */
export function sortIds<T extends string>(ids: T[]): T[] {
  for (const id of ids) if (HIGH_CODE_UNIT.test(id)) return ids.sort(compareEventIds);
  return ids.sort();
}
