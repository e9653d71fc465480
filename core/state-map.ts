// A room's state: `(type, state_key)` → event id. The composite key is a string so
// that Maps can hold it; it is length-prefixed so that no pair of strings collides,
// whatever characters a type or state key contains.

import type { EventId } from "./ids.ts";

export type StateKey = string & { readonly __stateKey: true };
export type StateMap = ReadonlyMap<StateKey, EventId>;

export function stateKey(type: string, key: string): StateKey {
  return `${type.length}:${type}${key}` as StateKey;
}

/**
 * stateKey, remembered: the same string object for the same pair. The authorization rules
 * and state resolution ask for the keys of the same users again and again (a member key
 * per check, per event); a remembered key is neither built nor hashed again when a Map
 * looks it up (V8 keeps a string's hash in the string), which was a share of every check
 * (issue 11). Bounded: when full it starts over (the answer never depends on it).
 */
export function internedStateKey(type: string, key: string): StateKey {
  let byKey = interned.get(type);
  if (byKey === undefined) interned.set(type, (byKey = new Map()));
  let k = byKey.get(key);
  if (k === undefined) {
    if (internedCount >= INTERNED_STATE_KEYS_MAX) {
      interned.clear();
      internedCount = 0;
      interned.set(type, (byKey = new Map()));
    }
    k = stateKey(type, key);
    byKey.set(key, k);
    internedCount++;
  }
  return k;
}

/** How many keys internedStateKey remembers before it starts over. */
export const INTERNED_STATE_KEYS_MAX = 1 << 17;
const interned = new Map<string, Map<string, StateKey>>();
let internedCount = 0;

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
