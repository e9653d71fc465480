// Backfill (spec: GET /backfill): a server that joined late holds the room's state but
// not its history. When a client pages back past what the server holds, it asks a
// resident server for the events before its backward extremities — the prev events it
// does not have — and keeps them (as outliers: it does not know the state at them).

import { prevEventIds, type EventId } from "../../core/index.ts";
import { pduSummary } from "../trace.ts";
import type { Homeserver } from "./homeserver.ts";
import { validateFetched } from "./receive-pipeline.ts";
import type { RoomStore } from "./room-store.ts";
import { rpc, type Task } from "../tasks.ts";

/** Prev events the server cites but does not hold: where history continues. */
export function backwardExtremities(room: RoomStore): EventId[] {
  const missing = new Set<EventId>();
  for (const e of room.events.values()) {
    if (e.status === "rejected") continue;
    for (const p of prevEventIds(e.pdu)) if (!room.has(p)) missing.add(p);
  }
  return [...missing].sort();
}

/** Fetch up to `limit` earlier events from one of the room's other servers; returns how many were new. */
export function* backfillRoom(hs: Homeserver, room: RoomStore, limit: number): Task<number> {
  const from = backwardExtremities(room);
  if (from.length === 0) return 0;
  for (const server of hs.serversInRoom(room).filter((s) => s !== hs.name)) {
    const query = [...from.map((id) => `v=${encodeURIComponent(id)}`), `limit=${limit}`].join("&");
    const outcome = yield* rpc(server, {
      method: "GET",
      path: `/_matrix/federation/v1/backfill/${encodeURIComponent(room.roomId)}?${query}`,
    });
    if (!outcome.ok || outcome.status !== 200) continue;
    let added = 0;
    for (const raw of (outcome.body as { pdus?: unknown[] }).pdus ?? []) {
      const valid = yield* validateFetched(hs, room, server, raw);
      if (!valid || room.has(valid.id)) continue;
      room.addOutlier(valid.id, valid.pdu, hs.nextStream()).backfilled = true;
      hs.trace.add({
        kind: "pdu.outlier",
        server: hs.name,
        room: room.roomId,
        event: valid.id,
        backfilled: true,
        ...pduSummary(valid.pdu),
      });
      added++;
    }
    return added;
  }
  return 0;
}
