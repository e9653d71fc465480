// A simulated Matrix client: one user on one homeserver, with methods shaped like the
// Client-Server API (content/client-server-api). Calls never throw for Matrix reasons:
// each returns a Pending that settles — at once for local work, later in virtual time
// when federation is involved — with a value or a Matrix error (M_FORBIDDEN, …).

import { isJsonObject, type EventId, type JsonObject, type RoomId, type UserId } from "../core/index.ts";
import * as api from "./homeserver/client-server-api.ts";
import * as ephemeral from "./homeserver/ephemeral.ts";
import type { Session, SyncResponse, SyncRoom } from "./homeserver/client-server-api.ts";
import type { Homeserver } from "./homeserver/homeserver.ts";
import { fail, matrixError, ok, type Result } from "./matrix-error.ts";
import type { CreateRoomOptions } from "./homeserver/room-presets.ts";

// The response shapes live with the API; they are re-exported for the Client's callers.
export {
  localHistory,
  SYNC_TIMELINE_MAX,
  type Session,
  type SyncResponse,
  type SyncRoom,
} from "./homeserver/client-server-api.ts";

/** An event type as the trace names the call: a caller may pass anything (a type of the wrong kind is refused, later). */
function label(type: unknown): string {
  return typeof type === "string" ? type : `(${typeof type})`;
}

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

/** The room argument of a call about no room (createRoom), apart from any value a caller may pass. */
const NO_ROOM: unique symbol = Symbol("no room");

export class Client {
  constructor(
    readonly hs: Homeserver,
    readonly userId: UserId,
    protected readonly accessToken: string,
  ) {}

  /**
   * Who is asking, or why the request is refused before it runs: M_UNKNOWN_TOKEN when
   * the access token is no longer valid (after logout). An application service's client
   * presents its as_token with identity assertion instead (sim/appservice/as-client.ts).
   */
  protected authenticate(): Result<Session> {
    return api.authenticateUser(this.hs, this.accessToken, this.userId);
  }

  /** The as_token check, for a client whose token is an application service's. */
  protected authenticateService(): Result<Session> {
    return api.authenticateService(this.hs, this.accessToken, this.userId);
  }

  /** Authenticate, then make the call; a refusal settles at once. Every call is recorded in the trace. */
  private call<T>(
    action: string,
    /** NO_ROOM for a call about no room (createRoom); anything else must be a room id (a caller may pass undefined or null). */
    roomId: string | typeof NO_ROOM,
    run: (session: Session, pending: Pending<T>) => void,
  ): Pending<T> {
    const pending = new Pending<T>();
    const session = this.authenticate();
    if (!session.ok) pending.settle(session);
    else if (roomId !== NO_ROOM && typeof roomId !== "string")
      pending.settle(
        fail(
          "M_INVALID_PARAM",
          `a room id is a string, not ${Array.isArray(roomId) ? "an array" : roomId === null ? "null" : typeof roomId}`,
        ),
      );
    else {
      try {
        run(session.value, pending);
      } catch (e) {
        // A request the server did not foresee (an argument of the wrong type from a
        // JavaScript caller): a homeserver answers 500, it does not fall over.
        pending.settle({ ok: false, error: matrixError("M_UNKNOWN", `internal error: ${(e as Error).message}`, 500) });
      }
    }
    return this.record(action, typeof roomId === "string" ? roomId : undefined, pending);
  }

  /** A call answered at once. */
  private now<T>(action: string, roomId: string | typeof NO_ROOM, run: (session: Session) => Result<T>): Pending<T> {
    return this.call<T>(action, roomId, (session, pending) => pending.settle(run(session)));
  }

  /** POST /logout: the access token stops working. */
  logout(): void {
    api.logout(this.hs, this.accessToken);
  }

  private record<T>(action: string, roomId: string | undefined, pending: Pending<T>): Pending<T> {
    pending.then((r) =>
      this.traceAction({
        action,
        ...(roomId ? { room: roomId } : {}),
        ok: r.ok,
        ...(r.ok
          ? typeof r.value === "string"
            ? { result: r.value }
            : {}
          : { error: `${r.error.errcode}: ${r.error.error}` }),
      }),
    );
    return pending;
  }

  /** One settled call in the trace: `client.action` here, `as.action` for a service's client. */
  protected traceAction(fields: { action: string; room?: string; ok: boolean; result?: string; error?: string }): void {
    this.hs.trace.add({ kind: "client.action", server: this.hs.name, user: this.userId, ...fields });
  }

  /** POST /createRoom; its invites are sent afterwards, each an invite call of its own. */
  createRoom(options: CreateRoomOptions = {}): Pending<RoomId> {
    return this.call<RoomId>("createRoom", NO_ROOM, (session, pending) => {
      const created = api.createRoom(this.hs, session, options);
      if (!created.ok) return pending.settle(created);
      const roomId = created.value;
      const invites = (options.invite ?? []).map((u) => this.invite(roomId, u));
      let left = invites.length;
      if (left === 0) pending.settle(ok(roomId));
      for (const inv of invites) inv.then(() => --left === 0 && pending.settle(ok(roomId)));
    });
  }

  /** POST /rooms/{roomId}/upgrade: a new room of `newVersion` replaces this one (sim/homeserver/room-upgrade.ts). */
  upgradeRoom(roomId: RoomId | string, newVersion: string): Pending<RoomId> {
    return this.now("upgradeRoom", roomId, (s) => api.upgradeRoom(this.hs, s, roomId, newVersion));
  }

  /** Send a message event (m.room.message, m.text unless `content` says otherwise). */
  sendMessage(roomId: RoomId | string, body: string, content: JsonObject = {}): Pending<EventId> {
    return this.now("sendMessage", roomId, (s) =>
      api.sendEvent(this.hs, s, { roomId, type: "m.room.message", content: { msgtype: "m.text", body, ...content } }),
    );
  }

  sendEvent(roomId: RoomId | string, type: string, content: JsonObject): Pending<EventId> {
    return this.now(`send ${label(type)}`, roomId, (s) => api.sendEvent(this.hs, s, { roomId, type, content }));
  }

  setState(roomId: RoomId | string, type: string, stateKeyValue: string, content: JsonObject): Pending<EventId> {
    return this.now(`setState ${label(type)}`, roomId, (s) =>
      api.sendEvent(this.hs, s, { roomId, type, stateKey: stateKeyValue, content }),
    );
  }

  setTopic(roomId: RoomId | string, topic: string): Pending<EventId> {
    return this.setState(roomId, "m.room.topic", "", { topic });
  }

  /** Change one user's power level, keeping the rest of the current PL content (read, then setState). */
  setPowerLevel(roomId: RoomId | string, userId: string, level: number): Pending<EventId> {
    if (typeof roomId !== "string" || typeof userId !== "string") {
      return this.record(
        "setPowerLevel",
        undefined,
        Pending.of<EventId>(fail("M_INVALID_PARAM", "the room id and the user id are strings")),
      );
    }
    const session = this.authenticate();
    if (!session.ok) return this.record("setPowerLevel", roomId, Pending.of<EventId>(session));
    const current = api.stateContent(this.hs, session.value, roomId, "m.room.power_levels", "");
    if (!current.ok) return Pending.of(current);
    const pl = current.value ?? {};
    const users = { ...(isJsonObject(pl.users) ? pl.users : {}), [userId]: level };
    return this.setState(roomId, "m.room.power_levels", "", { ...pl, users });
  }

  redact(roomId: RoomId | string, eventId: EventId, reason?: string): Pending<EventId> {
    return this.now("redact", roomId, (s) =>
      api.sendEvent(this.hs, s, {
        roomId,
        type: "m.room.redaction",
        content: reason ? { reason } : {},
        redacts: eventId,
      }),
    );
  }

  invite(roomId: RoomId | string, userId: string): Pending<EventId> {
    return this.call<EventId>("invite", roomId, (s, pending) =>
      api.invite(this.hs, s, roomId, userId, (r) => pending.settle(r)),
    );
  }

  /** POST /knock/{roomIdOrAlias} (room versions 7+): through `via` when this server is not in the room. */
  knock(roomId: RoomId | string, via: readonly string[] = [], reason?: string): Pending<EventId> {
    return this.call<EventId>("knock", roomId, (s, pending) =>
      api.knock(this.hs, s, roomId, via, reason, (r) => pending.settle(r)),
    );
  }

  /** POST /join/{roomIdOrAlias}: through `via` when this server is not in the room. */
  join(roomId: RoomId | string, via: readonly string[] = []): Pending<EventId> {
    return this.call<EventId>("join", roomId, (s, pending) =>
      api.join(this.hs, s, roomId, via, (r) => pending.settle(r)),
    );
  }

  /** PUT /directory/room/{roomAlias}: point a local alias at a room. */
  createAlias(alias: string, roomId: RoomId | string): Pending<string> {
    return this.now("createAlias", roomId, (s) => api.createAlias(this.hs, s, alias, roomId));
  }

  leave(roomId: RoomId | string): Pending<EventId> {
    return this.call<EventId>("leave", roomId, (s, pending) => api.leave(this.hs, s, roomId, (r) => pending.settle(r)));
  }

  kick(roomId: RoomId | string, userId: string, reason?: string): Pending<EventId> {
    return this.now("kick", roomId, (s) => api.setMembership(this.hs, s, roomId, userId, "leave", reason));
  }

  ban(roomId: RoomId | string, userId: string, reason?: string): Pending<EventId> {
    return this.now("ban", roomId, (s) => api.setMembership(this.hs, s, roomId, userId, "ban", reason));
  }

  unban(roomId: RoomId | string, userId: string): Pending<EventId> {
    return this.now("unban", roomId, (s) => api.setMembership(this.hs, s, roomId, userId, "leave"));
  }

  /** GET /rooms/{roomId}/messages, dir=b: newest first, backfilled when this server holds too few. */
  messages(roomId: RoomId | string, limit = 20): Pending<SyncRoom["timeline"]> {
    return this.call<SyncRoom["timeline"]>("messages", roomId, (s, pending) =>
      api.messages(this.hs, s, roomId, limit, (r) => pending.settle(r)),
    );
  }

  /** PUT /rooms/{roomId}/typing/{userId}: typing for `timeoutMs` (30 s by default, at most 120 s), or stopped. */
  typing(roomId: RoomId | string, typing: boolean, timeoutMs?: number): Pending<true> {
    return this.now("typing", roomId, (s) => ephemeral.setTyping(this.hs, s.userId, roomId, typing, timeoutMs));
  }

  /** POST /rooms/{roomId}/receipt/{receiptType}/{eventId} (m.read). */
  sendReceipt(roomId: RoomId | string, eventId: EventId | string, receiptType = "m.read"): Pending<true> {
    return this.now("receipt", roomId, (s) => ephemeral.sendReceipt(this.hs, s.userId, roomId, receiptType, eventId));
  }

  /** PUT /presence/{userId}/status. */
  setPresence(presence: string, statusMsg?: string): Pending<true> {
    return this.now("presence", NO_ROOM, (s) => ephemeral.setPresence(this.hs, s.userId, presence, statusMsg));
  }

  /** GET /presence/{userId}/status: what this client's server knows of the user's presence. */
  presenceOf(userId: string): JsonObject {
    return ephemeral.presenceOf(this.hs, userId);
  }

  /** GET /sync since `since` (0 for an initial sync). `quiet`: a checker looking leaves no trace. */
  sync(since = 0, options: { quiet?: boolean } = {}): SyncResponse {
    const session = this.authenticate();
    if (!session.ok)
      return { nextBatch: since, join: {}, invite: {}, leave: [], presence: [], knock: {}, error: session.error };
    return api.sync(this.hs, session.value, since, options);
  }

  /** GET /rooms/{roomId}/state/{type}/{stateKey}: the current content, as this client's server holds it. */
  stateContent(roomId: RoomId | string, type: string, key = ""): JsonObject | undefined {
    const session = this.authenticate();
    if (!session.ok) return undefined;
    const content = api.stateContent(this.hs, session.value, roomId, type, key);
    return content.ok ? content.value : undefined;
  }
}
