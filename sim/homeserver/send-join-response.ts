// What a joining server makes of a send_join answer: the room's state and its auth chain,
// each event checked before any of it is trusted. Two ways (sendJoinInvalidEvents):
//
// - "drop", Synapse's: an event whose signature fails is left out
//   (FederationClient.send_join keeps what _check_sigs_and_hash_and_fetch_one passes; a
//   content-hash mismatch is redacted, not dropped); the rest is stored as outliers as
//   FederationEventHandler._auth_and_persist_outliers does: an event citing an auth event
//   we do not hold is dropped, one failing auth against its own auth events (or citing a
//   rejected one) is stored rejected. The join is then built on the state events that are
//   stored and not rejected (Synapse keeps the others' ids in the state map, but never
//   loads a rejected or missing event from it).
// - "abort", netsplit 0.1's: one event that fails its check fails the join; the rest are
//   stored as outliers unchecked.

import { authEventIds, isStateEvent, stateKey, type EventId, type Pdu } from "../../core/index.ts";
import { pduSummary } from "../trace.ts";
import type { Task } from "../tasks.ts";
import { checkAuth } from "./protocol.ts";
import { validateFetchedWithReason, type PipelineHost } from "./receive-pipeline.ts";
import type { RoomStore } from "./room-store.ts";
import { StateSnapshot } from "./state-snapshot.ts";

/** The state the join is built on, or why the answer cannot be used. */
export type JoinState = { ok: true; stateBefore: StateSnapshot } | { ok: false; reason: string };

export function* storeSendJoinResponse(
  host: PipelineHost,
  room: RoomStore,
  resident: string,
  state: readonly unknown[],
  authChain: readonly unknown[],
): Task<JoinState> {
  const drop = host.params.sendJoinInvalidEvents === "drop";
  const checked: Array<{ id: EventId; pdu: Pdu; inState: boolean }> = [];
  for (const [i, raw] of [...authChain, ...state].entries()) {
    const valid = yield* validateFetchedWithReason(host, room, resident, raw);
    // A key that could not be fetched (its server unreachable) fails here too.
    if ("reason" in valid) {
      if (!drop)
        return {
          ok: false,
          reason: `send_join from ${resident} returned an event that could not be checked: ${valid.reason}`,
        };
      host.trace.add({ kind: "note", text: `${host.name}: send_join from ${resident}: dropped ${valid.reason}` });
      continue;
    }
    checked.push({ ...valid, inState: i >= authChain.length });
  }
  const sorted = [...checked].sort((a, b) => a.pdu.depth - b.pdu.depth || (a.id < b.id ? -1 : 1));
  const usable = new Set<EventId>();
  for (const { id, pdu } of sorted) {
    if (room.has(id)) {
      if (!room.isRejected(id)) usable.add(id);
      continue;
    }
    if (!drop) {
      room.addOutlier(id, pdu, host.nextStream());
      host.trace.add({ kind: "pdu.outlier", server: host.name, room: room.roomId, event: id, ...pduSummary(pdu) });
      usable.add(id);
      continue;
    }
    if (storeCheckedOutlier(host, room, id, pdu)) usable.add(id);
  }
  let stateBefore = StateSnapshot.EMPTY;
  for (const { id, pdu, inState } of checked) {
    if (!inState || !usable.has(id) || !isStateEvent(pdu)) continue;
    stateBefore = stateBefore.with(stateKey(pdu.type, pdu.state_key), id);
  }
  return { ok: true, stateBefore };
}

/**
 * One event of the answer, as _auth_and_persist_outliers stores it: dropped when an auth
 * event it cites is not held, rejected when it fails auth against its auth events or
 * cites a rejected one, else an outlier. True when stored and not rejected.
 */
function storeCheckedOutlier(host: PipelineHost, room: RoomStore, id: EventId, pdu: Pdu): boolean {
  const cited = authEventIds(pdu).map((a) => room.get(a));
  const missing = authEventIds(pdu).find((_, i) => cited[i] === undefined);
  if (missing !== undefined) {
    host.trace.add({
      kind: "note",
      text: `${host.name}: send_join answer: dropped ${id}, whose auth event ${missing} could not be found`,
    });
    return false;
  }
  const rejectedAuth = cited.find((e) => e!.status === "rejected");
  const auth = rejectedAuth
    ? { allowed: false as const, rule: "auth events", reason: `cites the rejected event ${rejectedAuth.id}` }
    : checkAuth(pdu, room.withCreateEvent(cited.map((e) => e!.pdu)), room.version);
  if (!auth.allowed) {
    const reason = `${auth.rule}: ${auth.reason}`;
    room.addRejectedOutlier(id, pdu, host.nextStream(), reason);
    host.trace.add({
      kind: "pdu.rejected",
      server: host.name,
      room: room.roomId,
      event: id,
      reason,
      ...pduSummary(pdu),
    });
    return false;
  }
  room.addOutlier(id, pdu, host.nextStream());
  host.trace.add({ kind: "pdu.outlier", server: host.name, room: room.roomId, event: id, ...pduSummary(pdu) });
  return true;
}
