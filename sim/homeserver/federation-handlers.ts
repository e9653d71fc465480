// The federation endpoints a homeserver answers (spec: server-server-api.md and
// data/api/server-server/*.yaml). Each handler reads the request, consults the
// homeserver's stores and responds once; /send and /send_join respond after the PDUs
// went through the receive pipeline, as Synapse does.

import {
  authEventIds,
  computeEventId,
  isJsonObject,
  parseRoomVersion,
  prevEventIds,
  signEvent,
  type EventId,
  type JsonObject,
  type Pdu,
  type RoomId,
  type RoomVersion,
} from "../../core/index.ts";
import { ensureUserKnown, unknownServiceUser } from "../appservice/queries.ts";
import type { RpcRequest, RpcResponse } from "../network/rpc.ts";
import type { Homeserver } from "./homeserver.ts";
import { receiveEdu } from "./edu-receive.ts";
import { pduEventId, pduFormat } from "./pdu-facts.ts";
import type { MembershipDance } from "./make-membership.ts";
import { makeMembershipTemplate, sendMembership } from "./membership-handlers.ts";
import { forgetOutOfBand, receiveRescission } from "./out-of-band.ts";
import type { RoomStore, StoredEvent } from "./room-store.ts";
import { serverAllowedInRoom } from "./server-acl.ts";
import { pduForServer } from "./server-visibility.ts";
import { KEY_QUERY_PATH } from "./key-fetching.ts";
import { ownKeyDocument, serveKeyQuery } from "./key-serving.ts";
import type { StateSnapshot } from "./state-snapshot.ts";
import {
  eventIdOrUndefined,
  eventIdsIn,
  objectIn,
  pduToJson,
  roomIdOrUndefined,
  serverPart,
  userIdOrUndefined,
} from "./wire.ts";

/** Limits on what one request may make a server walk or return. */
export const HANDLER_LIMITS = {
  authChainEventsMax: 10_000,
  backfillLimitMax: 100,
  missingEventsLimitMax: 100,
} as const;

type Respond = (response: RpcResponse) => void;

const json = (status: number, body: JsonObject): RpcResponse => ({ status, body });
const pdusOf = (room: RoomStore, ids: readonly EventId[]): JsonObject[] =>
  ids.map((id) => pduToJson(room.get(id)!.pdu));
const error = (status: number, errcode: string, message: string) => json(status, { errcode, error: message });

/** PUT /send/{txnId}, nearly every request of a run: routed without splitting its path. */
const SEND_PREFIX = "/_matrix/federation/v1/send/";

export function handleFederation(hs: Homeserver, origin: string, request: RpcRequest, respond: Respond): void {
  const txnId = sendTxnId(request.path);
  if (txnId !== undefined) {
    if (origin !== hs.name) hs.heardFrom(origin);
    return handleSend(hs, origin, txnId, request.body as JsonObject, respond);
  }
  const [path = "", query = ""] = request.path.split("?");
  const params = parseQuery(query);
  const parts = path.split("/").map(decodeURIComponent);
  // A request from a server shows it is up: stop backing off towards it.
  if (origin !== hs.name) hs.heardFrom(origin);
  if (path === "/_matrix/key/v2/server") return respond(json(200, ownKeyDocument(hs)));
  if (path.startsWith(KEY_QUERY_PATH)) {
    const minimum = Number(params.get("minimum_valid_until_ts") ?? NaN);
    return serveKeyQuery(hs, parts.slice(5).join("/"), Number.isFinite(minimum) ? minimum : undefined, respond);
  }
  const [, , , version, endpoint, a, b] = parts; // "", "_matrix", "federation", v1|v2, endpoint, …
  const room = a ? hs.room(a) : undefined;
  const route = `${version}/${endpoint}`;
  const refusal = room ? refuseRoomRequest(hs, room, origin, route) : undefined;
  if (refusal) return respond(refusal);
  switch (route) {
    case "v1/send":
      return handleSend(hs, origin, a ?? "", objectIn(request.body), respond);
    case "v1/make_join":
    case "v1/make_knock":
    case "v1/make_leave": {
      const dance = endpoint!.slice("make_".length) as MembershipDance;
      const ver = params.getAll("ver");
      return respond(room ? makeMembershipTemplate(hs, room, origin, dance, userIdOrUndefined(b), ver) : notFound(a));
    }
    case "v2/send_join":
    case "v1/send_knock":
    case "v2/send_leave": {
      const dance = endpoint!.slice("send_".length) as MembershipDance;
      if (!room) return respond(notFound(a));
      return sendMembership(hs, room, origin, dance, request.body, respond, (join) => sendJoinAnswer(hs, room, join));
    }
    case "v2/invite":
      return inviteAfterUserQuery(hs, origin, a ?? "", objectIn(request.body), respond);
    case "v1/get_missing_events":
      return respond(room ? getMissingEvents(hs, room, origin, objectIn(request.body)) : notFound(a));
    case "v1/state_ids":
      return respond(room ? stateIds(hs, room, params.get("event_id")) : notFound(a));
    case "v1/state":
      return respond(room ? fullState(hs, room, params.get("event_id")) : notFound(a));
    case "v1/event":
      return respond(getEvent(hs, origin, a ?? ""));
    case "v1/event_auth":
      return respond(
        room
          ? json(200, { auth_chain: pdusOf(room, authChain(room, eventIdsIn(b === undefined ? [] : [b]))) })
          : notFound(a),
      );
    case "v1/backfill":
      return respond(
        room
          ? backfill(hs, room, origin, eventIdsIn(params.getAll("v")), Number(params.get("limit") ?? 10))
          : notFound(a),
      );
    default:
      return respond(error(404, "M_UNRECOGNIZED", `unknown endpoint ${request.method} ${path}`));
  }
}

/** The txnId of a plain `/send/{txnId}` path (what the general route would read), else undefined. */
function sendTxnId(path: string): string | undefined {
  if (!path.startsWith(SEND_PREFIX)) return undefined;
  const rest = path.slice(SEND_PREFIX.length);
  if (rest.includes("/") || rest.includes("?")) return undefined;
  // Without a `%` there is nothing to decode (every txn id we send): skip the decoder.
  return rest.includes("%") ? decodeURIComponent(rest) : rest;
}

/** `a=1&v=x&v=y` → name → values (core/ and sim/ have no URL classes: no DOM, no node:). */
function parseQuery(query: string): { get(name: string): string | null; getAll(name: string): string[] } {
  const pairs = query
    .split("&")
    .filter((p) => p !== "")
    .map((p) => {
      const eq = p.indexOf("=");
      return eq < 0
        ? [decodeURIComponent(p), ""]
        : [decodeURIComponent(p.slice(0, eq)), decodeURIComponent(p.slice(eq + 1))];
    });
  return {
    get: (name) => pairs.find(([k]) => k === name)?.[1] ?? null,
    getAll: (name) => pairs.filter(([k]) => k === name).map(([, v]) => v!),
  };
}

/** Room requests that Synapse refuses before reading them: server ACLs, and the requester must be in the room. */
const ACL_PROTECTED = new Set([
  "v1/make_join",
  "v2/send_join",
  "v1/make_knock",
  "v1/send_knock",
  "v1/make_leave",
  "v2/send_leave",
  "v2/invite",
  "v1/state",
  "v1/state_ids",
  "v1/backfill",
  "v1/event_auth",
  "v1/get_missing_events",
]);
const RESIDENTS_ONLY = new Set(["v1/state", "v1/state_ids", "v1/backfill", "v1/event_auth", "v1/get_missing_events"]);

/**
 * 403 M_FORBIDDEN for a request about `room` that this server does not answer (Synapse:
 * FederationServer.check_server_matches_acl and EventAuthHandler.assert_host_in_room);
 * undefined when it answers. Servers serving "open" answer everything.
 */
function refuseRoomRequest(hs: Homeserver, room: RoomStore, origin: string, route: string): RpcResponse | undefined {
  if (hs.params.federationServing !== "synapse") return undefined;
  if (ACL_PROTECTED.has(route) && !serverAllowedInRoom(room, origin))
    return error(403, "M_FORBIDDEN", "server is banned from the room");
  if (RESIDENTS_ONLY.has(route) && !hs.serversInRoom(room).includes(origin))
    return error(403, "M_FORBIDDEN", `${origin} is not in the room`);
  return undefined;
}

function notFound(roomId: string | undefined): RpcResponse {
  return error(404, "M_NOT_FOUND", `unknown room ${roomId ?? ""}`);
}

/** PUT /send/{txnId}: every PDU through the pipeline, then one 200 with per-PDU results. */
function handleSend(hs: Homeserver, origin: string, txnId: string, body: JsonObject, respond: Respond): void {
  const seen = hs.seenTransaction(origin, txnId);
  if (seen) return respond(seen);
  const pdus = Array.isArray(body.pdus) ? body.pdus : [];
  const edus = Array.isArray(body.edus) ? body.edus : [];
  // Too large a transaction is refused whole, and not remembered: the sender may split it and retry.
  const { transactionPdusMax, transactionEdusMax, transactionLimitsOnReceipt } = hs.params;
  if (
    transactionLimitsOnReceipt === "enforced" &&
    (pdus.length > transactionPdusMax || edus.length > transactionEdusMax)
  )
    return respond(
      error(400, "M_BAD_JSON", `a transaction holds at most ${transactionPdusMax} PDUs and ${transactionEdusMax} EDUs`),
    );
  // EDUs are handled beside the PDUs (Synapse runs both at once), before any PDU's answer.
  for (const edu of edus) receiveEdu(hs, origin, edu);
  // Keyed by event ids, each new: a dictionary object from the start (V8 would otherwise
  // make a new hidden class for every id added to a literal `{}`, a cost per delivery).
  const results: Record<string, JsonObject> = Object.create(null) as Record<string, JsonObject>;
  let pending = pdus.length;
  const finish = () => {
    const response = json(200, { pdus: results });
    hs.rememberTransaction(origin, txnId, response);
    respond(response);
  };
  if (pending === 0) return finish();
  for (const [i, pdu] of pdus.entries()) {
    const roomId = isJsonObject(pdu) && typeof pdu.room_id === "string" ? pdu.room_id : undefined;
    const room = roomId !== undefined ? hs.room(roomId) : undefined;
    // The pipeline computes the event id once and reports it; a PDU it could not read is named by position.
    const done = (outcome: { outcome: string; eventId?: string; reason?: string }) => {
      results[outcome.eventId ?? `#${i}`] =
        outcome.outcome === "accepted" || outcome.outcome === "softFailed" || outcome.outcome === "held"
          ? {}
          : { error: outcome.reason ?? outcome.outcome };
      if (--pending === 0) finish();
    };
    // A room we are still joining: the PDU waits for the join (and is acknowledged).
    const joining = !room ? roomIdOrUndefined(roomId) : undefined;
    if (joining && hs.holdForJoin(joining, origin, pdu)) done({ outcome: "held" });
    else if (!room)
      // Not in the room: only an invite of ours being rescinded is taken (out-of-band.ts).
      hs.run(receiveRescission(hs, origin, pdu), (taken) =>
        done(taken ?? { outcome: "dropped", reason: "unknown room" }),
      );
    else if (hs.params.federationServing === "synapse" && !serverAllowedInRoom(room, origin))
      done({
        outcome: "dropped",
        eventId: eventIdOfRaw(hs, room, pdu),
        reason: "M_FORBIDDEN: server is banned from the room",
      });
    else hs.enqueueInbound(room.roomId, { origin, pdu, done });
  }
}

/** The id of a PDU refused before the pipeline (named by position when it cannot be read). */
function eventIdOfRaw(hs: Homeserver, room: RoomStore, raw: unknown): EventId | undefined {
  const format = pduFormat(raw, room.version);
  return format.ok ? pduEventId(format.pdu, room.version, hs.crypto) : undefined;
}

/** send_join's answer: the state before the join, its auth chain, and the join as accepted. */
function sendJoinAnswer(hs: Homeserver, room: RoomStore, join: StoredEvent): JsonObject {
  const state = [...servedState(hs, room, join.stateBefore!).values()].sort();
  return {
    state: pdusOf(room, state),
    auth_chain: pdusOf(room, authChain(room, [join.id, ...state])),
    event: pduToJson(join.pdu),
  };
}

/** PUT /v2/invite: countersign an invite for one of our users and remember it. */
/**
 * An invite for an unknown user of an application service's namespace waits until the
 * service was asked about it (the user query, sim/appservice/queries.ts): the service may
 * create the user — a bridge's ghost — so that the invite can land.
 */
function inviteAfterUserQuery(
  hs: Homeserver,
  origin: string,
  roomIdParam: string,
  body: JsonObject,
  respond: Respond,
): void {
  const roomId = roomIdOrUndefined(roomIdParam);
  if (!roomId) return respond(error(400, "M_INVALID_PARAM", `${roomIdParam} is not a room id`));
  const target = userIdOrUndefined(objectIn(body.event).state_key);
  if (!target || !unknownServiceUser(hs, target)) return respond(invite(hs, origin, roomId, body));
  hs.run(ensureUserKnown(hs, target), () => respond(invite(hs, origin, roomId, body)));
}

function invite(hs: Homeserver, origin: string, roomId: RoomId, body: JsonObject): RpcResponse {
  const event = objectIn(body.event);
  const roomVersionId = body.room_version;
  if (
    typeof roomVersionId !== "string" ||
    event.type !== "m.room.member" ||
    objectIn(event.content).membership !== "invite"
  ) {
    return error(400, "M_INVALID_PARAM", "expected an m.room.member invite and a room_version");
  }
  const target = userIdOrUndefined(event.state_key);
  if (!target || !hs.users.has(target)) return error(404, "M_NOT_FOUND", `no user ${String(event.state_key)} here`);
  if (typeof event.sender !== "string" || serverPart(event.sender) !== origin)
    return error(403, "M_FORBIDDEN", "the inviter must belong to the requesting server");
  // Not format-checked here: the invitee's server countersigns what it is shown; the
  // invite is checked like any PDU when it reaches the room.
  const pdu = event as Pdu;
  // A version we do not support: 400 M_UNSUPPORTED_ROOM_VERSION (Synapse: FederationServer.on_invite_request).
  let roomVersion: RoomVersion;
  try {
    roomVersion = parseRoomVersion(roomVersionId);
  } catch (e) {
    return error(400, "M_UNSUPPORTED_ROOM_VERSION", (e as Error).message);
  }
  if (!hs.roomVersions.includes(roomVersion.id))
    return error(400, "M_UNSUPPORTED_ROOM_VERSION", "Homeserver does not support this room version");
  const signed = signEvent(pdu, roomVersion, hs.name, hs.key.keyId, hs.key.seed, hs.crypto);
  const eventId = computeEventId(signed, roomVersion, hs.crypto);
  const invites = hs.pendingInvites.get(target) ?? new Map();
  invites.set(roomId, { eventId, pdu: signed, roomVersion: roomVersionId });
  hs.pendingInvites.set(target, invites);
  forgetOutOfBand(hs, target, roomId);
  return json(200, { event: pduToJson(signed) });
}

/**
 * POST /get_missing_events: breadth-first over prev_events from latest, not crossing
 * earliest, at most missingEventsServedMax events (Synapse: 20). Serving as Synapse,
 * min_depth is not read (FederationHandler.on_get_missing_events ignores it) and events
 * the requester may not see are redacted.
 */
function getMissingEvents(hs: Homeserver, room: RoomStore, origin: string, body: JsonObject): RpcResponse {
  const synapse = hs.params.federationServing === "synapse";
  const earliest = new Set(eventIdsIn(body.earliest_events));
  const latest = eventIdsIn(body.latest_events);
  const limit = Math.min(
    Number(body.limit ?? 10),
    hs.params.missingEventsServedMax,
    HANDLER_LIMITS.missingEventsLimitMax,
  );
  const minDepth = synapse ? 0 : Number(body.min_depth ?? 0);
  const out: StoredEvent[] = [];
  const seen = new Set<EventId>(latest);
  let frontier = latest.filter((id) => room.has(id));
  while (frontier.length > 0 && out.length < limit) {
    const next: EventId[] = [];
    for (const id of frontier) {
      for (const p of prevEventIds(room.get(id)!.pdu).sort()) {
        if (seen.has(p) || earliest.has(p)) continue;
        seen.add(p);
        const e = room.get(p);
        if (!e || e.pdu.depth < minDepth) continue;
        if (out.length < limit) out.push(e);
        next.push(p);
      }
    }
    frontier = next;
  }
  return json(200, { events: out.map((e) => pduToJson(synapse ? pduForServer(room, e, origin) : e.pdu)) });
}

/** GET /state_ids: the state before an event and the auth chain of that state. */
function stateIds(hs: Homeserver, room: RoomStore, eventIdParam: string | null): RpcResponse {
  const eventId = eventIdOrUndefined(eventIdParam);
  const e = eventId ? room.get(eventId) : undefined;
  if (!e?.stateBefore) return error(404, "M_NOT_FOUND", `no state known at ${eventIdParam}`);
  const state = [...servedState(hs, room, e.stateBefore).values()].sort();
  return json(200, { pdu_ids: state, auth_chain_ids: authChain(room, state) });
}

/** GET /state: the state before an event and its auth chain, as whole events (Synapse: on_room_state_request). */
function fullState(hs: Homeserver, room: RoomStore, eventIdParam: string | null): RpcResponse {
  const eventId = eventIdOrUndefined(eventIdParam);
  const e = eventId ? room.get(eventId) : undefined;
  if (!e?.stateBefore) return error(404, "M_NOT_FOUND", `no state known at ${eventIdParam}`);
  const state = [...servedState(hs, room, e.stateBefore).values()].sort();
  return json(200, { pdus: pdusOf(room, state), auth_chain: pdusOf(room, authChain(room, state)) });
}

/** The state we report to others: the true state, unless an adversary changes it (sim/adversary.ts). */
function servedState(hs: Homeserver, room: RoomStore, state: StateSnapshot): StateSnapshot {
  return hs.adversary?.servedState?.(room, state) ?? state;
}

/**
 * GET /event. Serving as Synapse (FederationHandler.get_persisted_pdu), only to a server
 * in the event's room, redacted when it may not see it.
 */
function getEvent(hs: Homeserver, origin: string, eventIdParam: string): RpcResponse {
  const eventId = eventIdOrUndefined(eventIdParam);
  for (const roomId of eventId ? [...hs.rooms.keys()].sort() : []) {
    const room = hs.rooms.get(roomId)!;
    const e = room.get(eventId!);
    if (!e) continue;
    let pdu = e.pdu;
    if (hs.params.federationServing === "synapse") {
      if (!hs.serversInRoom(room).includes(origin)) return error(403, "M_FORBIDDEN", `${origin} is not in the room`);
      pdu = pduForServer(room, e, origin);
    }
    return json(200, { origin: hs.name, origin_server_ts: hs.localNowMs(), pdus: [pduToJson(pdu)] });
  }
  return error(404, "M_NOT_FOUND", `unknown event ${eventIdParam}`);
}

/**
 * GET /backfill: the given events and their predecessors, newest first, up to limit.
 * Serving as Synapse (FederationHandler.on_backfill_request), redacted where the
 * requester may not see them.
 */
function backfill(hs: Homeserver, room: RoomStore, origin: string, from: EventId[], limit: number): RpcResponse {
  const max = Math.min(Math.max(1, limit), HANDLER_LIMITS.backfillLimitMax);
  const synapse = hs.params.federationServing === "synapse";
  const out: Pdu[] = [];
  const seen = new Set<EventId>();
  let frontier = from.filter((id) => room.has(id)).sort();
  while (frontier.length > 0 && out.length < max) {
    const next: EventId[] = [];
    for (const id of frontier) {
      if (seen.has(id) || out.length >= max) continue;
      seen.add(id);
      const e = room.get(id)!;
      out.push(synapse ? pduForServer(room, e, origin) : e.pdu);
      for (const p of prevEventIds(e.pdu)) if (room.has(p) && !seen.has(p)) next.push(p);
    }
    frontier = [...new Set(next)].sort();
  }
  return json(200, { origin: hs.name, origin_server_ts: hs.localNowMs(), pdus: out.map(pduToJson) });
}

/**
 * The auth chains of the given events (the events' own ids excluded unless reached),
 * sorted. since v12 no event cites the create event, yet every receiver needs it: it is
 * always included.
 */
export function authChain(room: RoomStore, ids: readonly EventId[]): EventId[] {
  const seen = new Set<EventId>();
  if (room.version.auth.roomIdFromCreateEvent && room.createId) seen.add(room.createId);
  const stack: EventId[] = [];
  for (const id of ids) {
    const e = room.get(id);
    if (e) stack.push(...authEventIds(e.pdu));
  }
  while (stack.length > 0 && seen.size < HANDLER_LIMITS.authChainEventsMax) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    const e = room.get(id);
    if (!e) continue;
    seen.add(id);
    for (const a of authEventIds(e.pdu)) if (!seen.has(a)) stack.push(a);
  }
  return [...seen].sort();
}
