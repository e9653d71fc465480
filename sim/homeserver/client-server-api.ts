// The server side of the Client-Server API (spec: client-server-api): what a homeserver
// does when a client asks. It exists so that the rules live with the homeserver and
// every caller is thin: the simulated Client (sim/client.ts) and an HTTP front end call
// these same functions. Each takes the homeserver, the authenticated session and a
// request, and answers with a Result (a value, or a Matrix error such as M_FORBIDDEN):
// returned at once for local work, or given to `reply` exactly once, later in virtual
// time, when federation or an application service is involved.

import {
  canonicalJson,
  parseEventId,
  PDU_LIMITS,
  serverOfUser,
  stateKey,
  stateMapToObject,
  type EventId,
  type JsonObject,
  type Pdu,
  type RoomId,
  type UserId,
  utf8ByteLength,
} from "../../core/index.ts";
import { ensureAliasKnown, ensureUserKnown, unknownServiceUser } from "../appservice/queries.ts";
import type { ServiceEntry } from "../appservice/registry.ts";
import { fail, matrixError, ok, type MatrixError, type Result } from "../matrix-error.ts";
import { createRoomEvents, type CreateRoomOptions } from "./room-presets.ts";
import { backfillRoom } from "./backfill.ts";
import type { Homeserver } from "./homeserver.ts";
import { pduFormat } from "./pdu-facts.ts";
import { localOutOfBandLeave, rejectRemoteInvite } from "./out-of-band.ts";
import { knockRemoteRoom } from "./remote-knock.ts";
import { authorisingUser, restrictedJoinRefusal } from "./restricted-joins.ts";
import { inviteRemoteUser, joinRemoteRoom } from "./remote-membership.ts";
import { parseRoomAlias } from "./room-directory.ts";
import { upgradeRoom as upgradeRoomAs } from "./room-upgrade.ts";
import type { RoomStore } from "./room-store.ts";
import { roomIdOrUndefined, serverPart, userIdOrUndefined } from "./wire.ts";
import { ephemeralSince, presenceSince } from "./ephemeral.ts";

/** Who makes a request, once authenticated: a user, or an application service acting as one. */
export interface Session {
  readonly userId: UserId;
  /** The application service making the request (as_token), for M_EXCLUSIVE checks. */
  readonly service?: ServiceEntry;
}

/** Where an answer that takes virtual time goes; called exactly once. */
export type Reply<T> = (result: Result<T>) => void;

export interface SyncRoom {
  timeline: Array<{
    eventId: EventId;
    type: string;
    sender: string;
    stateKey?: string;
    content: JsonObject;
    originServerTs: number;
  }>;
  /** `{type: {state_key: event id}}`: the state after the timeline (the spec's use_state_after). */
  stateAfter: Record<string, Record<string, EventId>>;
  limited: boolean;
  /** m.typing (when who is typing changed) and m.receipt (receipts new since `since`): ephemeral.ts. */
  ephemeral: JsonObject[];
}

export interface SyncResponse {
  nextBatch: number;
  join: Record<string, SyncRoom>;
  invite: Record<string, { inviter: string; eventId: EventId }>;
  leave: string[];
  /** m.presence events of the user and of those sharing a room with them, changed since `since`. */
  presence: JsonObject[];
  /** Rooms the user knocked on and is waiting to be let into (spec: sync's `knock` section). */
  knock: Record<string, { eventId: EventId }>;
  /** Set (and nothing else) when the request failed. */
  error?: MatrixError;
}

/** At most this many timeline events per room per sync; more sets `limited`. */
export const SYNC_TIMELINE_MAX = 100;

// ---- authentication -------------------------------------------------------------------

/** An access token of one of our users, for that user (M_UNKNOWN_TOKEN after logout). */
export function authenticateUser(hs: Homeserver, accessToken: string, userId: UserId): Result<Session> {
  return hs.userForToken(accessToken) === userId
    ? ok({ userId })
    : fail("M_UNKNOWN_TOKEN", "the access token is not valid");
}

/**
 * An application service's as_token with identity assertion (spec: application-service-api
 * "Identity assertion"): it acts as its sender user or as a registered user of its user
 * namespaces. Outside them M_EXCLUSIVE (the spec's wording; Synapse answers 403
 * M_FORBIDDEN); a user of the namespace never registered: M_FORBIDDEN (as Synapse).
 */
export function authenticateService(hs: Homeserver, asToken: string, userId: UserId): Result<Session> {
  const service = hs.appServices.byToken(asToken);
  if (!service) return fail("M_UNKNOWN_TOKEN", "unknown application service token");
  if (userId === service.senderUserId) return ok({ userId, service });
  if (!service.namespaces.matches("users", userId)) {
    return fail(
      "M_EXCLUSIVE",
      `application service ${service.id} cannot act as ${userId}: outside its user namespaces`,
    );
  }
  if (serverOfUser(userId) !== hs.name || !hs.users.has(userId))
    return fail("M_FORBIDDEN", `application service ${service.id} has not registered ${userId}`);
  return ok({ userId, service });
}

/** POST /logout: the access token stops working. */
export function logout(hs: Homeserver, accessToken: string): void {
  hs.revokeToken(accessToken);
}

// ---- rooms and events ---------------------------------------------------------------------

/** POST /createRoom, without its invites: the caller invites (each invite is a call of its own). */
export function createRoom(hs: Homeserver, session: Session, options: CreateRoomOptions): Result<RoomId> {
  for (const request of createRoomRequests(options)) {
    const refused = refuseRequest(hs, request);
    if (refused) return refused;
  }
  return createRoomEvents(hs, session.userId, options);
}

/** The events a createRoom's own options become, checked as if each were sent by itself. */
function createRoomRequests(options: CreateRoomOptions): SendEventRequest[] {
  const roomId = "";
  const requests: SendEventRequest[] = [];
  if (options.name !== undefined)
    requests.push({ roomId, type: "m.room.name", stateKey: "", content: { name: options.name } });
  if (options.topic !== undefined)
    requests.push({ roomId, type: "m.room.topic", stateKey: "", content: { topic: options.topic } });
  if (options.creationContent !== undefined)
    requests.push({ roomId, type: "m.room.create", stateKey: "", content: options.creationContent });
  if (options.powerLevelContentOverride !== undefined)
    requests.push({ roomId, type: "m.room.power_levels", stateKey: "", content: options.powerLevelContentOverride });
  for (const state of options.initialState ?? [])
    requests.push({ roomId, type: state.type, stateKey: state.state_key ?? "", content: state.content });
  return requests;
}

/** POST /rooms/{roomId}/upgrade: the replacement room's id (sim/homeserver/room-upgrade.ts). */
export function upgradeRoom(hs: Homeserver, session: Session, roomId: string, newVersion: string): Result<RoomId> {
  if (typeof roomId !== "string" || typeof newVersion !== "string")
    return fail("M_BAD_JSON", "the room id and new_version are strings");
  return upgradeRoomAs(hs, session.userId, roomId, newVersion);
}

export interface SendEventRequest {
  roomId: string;
  type: string;
  /** Present for a state event (PUT /state/{type}/{stateKey}). */
  stateKey?: string;
  content: JsonObject;
  /** For m.room.redaction (PUT /redact/{eventId}). */
  redacts?: EventId;
}

/** PUT /rooms/{roomId}/send, /state and /redact: a new event from the user, if auth allows it. */
export function sendEvent(hs: Homeserver, session: Session, request: SendEventRequest): Result<EventId> {
  const refused = refuseRequest(hs, request);
  if (refused) return refused;
  const room = joinedRoom(hs, request.roomId);
  if (!room.ok) return room;
  const prepared = hs.prepareLocalEvent(room.value, {
    sender: session.userId,
    type: request.type,
    stateKey: request.stateKey,
    content: request.content,
    redacts: request.redacts,
  });
  if (!prepared.ok) return prepared;
  // The whole PDU (prev and auth events, hashes, signature) is known only once built: an
  // event that would still break a limit is dropped here, never stored nor sent.
  // (The verdict is a fact of the event object: receivers of the same object reuse it.)
  const unfit = honest(hs) && pduFormat(prepared.value.pdu, room.value.version);
  if (unfit && !unfit.ok)
    return { ok: false, error: matrixError("M_TOO_LARGE", `the event would be malformed: ${unfit.reason}`) };
  return ok(hs.commitLocalEvent(prepared.value).id);
}

// ---- request limits -----------------------------------------------------------------------

/** Deeper content is refused before it is encoded: the encoder recurses, one frame a level. */
export const CONTENT_DEPTH_MAX = 100;

/**
 * Why a request is refused before anything is built or signed: content that has no
 * canonical JSON form (a float, an integer beyond ±(2^53−1), a lone surrogate, nesting
 * too deep) is M_BAD_JSON as a homeserver answers; a type, state_key or content over the
 * PDU limits (core's PDU_LIMITS) is M_TOO_LARGE. An adversary's server skips the size
 * limits: it may create what honest peers refuse, on purpose.
 */
function refuseRequest(hs: Homeserver, request: SendEventRequest): Result<never> | undefined {
  const content: unknown = request.content;
  if (typeof content !== "object" || content === null || Array.isArray(content))
    return fail("M_BAD_JSON", "content must be a JSON object");
  for (const [name, value] of [
    ["type", request.type],
    ["state_key", request.stateKey],
    ["redacts", request.redacts],
  ] as const) {
    if (value !== undefined && typeof value !== "string") return fail("M_BAD_JSON", `${name} must be a string`);
  }
  if (request.redacts !== undefined && !eventIdOrUndefined(request.redacts))
    return fail("M_INVALID_PARAM", `${JSON.stringify(request.redacts)} is not an event id`);
  if (jsonDepth(content) > CONTENT_DEPTH_MAX)
    return fail("M_BAD_JSON", `content nested deeper than ${CONTENT_DEPTH_MAX} levels`);
  let contentBytes: number;
  try {
    contentBytes = utf8ByteLength(canonicalJson(content));
  } catch (e) {
    return fail("M_BAD_JSON", `content is not valid JSON for an event: ${(e as Error).message}`);
  }
  for (const [name, value] of [
    ["type", request.type],
    ["state_key", request.stateKey],
  ] as const) {
    if (typeof value === "string" && LONE_SURROGATE.test(value))
      return fail("M_BAD_JSON", `${name} contains a lone surrogate`);
  }
  if (!honest(hs)) return undefined;
  for (const [name, value] of [
    ["type", request.type],
    ["state_key", request.stateKey],
  ] as const) {
    if (value !== undefined && utf8ByteLength(value) > PDU_LIMITS.fieldBytesMax)
      return tooLarge(`${name} is longer than ${PDU_LIMITS.fieldBytesMax} bytes`);
  }
  if (contentBytes > PDU_LIMITS.eventBytesMax)
    return tooLarge(`the event would be over ${PDU_LIMITS.eventBytesMax} bytes (its content alone is ${contentBytes})`);
  return undefined;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function eventIdOrUndefined(value: string): EventId | undefined {
  try {
    return parseEventId(value);
  } catch {
    return undefined;
  }
}

function honest(hs: Homeserver): boolean {
  return hs.adversary === undefined;
}

function tooLarge(reason: string): Result<never> {
  return { ok: false, error: matrixError("M_TOO_LARGE", reason) };
}

/** How deeply objects and arrays nest in a value, walked without recursion (content may be hostile). */
function jsonDepth(value: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== "object" || node === null) continue;
    deepest = Math.max(deepest, depth);
    if (deepest > CONTENT_DEPTH_MAX) return deepest;
    for (const child of Array.isArray(node) ? node : Object.values(node)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** kick, ban, unban and leave: a membership event about `target` (PUT /state/m.room.member/{target}). */
export function setMembership(
  hs: Homeserver,
  session: Session,
  roomId: string,
  target: string,
  membership: string,
  reason?: string,
): Result<EventId> {
  return sendEvent(hs, session, {
    roomId,
    type: "m.room.member",
    stateKey: target,
    content: { membership, ...(reason ? { reason } : {}) },
  });
}

/**
 * GET /rooms/{roomId}/state/{type}/{stateKey}: the current content as this server holds
 * it; undefined when the room has no such state (M_NOT_FOUND when we are not in the room).
 */
export function stateContent(
  hs: Homeserver,
  _session: Session,
  roomId: string,
  type: string,
  key: string,
): Result<JsonObject | undefined> {
  const room = joinedRoom(hs, roomId);
  if (!room.ok) return room;
  const id = room.value.currentState.get(stateKey(type, key));
  return ok(id ? room.value.get(id)?.pdu.content : undefined);
}

/**
 * POST /rooms/{roomId}/leave. An invite to a room we are not in is rejected through the
 * inviter's server, or by a leave of our own when it cannot be reached (out-of-band.ts;
 * inviteRejection "local": only forgotten); a knock on such a room is withdrawn by a leave of
 * our own, as Synapse's remote_rescind_knock does.
 */
export function leave(hs: Homeserver, session: Session, roomId: string, reply: Reply<EventId>): void {
  const id = roomIdOrUndefined(roomId);
  const held = id !== undefined && hs.room(id) !== undefined;
  const invite = id && !held ? hs.pendingInvites.get(session.userId)?.get(id) : undefined;
  if (id && invite) {
    if (hs.params.inviteRejection === "local") {
      hs.pendingInvites.get(session.userId)!.delete(id);
      return reply(ok(invite.eventId));
    }
    return hs.run(rejectRemoteInvite(hs, session.userId, id, invite), reply, lost(hs, reply));
  }
  const knock = id && !held ? hs.outOfBand.get(session.userId)?.get(id) : undefined;
  if (id && knock?.membership === "knock") return reply(ok(localOutOfBandLeave(hs, session.userId, id, knock)));
  reply(setMembership(hs, session, roomId, session.userId, "leave"));
}

/**
 * POST /rooms/{roomId}/invite. An unknown user of a service's namespace is asked of the
 * service first (it may create the user, a ghost); a remote user's server countersigns.
 */
export function invite(hs: Homeserver, session: Session, roomId: string, userId: string, reply: Reply<EventId>): void {
  const room = joinedRoom(hs, roomId);
  if (!room.ok) return reply(room);
  // Checked before it is quoted: a hostile value (an array nested 10,000 deep, an object
  // without a prototype) cannot be turned into text (found by npm run fuzz, seed 13100).
  if (typeof userId !== "string") return reply(fail("M_INVALID_PARAM", "user_id must be a string"));
  const target = userIdOrUndefined(userId);
  if (!target) return reply(fail("M_INVALID_PARAM", `${userId} is not a user id`));
  if (!unknownServiceUser(hs, target)) return invitePrepared(hs, session, room.value, target, reply);
  hs.run(
    ensureUserKnown(hs, target),
    (known) => {
      if (known === "exists") invitePrepared(hs, session, room.value, target, reply);
      else
        reply(
          known === "failed"
            ? {
                ok: false,
                error: matrixError("M_UNKNOWN", `the application service did not answer about ${userId}`, 408),
              }
            : fail("M_NOT_FOUND", `no user ${userId}`),
        );
    },
    lost(hs, reply),
  );
}

function invitePrepared(
  hs: Homeserver,
  session: Session,
  room: RoomStore,
  target: UserId,
  reply: Reply<EventId>,
): void {
  const prepared = hs.prepareLocalEvent(room, {
    sender: session.userId,
    type: "m.room.member",
    stateKey: target,
    content: { membership: "invite" },
  });
  if (!prepared.ok) reply(prepared);
  else if (serverOfUser(target) === hs.name) reply(ok(hs.commitLocalEvent(prepared.value).id));
  else hs.run(inviteRemoteUser(hs, prepared.value, target), (r) => reply(r.ok ? ok(r.value.id) : r), lost(hs, reply));
}

/**
 * POST /join/{roomIdOrAlias}: locally when this server is in the room, otherwise over
 * federation through `via`. An alias is looked up in this server's directory first; an
 * unknown alias of a service's namespace is asked of the service.
 */
export function join(
  hs: Homeserver,
  session: Session,
  roomIdOrAlias: string,
  via: readonly string[],
  reply: Reply<EventId>,
): void {
  // The server_name query parameters: names, as a homeserver parses them (found by npm run fuzz).
  if (!Array.isArray(via) || !via.every((v) => typeof v === "string"))
    return reply(fail("M_INVALID_PARAM", "via must be a list of server names"));
  if (roomIdOrAlias.startsWith("#")) return joinAlias(hs, session, roomIdOrAlias, via, reply);
  const roomId = roomIdOrUndefined(roomIdOrAlias);
  if (!roomId) return reply(fail("M_INVALID_PARAM", `${roomIdOrAlias} is not a room id or alias`));
  joinRoomId(hs, session, roomId, via, reply);
}

function joinAlias(
  hs: Homeserver,
  session: Session,
  alias: string,
  via: readonly string[],
  reply: Reply<EventId>,
): void {
  withAlias(hs, alias, reply, (roomId) => joinRoomId(hs, session, roomId, [...via, hs.name], reply));
}

/** Resolve a local alias (asking an application service about one of its namespace), then go on with the room id. */
function withAlias(hs: Homeserver, alias: string, reply: Reply<EventId>, then: (roomId: RoomId) => void): void {
  const parsed = parseRoomAlias(alias);
  if (!parsed) return reply(fail("M_INVALID_PARAM", `${alias} is not a room alias (#localpart:server)`));
  if (parsed.server !== hs.name)
    return reply(fail("M_NOT_FOUND", `${alias}: resolving another server's alias over federation is not modelled`));
  hs.run(
    ensureAliasKnown(hs, alias),
    ({ result, roomId }) => {
      if (roomId) return then(roomId);
      reply(
        result === "failed"
          ? { ok: false, error: matrixError("M_UNKNOWN", `the application service did not answer about ${alias}`, 408) }
          : fail("M_NOT_FOUND", `no room alias ${alias}`),
      );
    },
    lost(hs, reply),
  );
}

/**
 * POST /knock/{roomIdOrAlias} (room versions 7+, join rule `knock`): a knock event of the
 * user's own, locally when this server is in the room, otherwise make_knock/send_knock
 * through `via` (remote-knock.ts). The room then shows in the user's sync under `knock`.
 */
export function knock(
  hs: Homeserver,
  session: Session,
  roomIdOrAlias: string,
  via: readonly string[],
  reason: string | undefined,
  reply: Reply<EventId>,
): void {
  const go = (roomId: RoomId, servers: readonly string[]) => {
    const { userId } = session;
    const room = hs.room(roomId);
    if (room && hs.serversInRoom(room).includes(hs.name)) {
      const knocked = hs.createLocalEvent(room, {
        sender: userId,
        type: "m.room.member",
        stateKey: userId,
        content: { membership: "knock", ...(reason !== undefined ? { reason } : {}) },
      });
      return reply(knocked.ok ? ok(knocked.value.id) : knocked);
    }
    const candidates = [...new Set([...servers, ...roomServer(roomId)])];
    hs.run(knockRemoteRoom(hs, userId, roomId, candidates, reason), reply, lost(hs, reply));
  };
  if (roomIdOrAlias.startsWith("#")) return withAlias(hs, roomIdOrAlias, reply, (roomId) => go(roomId, via));
  const roomId = roomIdOrUndefined(roomIdOrAlias);
  if (!roomId) return reply(fail("M_INVALID_PARAM", `${roomIdOrAlias} is not a room id or alias`));
  go(roomId, via);
}

function joinRoomId(
  hs: Homeserver,
  session: Session,
  roomId: RoomId,
  via: readonly string[],
  reply: Reply<EventId>,
): void {
  const { userId } = session;
  const room = hs.room(roomId);
  if (room && (hs.serversInRoom(room).includes(hs.name) || hs.adversary?.joinsLocally?.(room))) {
    // A restricted room: one of our users able to invite vouches for the join, as a resident
    // does for a remote joiner (restricted-joins.ts; Synapse: RoomMemberHandler.update_membership_locked).
    const via = authorisingUser(hs, room, userId);
    const vouched = via?.ok && !restrictedJoinRefusal(hs, room, userId);
    const joined = hs.createLocalEvent(room, {
      sender: userId,
      type: "m.room.member",
      stateKey: userId,
      content: { membership: "join", ...(vouched ? { join_authorised_via_users_server: via.userId } : {}) },
    });
    return reply(joined.ok ? ok(joined.value.id) : joined);
  }
  const invite = hs.pendingInvites.get(userId)?.get(roomId);
  const inviter = invite ? [serverPart(invite.pdu.sender)] : [];
  const servers = [...new Set([...inviter, ...via, ...roomServer(roomId)])];
  hs.run(joinRemoteRoom(hs, userId, roomId, servers), reply, lost(hs, reply));
}

/**
 * PUT /directory/room/{roomAlias}: point a local alias at a room. Refused with
 * M_EXCLUSIVE inside another service's exclusive alias namespace, or, for a service,
 * outside its own.
 */
export function createAlias(hs: Homeserver, session: Session, alias: string, roomId: string): Result<string> {
  if (typeof alias !== "string") return fail("M_INVALID_PARAM", "a room alias must be a string");
  const parsed = parseRoomAlias(alias);
  if (!parsed) return fail("M_INVALID_PARAM", `${alias} is not a room alias (#localpart:server)`);
  if (parsed.server !== hs.name) return fail("M_INVALID_PARAM", `${alias} does not belong to ${hs.name}`);
  const room = hs.room(roomId);
  if (!room) return fail("M_NOT_FOUND", `${hs.name} is not in room ${roomId}`);
  if (hs.directory.has(alias)) return { ok: false, error: matrixError("M_UNKNOWN", `${alias} already exists`, 409) };
  const allowed = hs.appServices.mayCreateAlias(alias, session.service);
  if (!allowed.ok) return allowed;
  if (!hs.directory.set(alias, room.roomId, session.userId))
    return fail("M_LIMIT_EXCEEDED", `${hs.name}'s directory is full`);
  return ok(alias);
}

// ---- reading ------------------------------------------------------------------------------

/**
 * GET /rooms/{roomId}/messages (dir=b): the room's history, newest first: the events this
 * server holds, and, when it has fewer than `limit` because it joined late, older ones
 * backfilled from another server.
 */
export function messages(
  hs: Homeserver,
  _session: Session,
  roomId: string,
  limit: number,
  reply: Reply<SyncRoom["timeline"]>,
): void {
  // As a homeserver parses the query parameter: a whole number, else 400 (found by npm run fuzz).
  if (!Number.isSafeInteger(limit) || limit < 0)
    return reply(fail("M_INVALID_PARAM", "limit must be a whole number ≥ 0"));
  const room = joinedRoom(hs, roomId);
  if (!room.ok) return reply(room);
  const history = () => localHistory(room.value, limit);
  if (history().length >= limit) return reply(ok(history()));
  hs.run(backfillRoom(hs, room.value, limit), () => reply(ok(history())), lost(hs, reply));
}

/**
 * GET /sync: everything since `since` (a stream position; 0 for an initial sync): per
 * joined room the new timeline events in this server's arrival order and the state
 * after them. `quiet`: a checker looking, not the user syncing; checkers leave no trace.
 */
export function sync(hs: Homeserver, session: Session, since: number, options: { quiet?: boolean } = {}): SyncResponse {
  const { userId } = session;
  const response: SyncResponse = {
    nextBatch: hs.streamPosition,
    join: {},
    invite: {},
    leave: [],
    knock: {},
    presence: presenceSince(hs, userId, since),
  };
  let total = 0;
  let anyLimited = false;
  for (const roomId of [...hs.rooms.keys()].sort()) {
    const room = hs.rooms.get(roomId)!;
    const membership = hs.membership(room, userId);
    if (membership === "invite") {
      const id = room.currentState.get(stateKey("m.room.member", userId))!;
      response.invite[roomId] = { inviter: room.get(id)!.pdu.sender, eventId: id };
    } else if (membership === "join") {
      const joined = syncRoom(hs, room, since);
      total += joined.timeline.length;
      anyLimited ||= joined.limited;
      response.join[roomId] = joined;
    } else if (membership === "knock") {
      response.knock[roomId] = { eventId: room.currentState.get(stateKey("m.room.member", userId))! };
    } else if (membership !== undefined) response.leave.push(roomId);
  }
  for (const [roomId, inv] of [...(hs.pendingInvites.get(userId) ?? new Map()).entries()].sort()) {
    if (!response.join[roomId]) response.invite[roomId] = { inviter: inv.pdu.sender, eventId: inv.eventId };
  }
  // Leaves and knocks in rooms we are not in (out-of-band.ts).
  for (const [roomId, entry] of [...(hs.outOfBand.get(userId) ?? new Map()).entries()].sort()) {
    if (hs.room(roomId) && hs.membership(hs.room(roomId)!, userId) !== undefined) continue;
    if (entry.membership === "knock") response.knock[roomId] = { eventId: entry.eventId };
    else if (!response.leave.includes(roomId)) response.leave.push(roomId);
  }
  if (!options.quiet) {
    hs.trace.add({
      kind: "client.sync",
      server: hs.name,
      user: userId,
      since,
      nextBatch: response.nextBatch,
      events: total,
      limited: anyLimited,
    });
  }
  return response;
}

function syncRoom(hs: Homeserver, room: RoomStore, since: number): SyncRoom {
  const events = room.inStreamOrder().filter((e) => e.stream > since && e.status === "accepted");
  const limited = events.length > SYNC_TIMELINE_MAX;
  const timeline = events.slice(-SYNC_TIMELINE_MAX).map((e) => timelineEntry(e.id, e.clientPdu ?? e.pdu));
  const ephemeral = ephemeralSince(hs, room.roomId, since);
  return { timeline, stateAfter: stateMapToObject(room.currentState), limited, ephemeral };
}

/**
 * The newest `limit` events a server holds of a room (accepted, or backfilled from
 * before it joined), newest first: what /messages answers without asking anyone.
 */
export function localHistory(room: RoomStore, limit: number): SyncRoom["timeline"] {
  return room
    .inStreamOrder()
    .filter((e) => e.status === "accepted" || e.backfilled)
    .sort((a, b) => b.pdu.depth - a.pdu.depth || (a.id < b.id ? -1 : 1))
    .slice(0, limit)
    .map((e) => timelineEntry(e.id, e.clientPdu ?? e.pdu));
}

function timelineEntry(eventId: EventId, pdu: Pdu): SyncRoom["timeline"][number] {
  return {
    eventId,
    type: pdu.type,
    sender: pdu.sender,
    ...(typeof pdu.state_key === "string" ? { stateKey: pdu.state_key } : {}),
    content: pdu.content,
    originServerTs: pdu.origin_server_ts,
  };
}

// ---- helpers ------------------------------------------------------------------------------

function joinedRoom(hs: Homeserver, roomId: string): Result<RoomStore> {
  const room = hs.room(roomId);
  return room ? ok(room) : fail("M_NOT_FOUND", `${hs.name} is not in room ${roomId}`);
}

/** The answer a client gets when its server crashes during the call: the connection drops. */
function lost<T>(hs: Homeserver, reply: Reply<T>): () => void {
  return () => reply({ ok: false, error: matrixError("M_UNKNOWN", `${hs.name} went down before answering`, 502) });
}

/** Room ids of versions 1-11 name their creating server: a place to try joining through. */
function roomServer(roomId: string): string[] {
  const colon = roomId.indexOf(":");
  return colon > 0 ? [roomId.slice(colon + 1)] : [];
}
