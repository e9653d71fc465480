// The servers with a joined member in a room's state: asked for every event a server
// sends (who to send it to) and for every request about the room. A state snapshot never
// changes, and where event ids are hashes (room versions 3+) an id fixes its event's
// membership (`membership` survives redaction, so it is part of the hash), so the answer
// is kept per snapshot. Versions 1-2 let the sender choose ids: those are computed each time.

import { contentOf, splitStateKey, type EventId, type Pdu } from "../../core/index.ts";
import type { RoomStore } from "./room-store.ts";
import type { StateSnapshot } from "./state-snapshot.ts";
import { serverPart } from "./wire.ts";

const bySnapshot = new WeakMap<StateSnapshot, readonly string[]>();

/** Servers with a joined member in `state` (sorted; a fresh array the caller may change). */
export function residentServers(room: RoomStore, state: StateSnapshot): string[] {
  const cacheable = room.version.eventIdFormat !== "opaque";
  const known = cacheable ? bySnapshot.get(state) : undefined;
  if (known) return [...known];
  let complete = true;
  const servers = new Set<string>();
  for (const [k, id] of state.entries()) {
    const { type, stateKey } = splitStateKey(k);
    if (type !== "m.room.member") continue;
    const pdu: Pdu | undefined = room.get(id as EventId)?.pdu;
    if (!pdu) complete = false;
    else if (contentOf(pdu, "m.room.member")?.membership === "join") servers.add(serverPart(stateKey));
  }
  const sorted = [...servers].sort();
  // An event not held yet may be held later: only a complete answer is kept.
  if (cacheable && complete) bySnapshot.set(state, Object.freeze([...sorted]));
  return sorted;
}
