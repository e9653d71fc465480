// The receive pipeline for one incoming PDU, in the spec's order (server-server-api.md,
// "Checks performed on receipt of a PDU"):
//   1. format and size limits            → drop
//   2. signatures                        → drop
//   3. content hash                      → redact, carry on
//   4. auth against its own auth events  → reject
//   5. auth against the state before it  → reject
//   6. auth against current state        → soft-fail
// Missing auth events are fetched with /event_auth; missing prev events with
// /get_missing_events (bounded); if the gap cannot be closed, the state at each missing
// prev event is fetched with /state_ids and /event, and those events become outliers.

import {
  authEventIds,
  isStateEvent,
  prevEventIds,
  stateKey,
  type CryptoBackend,
  type EventId,
  type Pdu,
} from "../../core/index.ts";
import { pduSummary, type Trace } from "../trace.ts";
import type { FederationParams } from "./federation-params.ts";
import { checkAuth, checkAuthAgainstState, checkAuthEventsList, requiredSigners } from "./protocol.ts";
import { pduEventId, pduFormat, pduOwnAuth, pduSignaturesAndHash } from "./pdu-facts.ts";
import type { RoomStore, StoredEvent } from "./room-store.ts";
import { acceptKeyDocument, type KeyStore } from "./signing-keys.ts";
import { StateSnapshot } from "./state-snapshot.ts";
import { rpc, type Task } from "../tasks.ts";
import { eventIdsIn } from "./wire.ts";

export interface PipelineHost {
  readonly name: string;
  readonly params: FederationParams;
  readonly crypto: CryptoBackend;
  readonly keys: KeyStore;
  readonly trace: Trace;
  /** Whether signatures are checked (sweeps may turn signing off; hashes and auth never). */
  readonly verifySignatures: boolean;
  nextStream(): number;
  /** Called after an event is accepted (to wake clients, application services…). */
  onAccepted(room: RoomStore, event: StoredEvent): void;
  /** Called when the room's current state changed. */
  onStateChanged(room: RoomStore, before: StateSnapshot): void;
}

export type PduOutcome =
  | {
      outcome: "accepted" | "softFailed" | "rejected" | "outlier";
      eventId: EventId;
      duplicate?: boolean;
      reason?: string;
    }
  | { outcome: "dropped"; eventId?: EventId; reason: string };

/** How many events one incoming PDU may pull in while filling gaps. */
export const PIPELINE_LIMITS = { stateFetchEventsMax: 500, authChainEventsMax: 1_000 } as const;

const FEDERATION = "/_matrix/federation/v1";

/** Process one PDU for a room we are in. `fillGaps` is false for events fetched to fill a gap. */
export function* receivePdu(
  host: PipelineHost,
  room: RoomStore,
  origin: string,
  raw: unknown,
  fillGaps = true,
): Task<PduOutcome> {
  const version = room.version;
  // 1. format and size limits
  const format = pduFormat(raw, version);
  if (!format.ok) return dropped(host, room, origin, undefined, `bad format: ${format.reason}`);
  let pdu = format.pdu;
  const id = pduEventId(pdu, version, host.crypto);
  const existing = room.get(id);
  if (existing && existing.status !== "outlier") return { outcome: existing.status, eventId: id, duplicate: true };
  host.trace.add({ kind: "pdu.received", server: host.name, origin, room: room.roomId, event: id });

  // 2-3. signatures, then the content hash (a mismatch redacts)
  const checked = yield* checkSignatures(host, room, origin, pdu, id);
  if (!checked.ok) return dropped(host, room, origin, id, checked.reason);
  pdu = checked.pdu;

  // 4. auth against its own auth events (fetched when we lack them)
  const missingAuth = authEventIds(pdu).filter((a) => !room.has(a));
  if (missingAuth.length > 0) yield* fetchAuthChain(host, room, origin, id);
  const cited = authEventIds(pdu).map((a) => room.get(a)?.pdu);
  if (cited.some((e) => e === undefined))
    return reject(host, room, id, pdu, undefined, "auth events could not be fetched");
  const citedEvents = cited as Pdu[];
  const createEvent = room.createEvent();
  const ownAuth = pduOwnAuth(
    { pdu, version, cited: citedEvents, createEvent, rejected: authEventIds(pdu).map(room.isRejected) },
    () => {
      const listCheck = checkAuthEventsList(pdu, citedEvents, version, room.isRejected, createEvent);
      return listCheck.allowed ? checkAuth(pdu, room.withCreateEvent(citedEvents), version) : listCheck;
    },
  );
  if (!ownAuth.allowed) return reject(host, room, id, pdu, undefined, `${ownAuth.rule}: ${ownAuth.reason}`);

  // 5. auth against the state before the event: resolve the states after its prev events
  const prevStates = yield* statesAfterPrevEvents(host, room, origin, pdu, id, fillGaps);
  if (!prevStates) return dropped(host, room, origin, id, "state at the prev events could not be fetched");
  const stateBefore = room.resolveStates(prevStates);
  const beforeCheck = checkAuthAgainstState(pdu, stateBefore, room.fetch, version);
  if (!beforeCheck.allowed)
    return reject(host, room, id, pdu, stateBefore, `${beforeCheck.rule}: ${beforeCheck.reason}`);

  // 6. auth against current state: the extremities' states together with this event's
  // (when that is the state before the event, the check of step 5 is this check)
  const current = room.resolveStates([...room.extremityIds().map((x) => room.stateAfter(x)!), stateBefore]);
  const currentCheck = current === stateBefore ? beforeCheck : checkAuthAgainstState(pdu, current, room.fetch, version);
  const stateBeforeUpdate = room.currentState;
  if (!currentCheck.allowed) {
    const reason = `${currentCheck.rule}: ${currentCheck.reason}`;
    room.addWithState(id, pdu, stateBefore, "softFailed", host.nextStream(), reason);
    host.trace.add({
      kind: "pdu.soft_failed",
      server: host.name,
      room: room.roomId,
      event: id,
      reason,
      ...pduSummary(pdu),
    });
    return { outcome: "softFailed", eventId: id, reason };
  }
  const stored = room.addWithState(id, pdu, stateBefore, "accepted", host.nextStream());
  host.trace.add({ kind: "pdu.accepted", server: host.name, room: room.roomId, event: id, ...pduSummary(pdu) });
  host.onAccepted(room, stored);
  if (room.currentState !== stateBeforeUpdate) host.onStateChanged(room, stateBeforeUpdate);
  return { outcome: "accepted", eventId: id };
}

function dropped(
  host: PipelineHost,
  room: RoomStore,
  origin: string,
  eventId: EventId | undefined,
  reason: string,
): PduOutcome {
  host.trace.add({
    kind: "pdu.dropped",
    server: host.name,
    origin,
    room: room.roomId,
    ...(eventId ? { event: eventId } : {}),
    reason,
  });
  return { outcome: "dropped", ...(eventId ? { eventId } : {}), reason };
}

function reject(
  host: PipelineHost,
  room: RoomStore,
  id: EventId,
  pdu: Pdu,
  stateBefore: StateSnapshot | undefined,
  reason: string,
): PduOutcome {
  if (stateBefore) room.addWithState(id, pdu, stateBefore, "rejected", host.nextStream(), reason);
  else room.addRejectedOutlier(id, pdu, host.nextStream(), reason);
  host.trace.add({ kind: "pdu.rejected", server: host.name, room: room.roomId, event: id, reason, ...pduSummary(pdu) });
  return { outcome: "rejected", eventId: id, reason };
}

// ---- signatures and keys -------------------------------------------------------------

function* checkSignatures(
  host: PipelineHost,
  room: RoomStore,
  origin: string,
  pdu: Pdu,
  id: EventId,
): Task<{ ok: true; pdu: Pdu } | { ok: false; reason: string }> {
  if (host.verifySignatures) {
    for (const server of requiredSigners(pdu, room.version)) {
      if (!host.keys.has(server)) yield* fetchServerKey(host, server);
    }
  }
  const lookup = (server: string, keyId: string) => host.keys.get(server, keyId)?.publicKey;
  const result = pduSignaturesAndHash(
    pdu,
    room.version,
    host.verifySignatures ? lookup : () => undefined,
    host.crypto,
    {
      skipSignatures: !host.verifySignatures,
    },
  );
  if (!result.ok) return { ok: false, reason: `signature: ${result.reason}` };
  if (result.redacted)
    host.trace.add({
      kind: "note",
      text: `${host.name}: content hash mismatch on ${id} from ${origin}; using the redacted event`,
    });
  return { ok: true, pdu: result.pdu };
}

/** Fetch and check a server's published key (spec: GET /_matrix/key/v2/server). */
export function* fetchServerKey(host: PipelineHost, server: string): Task<boolean> {
  const outcome = yield* rpc(server, { method: "GET", path: "/_matrix/key/v2/server" });
  if (!outcome.ok || outcome.status !== 200) return false;
  const accepted = acceptKeyDocument(server, outcome.body, host.crypto);
  if (!accepted.ok) return false;
  host.keys.add(server, accepted.keys);
  return true;
}

/** Check format and signatures of an event fetched to fill a gap; undefined if bad. */
export function* validateFetched(
  host: PipelineHost,
  room: RoomStore,
  origin: string,
  raw: unknown,
): Task<{ id: EventId; pdu: Pdu } | undefined> {
  const checked = yield* validateFetchedWithReason(host, room, origin, raw);
  return "reason" in checked ? undefined : checked;
}

/** validateFetched, saying why an event was refused. */
export function* validateFetchedWithReason(
  host: PipelineHost,
  room: RoomStore,
  origin: string,
  raw: unknown,
): Task<{ id: EventId; pdu: Pdu } | { reason: string }> {
  const format = pduFormat(raw, room.version, { skipCountLimits: true });
  if (!format.ok) return { reason: `bad format: ${format.reason}` };
  const id = pduEventId(format.pdu, room.version, host.crypto);
  const checked = yield* checkSignatures(host, room, origin, format.pdu, id);
  return checked.ok ? { id, pdu: checked.pdu } : { reason: `${id}: ${checked.reason}` };
}

// ---- auth chains ------------------------------------------------------------------------

/** GET /event_auth: store the event's auth chain as outliers, checking each against its own auth events. */
function* fetchAuthChain(host: PipelineHost, room: RoomStore, origin: string, id: EventId): Task<void> {
  const outcome = yield* rpc(origin, { method: "GET", path: `${FEDERATION}/event_auth/${room.roomId}/${id}` });
  if (!outcome.ok || outcome.status !== 200) return;
  const chain = ((outcome.body as { auth_chain?: unknown[] }).auth_chain ?? []).slice(
    0,
    PIPELINE_LIMITS.authChainEventsMax,
  );
  const fetched: Array<{ id: EventId; pdu: Pdu }> = [];
  for (const raw of chain) {
    const valid = yield* validateFetched(host, room, origin, raw);
    if (valid && !room.has(valid.id)) fetched.push(valid);
  }
  storeOutliers(host, room, fetched);
}

/** Store fetched events as outliers, oldest first, rejecting those that fail auth against their own auth events. */
function storeOutliers(host: PipelineHost, room: RoomStore, events: Array<{ id: EventId; pdu: Pdu }>): void {
  const sorted = [...events].sort((a, b) => a.pdu.depth - b.pdu.depth || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const { id, pdu } of sorted) {
    if (room.has(id)) continue;
    const cited = authEventIds(pdu).map((a) => room.get(a)?.pdu);
    const auth = cited.every((e) => e !== undefined)
      ? checkAuth(pdu, room.withCreateEvent(cited as Pdu[]), room.version)
      : undefined;
    if (auth && !auth.allowed) {
      room.addRejectedOutlier(id, pdu, host.nextStream(), `${auth.rule}: ${auth.reason}`);
      host.trace.add({
        kind: "pdu.rejected",
        server: host.name,
        room: room.roomId,
        event: id,
        reason: `${auth.rule}: ${auth.reason}`,
        ...pduSummary(pdu),
      });
    } else {
      room.addOutlier(id, pdu, host.nextStream());
      host.trace.add({ kind: "pdu.outlier", server: host.name, room: room.roomId, event: id, ...pduSummary(pdu) });
    }
  }
}

// ---- prev events and the state before the event ------------------------------------------

function* statesAfterPrevEvents(
  host: PipelineHost,
  room: RoomStore,
  origin: string,
  pdu: Pdu,
  id: EventId,
  fillGaps: boolean,
): Task<StateSnapshot[] | undefined> {
  const prevs = [...new Set(prevEventIds(pdu))].sort();
  const missing = () => prevs.filter((p) => !room.stateAfter(p));
  if (fillGaps && missing().length > 0) yield* fetchMissingEvents(host, room, origin, id);
  for (const p of missing()) {
    const state = yield* fetchStateAfter(host, room, origin, p);
    if (!state) return undefined;
    room.setOutlierState(p, state);
  }
  const states = prevs.map((p) => room.stateAfter(p));
  return states.every((s) => s !== undefined) ? (states as StateSnapshot[]) : undefined;
}

/**
 * POST /get_missing_events: the events between our extremities and this one, oldest
 * first, each through the pipeline (without gap filling of its own), bounded by the
 * request count and limit.
 */
function* fetchMissingEvents(host: PipelineHost, room: RoomStore, origin: string, id: EventId): Task<void> {
  const { missingEventsLimit, missingEventsRequestsMax } = host.params;
  let latest: EventId[] = [id];
  for (let request = 0; request < missingEventsRequestsMax && latest.length > 0; request++) {
    const extremities = room.extremityIds();
    const minDepth = extremities.reduce((least, x) => Math.min(least, room.get(x)!.pdu.depth), Number.MAX_SAFE_INTEGER);
    const outcome = yield* rpc(origin, {
      method: "POST",
      path: `${FEDERATION}/get_missing_events/${room.roomId}`,
      body: {
        earliest_events: extremities,
        latest_events: latest,
        limit: missingEventsLimit,
        min_depth: minDepth === Number.MAX_SAFE_INTEGER ? 0 : minDepth,
      },
    });
    if (!outcome.ok || outcome.status !== 200) return;
    const events = ((outcome.body as { events?: unknown[] }).events ?? []) as Pdu[];
    if (events.length === 0) return;
    const sorted = [...events].sort((a, b) => (a.depth ?? 0) - (b.depth ?? 0));
    for (const e of sorted) yield* receivePdu(host, room, origin, e, false);
    // Ask again for whatever is still missing below the oldest events we got.
    latest = [...new Set(sorted.flatMap((e) => (Array.isArray(e.prev_events) ? prevEventIds(e) : [])))]
      .filter((p) => !room.stateAfter(p))
      .sort();
  }
}

/**
 * The state after event `p` from the origin: /state_ids gives the state before it and
 * its auth chain; unknown events are fetched with /event and stored as outliers.
 */
function* fetchStateAfter(
  host: PipelineHost,
  room: RoomStore,
  origin: string,
  p: EventId,
): Task<StateSnapshot | undefined> {
  const outcome = yield* rpc(origin, {
    method: "GET",
    path: `${FEDERATION}/state_ids/${room.roomId}?event_id=${encodeURIComponent(p)}`,
  });
  if (!outcome.ok || outcome.status !== 200) return undefined;
  const body = outcome.body as { pdu_ids?: string[]; auth_chain_ids?: string[] };
  const stateIds = eventIdsIn(body.pdu_ids);
  const wanted = [...new Set([p, ...stateIds, ...eventIdsIn(body.auth_chain_ids)])].filter((e) => !room.has(e)).sort();
  if (wanted.length > PIPELINE_LIMITS.stateFetchEventsMax) return undefined;
  const fetched: Array<{ id: EventId; pdu: Pdu }> = [];
  for (const e of wanted) {
    const got = yield* rpc(origin, { method: "GET", path: `${FEDERATION}/event/${encodeURIComponent(e)}` });
    if (!got.ok || got.status !== 200) continue;
    const raw = ((got.body as { pdus?: unknown[] }).pdus ?? [])[0];
    const valid = yield* validateFetched(host, room, origin, raw);
    if (valid && valid.id === e) fetched.push(valid);
  }
  storeOutliers(host, room, fetched);
  let state = StateSnapshot.EMPTY;
  for (const sid of stateIds) {
    const e = room.get(sid);
    if (!e || !isStateEvent(e.pdu)) return undefined;
    state = state.with(stateKey(e.pdu.type, e.pdu.state_key), sid);
  }
  const prev = room.get(p);
  if (!prev) return undefined;
  return prev.status !== "rejected" && isStateEvent(prev.pdu)
    ? state.with(stateKey(prev.pdu.type, prev.pdu.state_key), p)
    : state;
}
