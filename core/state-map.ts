// A room's state: `(type, state_key)` → event id. The composite key is a string so
// that Maps can hold it; it is length-prefixed so that no pair of strings collides,
// whatever characters a type or state key contains.

import type { EventId } from "./ids.ts";

export type StateKey = string & { readonly __stateKey: true };
export type StateMap = ReadonlyMap<StateKey, EventId>;

export function stateKey(type: string, key: string): StateKey {
  return `${type.length}:${type}${key}` as StateKey;
}

export function splitStateKey(k: StateKey): { type: string; stateKey: string } {
  const colon = k.indexOf(":");
  const length = Number(k.slice(0, colon));
  return { type: k.slice(colon + 1, colon + 1 + length), stateKey: k.slice(colon + 1 + length) };
}

/** A state map from `{type, state_key}` pairs (later entries win). */
export function stateMapOf(
  entries: Iterable<{ type: string; state_key?: string; event_id: string }>,
): Map<StateKey, EventId> {
  const map = new Map<StateKey, EventId>();
  for (const e of entries) {
    if (typeof e.state_key !== "string") throw new Error(`${e.event_id} is not a state event (no state_key)`);
    map.set(stateKey(e.type, e.state_key), e.event_id as EventId);
  }
  return map;
}

/** `{type: {state_key: event_id}}` with sorted keys: the readable, JSON-able form. */
export function stateMapToObject(state: StateMap): Record<string, Record<string, EventId>> {
  const out: Record<string, Record<string, EventId>> = {};
  const keys = [...state.keys()].map((k) => ({ k, ...splitStateKey(k) }));
  keys.sort((a, b) =>
    a.type < b.type ? -1 : a.type > b.type ? 1 : a.stateKey < b.stateKey ? -1 : a.stateKey > b.stateKey ? 1 : 0,
  );
  for (const { k, type, stateKey: sk } of keys) (out[type] ??= {})[sk] = state.get(k)!;
  return out;
}
