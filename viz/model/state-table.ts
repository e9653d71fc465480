// The room's current state on every server, side by side: one row per state key, one
// column per server that holds state for the room, the keys where servers disagree
// flagged, and for each server the others whose state differs from its own (the
// "divergent" badge on the network view).

import type { PduSummary } from "../../sim/trace.ts";
import { describeContent, describeKey, stateKeyRank } from "./describe.ts";
import type { LiveState } from "./live-state.ts";

export interface StateCell {
  eventId: string;
  text: string;
}

export interface StateRow {
  /** "type|state_key" */
  key: string;
  type: string;
  stateKey: string;
  label: string;
  /** server → its event for this key (null: the key is not in its state). */
  cells: Record<string, StateCell | null>;
  /** Not every server holds the same event here. */
  disagree: boolean;
}

export interface StateTable {
  room: string | null;
  servers: string[];
  rows: StateRow[];
  /** server → the servers whose state of the room differs from its own (sorted). */
  divergent: Record<string, string[]>;
}

export function stateTableAt(
  live: LiveState,
  room: string | null,
  lookup: (eventId: string) => PduSummary | undefined,
): StateTable {
  const byServer = room ? live.state.get(room) : undefined;
  if (!room || !byServer) return { room, servers: [], rows: [], divergent: {} };
  const servers = [...byServer.keys()].filter((s) => byServer.get(s)!.size > 0).sort();
  const keys = new Set<string>();
  for (const s of servers) for (const k of byServer.get(s)!.keys()) keys.add(k);
  const rows: StateRow[] = [];
  for (const key of keys) {
    const bar = key.indexOf("|");
    const type = key.slice(0, bar);
    const stateKey = key.slice(bar + 1);
    const cells: Record<string, StateCell | null> = {};
    const ids = new Set<string | null>();
    for (const s of servers) {
      const id = byServer.get(s)!.get(key) ?? null;
      ids.add(id);
      const e = id ? lookup(id) : undefined;
      cells[s] = id ? { eventId: id, text: e ? describeContent(e) : id.slice(0, 8) } : null;
    }
    rows.push({ key, type, stateKey, label: describeKey(type, stateKey), cells, disagree: ids.size > 1 });
  }
  rows.sort((a, b) => stateKeyRank(a.type) - stateKeyRank(b.type) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const divergent: Record<string, string[]> = {};
  for (const s of servers)
    divergent[s] = servers.filter((o) => o !== s && !sameState(byServer.get(s)!, byServer.get(o)!));
  return { room, servers, rows, divergent };
}

function sameState(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}
