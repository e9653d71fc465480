// The receive pipeline for one incoming PDU, in the spec's order (server-server-api.md,
// "Checks performed on receipt of a PDU"):
//   1. format and size limits            → drop
//   2. signatures                        → drop
//   3. content hash                      → redact, carry on
//   4. auth against its own auth events  → reject
//   5. auth against the state before it  → reject
//   6. auth against current state        → soft-fail
// Missing auth events are fetched with /event_auth; missing prev events with
// /get_missing_events (gap-filling.ts); the state at a prev event still missing is
// fetched with /state_ids and /event (or /state), and those events become outliers.
// How a PDU arrived changes two steps: a pushed PDU (in a /send) may start a gap fill,
// a pulled one (fetched to fill a gap) or a backfilled one gets the state at its missing
// prevs instead; a backfilled one is history: no soft-fail check, and it changes neither
// the forward extremities nor the current state.

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
import { checkAuth, checkAuthEventsList } from "./protocol.ts";
import {
  ed25519KeyIds,
  pduAuthAgainstState,
  pduEventId,
  pduFormat,
  pduOwnAuth,
  pduSignaturesAndHash,
  pduSignerKeys,
} from "./pdu-facts.ts";
import type { RoomStore, StoredEvent } from "./room-store.ts";
import type { KeyStore } from "./signing-keys.ts";
import { fetchKeysFor, keyNeedMet, type KeyNeed } from "./key-fetching.ts";
import { StateSnapshot } from "./state-snapshot.ts";
import { rpc, type Task } from "../tasks.ts";
import { eventIdsIn } from "./wire.ts";
import { fetchMissingEventsInRounds, fetchMissingEventsOnce } from "./gap-filling.ts";
import { softFailState } from "./soft-fail.ts";

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
export const PIPELINE_LIMITS = {
  stateFetchEventsMax: 500,
  authChainEventsMax: 1_000,
  /** Events read from one /state answer (its state and auth chain). */
  wholeStateEventsMax: 10_000,
} as const;

const FEDERATION = "/_matrix/federation/v1";

/** How a PDU reached us: sent to us, fetched to fill a gap, or fetched as history. */
export type PduArrival = "pushed" | "pulled" | "backfilled";

/** Process one PDU for a room we are in: a task, as it may have to fetch what it lacks. */
export function* receivePdu(
  host: PipelineHost,
  room: RoomStore,
  origin: string,
  raw: unknown,
  arrival: PduArrival = "pushed",
): Task<PduOutcome> {
  // 1. format and size limits; a duplicate ends here
  const read = readPdu(host, room, origin, raw);
  if ("outcome" in read) return read;
  const { id } = read;
  host.trace.add({ kind: "pdu.received", seq: 0, atMs: 0, server: host.name, origin, room: room.roomId, event: id });

  // 2-3. signatures, then the content hash (a mismatch redacts)
  // Without signatures to check no key is fetched: no task to run.
  const checked = host.verifySignatures
    ? yield* checkSignatures(host, room, origin, read.pdu, id)
    : signaturesAndHashVerdict(host, room, origin, read.pdu, id);
  if (!checked.ok) return dropped(host, room, origin, id, checked.reason);
  const pdu = checked.pdu;

  // 4. auth against its own auth events (fetched when we lack them)
  const authIds = authEventIds(pdu);
  if (authIds.some((a) => !room.has(a))) yield* fetchAuthChain(host, room, origin, id);
  const refused = refusedByOwnAuth(host, room, id, pdu, authIds);
  if (refused) return refused;

  // 5-6. against the state before it (the states after its prev events, fetched when we lack them)
  const prevStates =
    statesAfterKnownPrevs(room, pdu) ?? (yield* statesAfterPrevEvents(host, room, origin, pdu, id, arrival));
  if (prevStates === "prevs missing")
    return dropped(host, room, origin, id, "prev events could not be fetched (not divulged by the origin)");
  if (!prevStates) return dropped(host, room, origin, id, "state at the prev events could not be fetched");
  return authoriseAgainstState(host, room, id, pdu, prevStates, arrival);
}

/**
 * receivePdu for a pushed PDU whose signing keys, auth events and prev events' states are
 * all at hand, as for nearly every PDU pushed to a server already in the room: the same
 * steps, outcome and trace, without a task (a generator and its runner's closures per
 * delivery, issue 12). Undefined, with nothing done, when something would have to be
 * fetched: then run receivePdu.
 */
export function receivePduAtHand(
  host: PipelineHost,
  room: RoomStore,
  origin: string,
  raw: unknown,
): PduOutcome | undefined {
  const read = readPdu(host, room, origin, raw);
  if ("outcome" in read) return read;
  const { id, pdu: received } = read;
  // A redacted PDU (step 3) keeps its auth and prev events: these answers hold for it too.
  if (host.verifySignatures && !keysAtHand(host, room, received)) return undefined;
  const authIds = authEventIds(received);
  if (authIds.some((a) => !room.has(a))) return undefined;
  const prevStates = statesAfterKnownPrevs(room, received);
  if (!prevStates) return undefined;
  host.trace.add({ kind: "pdu.received", seq: 0, atMs: 0, server: host.name, origin, room: room.roomId, event: id });
  const checked = signaturesAndHashVerdict(host, room, origin, received, id);
  if (!checked.ok) return dropped(host, room, origin, id, checked.reason);
  return (
    refusedByOwnAuth(host, room, id, checked.pdu, authIds) ??
    authoriseAgainstState(host, room, id, checked.pdu, prevStates, "pushed")
  );
}

/** Step 1 and the duplicate check: the PDU and its id, or how it ended. */
function readPdu(
  host: PipelineHost,
  room: RoomStore,
  origin: string,
  raw: unknown,
): { pdu: Pdu; id: EventId } | PduOutcome {
  const format = pduFormat(raw, room.version);
  if (!format.ok) return dropped(host, room, origin, undefined, `bad format: ${format.reason}`);
  const id = pduEventId(format.pdu, room.version, host.crypto);
  // An outlier we hold (an auth event, a state event fetched for a gap) is promoted when it arrives again.
  const existing = room.withOutcome(id);
  if (existing) return { outcome: existing.status, eventId: id, duplicate: true };
  return { pdu: format.pdu, id };
}

/**
 * Step 4 once its auth events (`authIds`, the PDU's) are held or could not be fetched: the
 * rejection, or undefined.
 */
function refusedByOwnAuth(
  host: PipelineHost,
  room: RoomStore,
  id: EventId,
  pdu: Pdu,
  authIds: readonly EventId[],
): PduOutcome | undefined {
  const version = room.version;
  const cited = authIds.map((a) => room.get(a)?.pdu);
  if (cited.some((e) => e === undefined))
    return reject(host, room, id, pdu, undefined, "auth events could not be fetched");
  const citedEvents = cited as Pdu[];
  const createEvent = room.createEvent();
  const ownAuth = pduOwnAuth(
    { pdu, version, cited: citedEvents, createEvent, rejected: authIds.map(room.isRejected) },
    () => {
      const listCheck = checkAuthEventsList(pdu, citedEvents, version, room.isRejected, createEvent);
      return listCheck.allowed ? checkAuth(pdu, room.withCreateEvent(citedEvents), version) : listCheck;
    },
  );
  return ownAuth.allowed ? undefined : reject(host, room, id, pdu, undefined, `${ownAuth.rule}: ${ownAuth.reason}`);
}

/** Steps 5-6 once the states after its prev events are known. */
function authoriseAgainstState(
  host: PipelineHost,
  room: RoomStore,
  id: EventId,
  pdu: Pdu,
  prevStates: readonly StateSnapshot[],
  arrival: PduArrival,
): PduOutcome {
  const version = room.version;
  // 5. auth against the state before the event: resolve the states after its prev events
  const stateBefore = room.resolveStates(prevStates);
  const beforeCheck = pduAuthAgainstState(pdu, version, stateBefore, room.fetch);
  if (!beforeCheck.allowed)
    return reject(host, room, id, pdu, stateBefore, `${beforeCheck.rule}: ${beforeCheck.reason}`, arrival);

  if (arrival === "backfilled") {
    // History: never soft-failed, and the room's present (extremities, current state) stays as it is.
    const stored = room.addHistorical(id, pdu, stateBefore, "accepted", host.nextStream());
    stored.backfilled = true;
    host.trace.add({
      kind: "pdu.accepted",
      server: host.name,
      room: room.roomId,
      event: id,
      backfilled: true,
      ...pduSummary(pdu),
    });
    return { outcome: "accepted", eventId: id };
  }

  // 6. auth against current state (soft-fail.ts says which state that is)
  const current = softFailState(host.params.softFailure, room, pdu, stateBefore);
  const currentCheck =
    current === undefined || current === stateBefore
      ? beforeCheck
      : pduAuthAgainstState(pdu, version, current, room.fetch);
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
  host.trace.add({
    kind: "pdu.accepted",
    seq: 0,
    atMs: 0,
    server: host.name,
    room: room.roomId,
    event: id,
    ...pduSummary(pdu),
  });
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
  arrival: PduArrival = "pushed",
): PduOutcome {
  if (stateBefore && arrival === "backfilled")
    room.addHistorical(id, pdu, stateBefore, "rejected", host.nextStream(), reason);
  else if (stateBefore) room.addWithState(id, pdu, stateBefore, "rejected", host.nextStream(), reason);
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
    // One signer at a time: a fetch for one may bring keys another needs.
    for (const need of keyNeeds(room, pdu)) if (!keyNeedMet(host.keys, need)) yield* fetchKeysFor(host, need);
  }
  return signaturesAndHashVerdict(host, room, origin, pdu, id);
}

/** Whether every key the PDU's signatures need is held (none to fetch). */
function keysAtHand(host: PipelineHost, room: RoomStore, pdu: Pdu): boolean {
  return keyNeeds(room, pdu).every((need) => keyNeedMet(host.keys, need));
}

/** Per required signer with an ed25519 signature: the keys that would verify it. */
function keyNeeds(room: RoomStore, pdu: Pdu): KeyNeed[] {
  const validAtTs = keysValidAtTs(room, pdu);
  const needs: KeyNeed[] = [];
  for (const { server, keyIds } of pduSignerKeys(pdu, room.version))
    if (keyIds.length > 0) needs.push({ server, keyIds, minimumValidUntilTs: validAtTs });
  return needs;
}

/**
 * since v5: a signing key must be valid at the event's origin_server_ts (Synapse's
 * `_check_sigs_on_pdu`: minimum_valid_until_ts, 0 in earlier versions).
 */
function keysValidAtTs(room: RoomStore, pdu: Pdu): number {
  return room.version.auth.enforceKeyValidity ? pdu.origin_server_ts : 0;
}

/** Steps 2-3 with the keys this server holds now. */
function signaturesAndHashVerdict(
  host: PipelineHost,
  room: RoomStore,
  origin: string,
  pdu: Pdu,
  id: EventId,
): { ok: true; pdu: Pdu } | { ok: false; reason: string } {
  const validAtTs = keysValidAtTs(room, pdu);
  // The keys handed over already answer the validity question, so pdu-facts' cache
  // (keyed by the keys used) stays right: an expired key is handed over as no key.
  const lookup = (server: string, keyId: string) => host.keys.usable(server, keyId, validAtTs);
  const result = pduSignaturesAndHash(
    pdu,
    room.version,
    host.verifySignatures ? lookup : () => undefined,
    host.crypto,
    {
      skipSignatures: !host.verifySignatures,
    },
  );
  if (!result.ok) return { ok: false, reason: `signature: ${result.reason}${expiredNote(host, pdu, validAtTs)}` };
  if (result.redacted)
    host.trace.add({
      kind: "note",
      text: `${host.name}: content hash mismatch on ${id} from ${origin}; using the redacted event`,
    });
  return { ok: true, pdu: result.pdu };
}

/** Why a signature failed when the key is known but expired before the event. */
function expiredNote(host: PipelineHost, pdu: Pdu, validAtTs: number): string {
  for (const server of Object.keys(pdu.signatures ?? {}).sort())
    for (const keyId of ed25519KeyIds(pdu, server).sort()) {
      const known = host.keys.get(server, keyId);
      if (known && known.validUntilTs < validAtTs)
        return ` (key ${server} ${keyId} valid until ${known.validUntilTs}, before the event's origin_server_ts ${validAtTs})`;
    }
  return "";
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

/**
 * The states after the PDU's prev events. A pushed PDU with prevs we lack starts a gap
 * fill (gap-filling.ts); filling as Synapse, prevs still missing after it refuse the PDU
 * ("prevs missing"). Otherwise the state at each prev still missing is fetched.
 */
function* statesAfterPrevEvents(
  host: PipelineHost,
  room: RoomStore,
  origin: string,
  pdu: Pdu,
  id: EventId,
  arrival: PduArrival,
): Task<StateSnapshot[] | "prevs missing" | undefined> {
  const prevs = sortedDistinct(prevEventIds(pdu));
  const anyMissing = () => prevs.some((p) => !room.stateAfter(p));
  if (arrival === "pushed" && anyMissing()) {
    const receivePulled = (raw: unknown) => receivePdu(host, room, origin, raw, "pulled");
    if (host.params.gapFilling === "synapse") {
      yield* fetchMissingEventsOnce(host.params, room, origin, pdu, id, receivePulled);
      if (anyMissing()) return "prevs missing";
    } else yield* fetchMissingEventsInRounds(host.params, room, origin, id, receivePulled);
  }
  for (const p of anyMissing() ? prevs.filter((q) => !room.stateAfter(q)) : []) {
    const state = yield* fetchStateAfter(host, room, origin, p);
    if (!state) return undefined;
    room.setOutlierState(p, state);
  }
  const states = prevs.map((p) => room.stateAfter(p));
  return states.every((s) => s !== undefined) ? (states as StateSnapshot[]) : undefined;
}

/**
 * statesAfterPrevEvents when the state after every prev event is known already (nothing
 * to fetch, no task to run), in the same order; undefined otherwise.
 */
function statesAfterKnownPrevs(room: RoomStore, pdu: Pdu): StateSnapshot[] | undefined {
  const prevs = sortedDistinct(prevEventIds(pdu));
  const states: StateSnapshot[] = [];
  for (const p of prevs) {
    const state = room.stateAfter(p);
    if (!state) return undefined;
    states.push(state);
  }
  return states;
}

/**
 * `ids` sorted, repeats removed, in place: an insertion sort, as there are at most 20
 * (Array.prototype.sort allocates, and this runs for every PDU received).
 */
function sortedDistinct(ids: EventId[]): EventId[] {
  let n = 0;
  for (const id of ids) {
    let i = n;
    while (i > 0 && ids[i - 1]! > id) i--;
    if (i > 0 && ids[i - 1] === id) continue;
    ids.copyWithin(i + 1, i, n);
    ids[i] = id;
    n++;
  }
  ids.length = n;
  return ids;
}

/**
 * The state after event `p` from the origin: /state_ids gives the state before it and
 * its auth chain; the events we lack are fetched, then stored as outliers. Fetching as
 * Synapse (FederationEventHandler._get_state_ids_after_missing_prev_event), a tenth or
 * more of them missing fetches the whole /state in one request instead of one /event each.
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
  const authIds = eventIdsIn(body.auth_chain_ids);
  const wanted = [...new Set([p, ...stateIds, ...authIds])].filter((e) => !room.has(e)).sort();
  const wholeState =
    host.params.stateFetch === "synapse" && wanted.length > 0 && wanted.length * 10 >= stateIds.length + authIds.length;
  const fetched = wholeState
    ? yield* fetchWholeState(host, room, origin, p)
    : yield* fetchEvents(host, room, origin, wanted);
  if (!fetched) return undefined;
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

/** GET /event for each id (at most stateFetchEventsMax of them; more gives up). */
function* fetchEvents(
  host: PipelineHost,
  room: RoomStore,
  origin: string,
  ids: readonly EventId[],
): Task<Array<{ id: EventId; pdu: Pdu }> | undefined> {
  if (ids.length > PIPELINE_LIMITS.stateFetchEventsMax) return undefined;
  const fetched: Array<{ id: EventId; pdu: Pdu }> = [];
  for (const e of ids) {
    const got = yield* rpc(origin, { method: "GET", path: `${FEDERATION}/event/${encodeURIComponent(e)}` });
    if (!got.ok || got.status !== 200) continue;
    const raw = ((got.body as { pdus?: unknown[] }).pdus ?? [])[0];
    const valid = yield* validateFetched(host, room, origin, raw);
    if (valid && valid.id === e) fetched.push(valid);
  }
  return fetched;
}

/** GET /state at `p` (its state and auth chain, whole), and `p` itself with /event when we lack it. */
function* fetchWholeState(
  host: PipelineHost,
  room: RoomStore,
  origin: string,
  p: EventId,
): Task<Array<{ id: EventId; pdu: Pdu }> | undefined> {
  const outcome = yield* rpc(origin, {
    method: "GET",
    path: `${FEDERATION}/state/${room.roomId}?event_id=${encodeURIComponent(p)}`,
  });
  if (!outcome.ok || outcome.status !== 200) return undefined;
  const body = outcome.body as { pdus?: unknown[]; auth_chain?: unknown[] };
  const raws = [...(body.pdus ?? []), ...(body.auth_chain ?? [])].slice(0, PIPELINE_LIMITS.wholeStateEventsMax);
  const fetched: Array<{ id: EventId; pdu: Pdu }> = [];
  for (const raw of raws) {
    const valid = yield* validateFetched(host, room, origin, raw);
    if (valid && !room.has(valid.id)) fetched.push(valid);
  }
  if (!room.has(p) && !fetched.some((f) => f.id === p)) {
    const itself = yield* fetchEvents(host, room, origin, [p]);
    if (itself) fetched.push(...itself);
  }
  return fetched;
}
