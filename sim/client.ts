// A simulated Matrix client: one user on one homeserver, with methods shaped like the
// Client-Server API (content/client-server-api). Calls never throw for Matrix reasons:
// each returns a Pending that settles — at once for local work, later in virtual time
// when federation is involved — with a value or a Matrix error (M_FORBIDDEN, …).

import {
  serverOfUser,
  stateKey,
  stateMapToObject,
  type EventId,
  type JsonObject,
  type Pdu,
  type RoomId,
  type UserId,
} from "../core/index.ts";
import type { Homeserver } from "./homeserver/homeserver.ts";
import { backfillRoom } from "./homeserver/backfill.ts";
import { inviteRemoteUser, joinRemoteRoom } from "./homeserver/remote-membership.ts";
import type { RoomStore } from "./homeserver/room-store.ts";
import { fail, matrixError, ok, type MatrixError, type Result } from "./matrix-error.ts";
import { createRoomEvents, type CreateRoomOptions } from "./room-presets.ts";
import { ensureAliasKnown, ensureUserKnown } from "./appservice/queries.ts";
import type { ServiceEntry } from "./appservice/registry.ts";
import { parseRoomAlias } from "./homeserver/room-directory.ts";

/** The settled-or-not result of a client call. */
export class Pending<T> {
  result: Result<T> | undefined;
  private waiters: Array<(r: Result<T>) => void> = [];

  get done(): boolean {
    return this.result !== undefined;
  }

  settle(result: Result<T>): void {
    if (this.result) return;
    this.result = result;
    for (const w of this.waiters) w(result);
    this.waiters = [];
  }

  then(fn: (r: Result<T>) => void): void {
    if (this.result) fn(this.result);
    else this.waiters.push(fn);
  }

  /** The value, or throws with the Matrix error (for tests and scenarios that expect success). */
  value(): T {
    if (!this.result) throw new Error("the call has not completed yet");
    if (!this.result.ok) throw new Error(`${this.result.error.errcode}: ${this.result.error.error}`);
    return this.result.value;
  }

  static of<T>(result: Result<T>): Pending<T> {
    const p = new Pending<T>();
    p.settle(result);
    return p;
  }
}

export interface SyncRoom {
  timeline: Array<{ eventId: EventId; type: string; sender: string; stateKey?: string; content: JsonObject; originServerTs: number }>;
  /** `{type: {state_key: event id}}`: the state after the timeline (the spec's use_state_after). */
  stateAfter: Record<string, Record<string, EventId>>;
  limited: boolean;
}

export interface SyncResponse {
  nextBatch: number;
  join: Record<string, SyncRoom>;
  invite: Record<string, { inviter: string; eventId: EventId }>;
  leave: string[];
  /** Set (and nothing else) when the request failed. */
  error?: MatrixError;
}

/** At most this many timeline events per room per sync; more sets `limited`. */
export const SYNC_TIMELINE_MAX = 100;

export class Client {
  constructor(
    readonly hs: Homeserver,
    readonly userId: UserId,
    protected readonly accessToken: string,
  ) {}

  /**
   * Why the request is refused before it runs, or undefined when it may: M_UNKNOWN_TOKEN
   * when the access token is no longer valid (after logout). An application service's
   * client checks its as_token and identity assertion instead (sim/appservice/as-client.ts).
   */
  protected authenticate(): MatrixError | undefined {
    return this.hs.userForToken(this.accessToken) === this.userId ? undefined : matrixError("M_UNKNOWN_TOKEN", "the access token is not valid");
  }

  /** The application service making the request, when it is one (for M_EXCLUSIVE checks). */
  protected actingService(): ServiceEntry | undefined {
    return undefined;
  }

  private unauthenticated<T>(action: string, roomId: string | undefined): Pending<T> | undefined {
    const refused = this.authenticate();
    return refused ? this.record(action, roomId, Pending.of<T>({ ok: false, error: refused })) : undefined;
  }

  /** POST /logout: the access token stops working. */
  logout(): void {
    this.hs.revokeToken(this.accessToken);
  }

  private record<T>(action: string, roomId: string | undefined, pending: Pending<T>): Pending<T> {
    pending.then((r) =>
      this.traceAction({
        action,
        ...(roomId ? { room: roomId } : {}),
        ok: r.ok,
        ...(r.ok ? (typeof r.value === "string" ? { result: r.value } : {}) : { error: `${r.error.errcode}: ${r.error.error}` }),
      }),
    );
    return pending;
  }

  /** One settled call in the trace: `client.action` here, `as.action` for a service's client. */
  protected traceAction(fields: { action: string; room?: string; ok: boolean; result?: string; error?: string }): void {
    this.hs.trace.add({ kind: "client.action", server: this.hs.name, user: this.userId, ...fields });
  }

  private joinedRoom(roomId: RoomId | string): Result<RoomStore> {
    const room = this.hs.room(roomId);
    if (!room) return fail("M_NOT_FOUND", `${this.hs.name} is not in room ${roomId}`);
    return ok(room);
  }

  createRoom(options: CreateRoomOptions = {}): Pending<RoomId> {
    const denied = this.unauthenticated<RoomId>("createRoom", undefined);
    if (denied) return denied;
    const pending = new Pending<RoomId>();
    const created = createRoomEvents(this.hs, this.userId, options);
    if (!created.ok) pending.settle(created);
    else {
      const roomId = created.value;
      const invites = (options.invite ?? []).map((u) => this.invite(roomId, u));
      let left = invites.length;
      if (left === 0) pending.settle(ok(roomId));
      for (const inv of invites) inv.then(() => --left === 0 && pending.settle(ok(roomId)));
    }
    return this.record("createRoom", undefined, pending);
  }

  /** Send a message event (m.room.message, m.text unless `content` says otherwise). */
  sendMessage(roomId: RoomId | string, body: string, content: JsonObject = {}): Pending<EventId> {
    const denied = this.unauthenticated<EventId>("sendMessage", roomId);
    if (denied) return denied;
    return this.record("sendMessage", roomId, Pending.of(this.send(roomId, "m.room.message", undefined, { msgtype: "m.text", body, ...content })));
  }

  sendEvent(roomId: RoomId | string, type: string, content: JsonObject): Pending<EventId> {
    const denied = this.unauthenticated<EventId>(`send ${type}`, roomId);
    if (denied) return denied;
    return this.record(`send ${type}`, roomId, Pending.of(this.send(roomId, type, undefined, content)));
  }

  setState(roomId: RoomId | string, type: string, stateKeyValue: string, content: JsonObject): Pending<EventId> {
    const denied = this.unauthenticated<EventId>(`setState ${type}`, roomId);
    if (denied) return denied;
    return this.record(`setState ${type}`, roomId, Pending.of(this.send(roomId, type, stateKeyValue, content)));
  }

  setTopic(roomId: RoomId | string, topic: string): Pending<EventId> {
    return this.setState(roomId, "m.room.topic", "", { topic });
  }

  /** Change one user's power level, keeping the rest of the current PL content. */
  setPowerLevel(roomId: RoomId | string, userId: string, level: number): Pending<EventId> {
    const denied = this.unauthenticated<EventId>("setPowerLevel", roomId);
    if (denied) return denied;
    const room = this.joinedRoom(roomId);
    if (!room.ok) return Pending.of(room);
    const current = this.currentContent(room.value, "m.room.power_levels", "") ?? {};
    const users = { ...((current.users as JsonObject | undefined) ?? {}), [userId]: level };
    return this.setState(roomId, "m.room.power_levels", "", { ...current, users });
  }

  redact(roomId: RoomId | string, eventId: EventId, reason?: string): Pending<EventId> {
    const denied = this.unauthenticated<EventId>("redact", roomId);
    if (denied) return denied;
    return this.record("redact", roomId, Pending.of(this.send(roomId, "m.room.redaction", undefined, reason ? { reason } : {}, eventId)));
  }

  invite(roomId: RoomId | string, userId: string): Pending<EventId> {
    const denied = this.unauthenticated<EventId>("invite", roomId);
    if (denied) return denied;
    const pending = new Pending<EventId>();
    const room = this.joinedRoom(roomId);
    if (!room.ok) pending.settle(room);
    else if (this.needsUserQuery(userId)) {
      // An unknown user of a service's namespace: the service may create it (a ghost) first.
      this.hs.run(ensureUserKnown(this.hs, userId as UserId), (known) => {
        if (known === "exists") this.invitePrepared(room.value, userId, pending);
        else pending.settle(known === "failed" ? { ok: false, error: matrixError("M_UNKNOWN", `the application service did not answer about ${userId}`, 408) } : fail("M_NOT_FOUND", `no user ${userId}`));
      }, this.lost(pending));
    } else this.invitePrepared(room.value, userId, pending);
    return this.record("invite", roomId, pending);
  }

  /** The answer a client gets when its server crashes during the call: the connection drops. */
  private lost<T>(pending: Pending<T>): () => void {
    return () => pending.settle({ ok: false, error: matrixError("M_UNKNOWN", `${this.hs.name} went down before answering`, 502) });
  }

  private needsUserQuery(userId: string): boolean {
    return userId.startsWith("@") && serverOfUser(userId as UserId) === this.hs.name && !this.hs.users.has(userId as UserId) && this.hs.appServices.queryTargets("users", userId).length > 0;
  }

  private invitePrepared(room: RoomStore, userId: string, pending: Pending<EventId>): void {
    const prepared = this.hs.prepareLocalEvent(room, this.userId, "m.room.member", userId, { membership: "invite" });
    if (!prepared.ok) pending.settle(prepared);
    else if (serverOfUser(userId as UserId) === this.hs.name) pending.settle(ok(this.hs.commitLocalEvent(prepared.value).id));
    else this.hs.run(inviteRemoteUser(this.hs, prepared.value, userId as UserId), (r) => pending.settle(r.ok ? ok(r.value.id) : r), this.lost(pending));
  }

  /**
   * Join a room (POST /join/{roomIdOrAlias}): locally when this server is in it, otherwise
   * over federation through `via`. An alias is looked up in this server's directory
   * first; an unknown alias of a service's namespace is asked of the service.
   */
  join(roomId: RoomId | string, via: readonly string[] = []): Pending<EventId> {
    const denied = this.unauthenticated<EventId>("join", roomId);
    if (denied) return denied;
    const pending = new Pending<EventId>();
    if (roomId.startsWith("#")) this.joinAlias(roomId, via, pending);
    else this.joinRoomId(roomId, via, pending);
    return this.record("join", roomId, pending);
  }

  private joinAlias(alias: string, via: readonly string[], pending: Pending<EventId>): void {
    const parsed = parseRoomAlias(alias);
    if (!parsed) return pending.settle(fail("M_INVALID_PARAM", `${alias} is not a room alias (#localpart:server)`));
    if (parsed.server !== this.hs.name) return pending.settle(fail("M_NOT_FOUND", `${alias}: resolving another server's alias over federation is not modelled`));
    this.hs.run(ensureAliasKnown(this.hs, alias), ({ result, roomId }) => {
      if (roomId) return this.joinRoomId(roomId, [...via, this.hs.name], pending);
      pending.settle(result === "failed" ? { ok: false, error: matrixError("M_UNKNOWN", `the application service did not answer about ${alias}`, 408) } : fail("M_NOT_FOUND", `no room alias ${alias}`));
    }, this.lost(pending));
  }

  /**
   * PUT /directory/room/{roomAlias}: point a local alias at a room. Refused with
   * M_EXCLUSIVE inside another service's exclusive alias namespace, or, for a service,
   * outside its own.
   */
  createAlias(alias: string, roomId: RoomId | string): Pending<string> {
    const denied = this.unauthenticated<string>("createAlias", roomId);
    if (denied) return denied;
    const parsed = parseRoomAlias(alias);
    let result: Result<string>;
    if (!parsed) result = fail("M_INVALID_PARAM", `${alias} is not a room alias (#localpart:server)`);
    else if (parsed.server !== this.hs.name) result = fail("M_INVALID_PARAM", `${alias} does not belong to ${this.hs.name}`);
    else if (!this.hs.room(roomId)) result = fail("M_NOT_FOUND", `${this.hs.name} is not in room ${roomId}`);
    else if (this.hs.directory.has(alias)) result = { ok: false, error: matrixError("M_UNKNOWN", `${alias} already exists`, 409) };
    else {
      const allowed = this.hs.appServices.mayCreateAlias(alias, this.actingService());
      if (!allowed.ok) result = allowed;
      else if (!this.hs.directory.set(alias, roomId as RoomId, this.userId)) result = fail("M_LIMIT_EXCEEDED", `${this.hs.name}'s directory is full`);
      else result = ok(alias);
    }
    return this.record("createAlias", roomId, Pending.of(result));
  }

  private joinRoomId(roomId: RoomId | string, via: readonly string[], pending: Pending<EventId>): void {
    const room = this.hs.room(roomId);
    if (room && (this.hs.serversInRoom(room).includes(this.hs.name) || this.hs.adversary?.joinsLocally?.(room))) {
      pending.settle(this.membershipResult(this.hs.createLocalEvent(room, this.userId, "m.room.member", this.userId, { membership: "join" })));
    } else {
      const invite = this.hs.pendingInvites.get(this.userId)?.get(roomId as RoomId);
      const servers = [...new Set([...(invite ? [serverOfUser(invite.pdu.sender as UserId)] : []), ...via, ...(roomServer(roomId))])];
      this.hs.run(joinRemoteRoom(this.hs, this.userId, roomId as RoomId, servers), (r) => pending.settle(r), this.lost(pending));
    }
  }

  leave(roomId: RoomId | string): Pending<EventId> {
    const denied = this.unauthenticated<EventId>("leave", roomId);
    if (denied) return denied;
    const pending = this.hs.pendingInvites.get(this.userId)?.get(roomId as RoomId) && !this.hs.room(roomId)
      ? // Rejecting an invite to a room we are not in: forget it locally (make_leave/send_leave is not modelled).
        Pending.of(this.forgetInvite(roomId as RoomId))
      : Pending.of(this.membershipEvent(roomId, this.userId, "leave"));
    return this.record("leave", roomId, pending);
  }

  kick(roomId: RoomId | string, userId: string, reason?: string): Pending<EventId> {
    const denied = this.unauthenticated<EventId>("kick", roomId);
    if (denied) return denied;
    return this.record("kick", roomId, Pending.of(this.membershipEvent(roomId, userId, "leave", reason)));
  }

  ban(roomId: RoomId | string, userId: string, reason?: string): Pending<EventId> {
    const denied = this.unauthenticated<EventId>("ban", roomId);
    if (denied) return denied;
    return this.record("ban", roomId, Pending.of(this.membershipEvent(roomId, userId, "ban", reason)));
  }

  unban(roomId: RoomId | string, userId: string): Pending<EventId> {
    const denied = this.unauthenticated<EventId>("unban", roomId);
    if (denied) return denied;
    return this.record("unban", roomId, Pending.of(this.membershipEvent(roomId, userId, "leave")));
  }

  /**
   * The room's history, newest first (GET /rooms/{roomId}/messages, dir=b): the events
   * this server holds, and — when it has fewer than `limit` because it joined late —
   * older ones backfilled from another server.
   */
  messages(roomId: RoomId | string, limit = 20): Pending<SyncRoom["timeline"]> {
    const denied = this.unauthenticated<SyncRoom["timeline"]>("messages", roomId);
    if (denied) return denied;
    const pending = new Pending<SyncRoom["timeline"]>();
    const room = this.joinedRoom(roomId);
    if (!room.ok) pending.settle(room);
    else {
      const history = () => localHistory(room.value, limit);
      if (history().length >= limit) pending.settle(ok(history()));
      else this.hs.run(backfillRoom(this.hs, room.value, limit), () => pending.settle(ok(history())), this.lost(pending));
    }
    return this.record("messages", roomId, pending);
  }

  /**
   * Everything since `since` (a stream position; 0 for an initial sync): per joined room
   * the new timeline events in this server's arrival order and the state after them.
   */
  sync(since = 0, options: { quiet?: boolean } = {}): SyncResponse {
    const response: SyncResponse = { nextBatch: this.hs.streamPosition, join: {}, invite: {}, leave: [] };
    const refused = this.authenticate();
    if (refused) return { ...response, nextBatch: since, error: refused };
    let total = 0;
    let anyLimited = false;
    for (const roomId of [...this.hs.rooms.keys()].sort()) {
      const room = this.hs.rooms.get(roomId)!;
      const membership = this.hs.membership(room, this.userId);
      if (membership === "invite") {
        const id = room.currentState.get(stateKey("m.room.member", this.userId))!;
        response.invite[roomId] = { inviter: room.get(id)!.pdu.sender, eventId: id };
        continue;
      }
      if (membership !== "join") {
        if (membership !== undefined) response.leave.push(roomId);
        continue;
      }
      const events = room.inStreamOrder().filter((e) => e.stream > since && e.status === "accepted");
      const limited = events.length > SYNC_TIMELINE_MAX;
      const timeline = events.slice(-SYNC_TIMELINE_MAX).map((e) => timelineEntry(e.id, e.clientPdu ?? e.pdu));
      total += timeline.length;
      anyLimited ||= limited;
      response.join[roomId] = { timeline, stateAfter: stateMapToObject(room.currentState), limited };
    }
    for (const [roomId, inv] of [...(this.hs.pendingInvites.get(this.userId) ?? new Map()).entries()].sort()) {
      if (!response.join[roomId]) response.invite[roomId] = { inviter: inv.pdu.sender, eventId: inv.eventId };
    }
    // quiet: a checker looking, not the user syncing; checkers leave no trace.
    if (!options.quiet) {
      this.hs.trace.add({ kind: "client.sync", server: this.hs.name, user: this.userId, since, nextBatch: response.nextBatch, events: total, limited: anyLimited });
    }
    return response;
  }

  /** The current content of a state event in a room, as this client's server sees it. */
  currentContent(room: RoomStore, type: string, key: string): JsonObject | undefined {
    const id = room.currentState.get(stateKey(type, key));
    return id ? (room.get(id)!.pdu.content as JsonObject) : undefined;
  }

  private send(roomId: RoomId | string, type: string, stateKeyValue: string | undefined, content: JsonObject, redacts?: EventId): Result<EventId> {
    const room = this.joinedRoom(roomId);
    if (!room.ok) return room;
    const created = this.hs.createLocalEvent(room.value, this.userId, type, stateKeyValue, content, redacts);
    return created.ok ? ok(created.value.id) : created;
  }

  private membershipEvent(roomId: RoomId | string, target: string, membership: string, reason?: string): Result<EventId> {
    return this.send(roomId, "m.room.member", target, { membership, ...(reason ? { reason } : {}) });
  }

  private membershipResult(r: Result<{ id: EventId }>): Result<EventId> {
    return r.ok ? ok(r.value.id) : r;
  }

  private forgetInvite(roomId: RoomId): Result<EventId> {
    const inv = this.hs.pendingInvites.get(this.userId)?.get(roomId);
    this.hs.pendingInvites.get(this.userId)?.delete(roomId);
    return inv ? ok(inv.eventId) : fail("M_NOT_FOUND", `no invite to ${roomId}`);
  }
}

/** Rooms ids of versions 1-11 name their creating server: a place to try joining through. */
function roomServer(roomId: string): string[] {
  const colon = roomId.indexOf(":");
  return colon > 0 ? [roomId.slice(colon + 1)] : [];
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
