// Backfill (spec: GET /backfill): a server that joined late holds the room's state but
// not its history. When a client pages back past what the server holds, it asks a
// resident server for the events before its backward extremities — the prev events it
// does not have. Two ways (FederationParams.backfill):
//   synapse: FederationHandler._maybe_backfill_inner and FederationEventHandler.backfill:
//            backfillEventsLimit (100) events, asked of the servers in the room longest
//            first (get_current_hosts_in_room_ordered: the least deep current join), the
//            first that answers wins; each event goes through the receive pipeline
//            oldest first and is stored with its state (an outlier we held is promoted),
//            as history that moves neither the extremities nor the current state.
//   outliers: netsplit 0.1: the client's page size, asked of the servers in name order,
//            kept as outliers (without the state at them).

import { contentOf, prevEventIds, splitStateKey, type EventId, type Pdu } from "../../core/index.ts";
import { pduSummary } from "../trace.ts";
import type { Homeserver } from "./homeserver.ts";
import { receivePdu, validateFetched } from "./receive-pipeline.ts";
import type { RoomStore } from "./room-store.ts";
import { rpc, type Task } from "../tasks.ts";
import { serverPart } from "./wire.ts";

/** Prev events the server cites but does not hold: where history continues. */
export function backwardExtremities(room: RoomStore): EventId[] {
  const missing = new Set<EventId>();
  for (const e of room.events.values()) {
    if (e.status === "rejected") continue;
    for (const p of prevEventIds(e.pdu)) if (!room.has(p)) missing.add(p);
  }
  return [...missing].sort();
}

/** Fetch earlier events from one of the room's other servers; returns how many were new. `limit`: the client's page size. */
export function* backfillRoom(hs: Homeserver, room: RoomStore, limit: number): Task<number> {
  const from = backwardExtremities(room);
  if (from.length === 0) return 0;
  const synapse = hs.params.backfill === "synapse";
  const servers = (synapse ? serversLongestInRoom(room) : hs.serversInRoom(room)).filter((s) => s !== hs.name);
  const asked = synapse ? hs.params.backfillEventsLimit : limit;
  for (const server of servers) {
    const query = [...from.map((id) => `v=${encodeURIComponent(id)}`), `limit=${asked}`].join("&");
    const outcome = yield* rpc(server, {
      method: "GET",
      path: `/_matrix/federation/v1/backfill/${encodeURIComponent(room.roomId)}?${query}`,
    });
    if (!outcome.ok || outcome.status !== 200) continue;
    const pdus = (outcome.body as { pdus?: unknown[] }).pdus ?? [];
    return synapse ? yield* storeWithState(hs, room, server, pdus) : yield* storeAsOutliers(hs, room, server, pdus);
  }
  return 0;
}

/** Each event through the pipeline as history, oldest first; events held already with their state are skipped. */
function* storeWithState(hs: Homeserver, room: RoomStore, server: string, pdus: unknown[]): Task<number> {
  const depth = (raw: unknown) => {
    const d = (raw as Partial<Pdu> | null)?.depth;
    return typeof d === "number" ? d : 0;
  };
  const oldestFirst = [...pdus].sort((a, b) => depth(a) - depth(b));
  let added = 0;
  for (const raw of oldestFirst) {
    const outcome = yield* receivePdu(hs, room, server, raw, "backfilled");
    if (outcome.outcome !== "dropped" && !("duplicate" in outcome && outcome.duplicate)) added++;
  }
  return added;
}

function* storeAsOutliers(hs: Homeserver, room: RoomStore, server: string, pdus: unknown[]): Task<number> {
  let added = 0;
  for (const raw of pdus) {
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

/**
 * The servers with a user joined in the current state, those whose earliest such join is
 * least deep first: they have been in the room longest, so they most likely hold its history.
 */
export function serversLongestInRoom(room: RoomStore): string[] {
  const since = new Map<string, number>();
  for (const [key, id] of room.currentState.entries()) {
    const { type, stateKey: user } = splitStateKey(key);
    const pdu = type === "m.room.member" ? room.get(id)?.pdu : undefined;
    if (!pdu || contentOf(pdu, "m.room.member")?.membership !== "join") continue;
    const server = serverPart(user);
    since.set(server, Math.min(since.get(server) ?? Number.MAX_SAFE_INTEGER, pdu.depth));
  }
  return [...since.keys()].sort((a, b) => since.get(a)! - since.get(b)! || (a < b ? -1 : a > b ? 1 : 0));
}
