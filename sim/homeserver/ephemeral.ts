// Typing notifications, read receipts and presence: what a local user sets, which servers
// are told (as EDUs in /send: edu-outbox.ts), what a server does with the EDUs it receives,
// and what /sync shows. Each rule follows Synapse (docs/federation.md, "EDUs"):
// synapse/handlers/typing.py, receipts.py, presence.py and synapse/federation/sender/.

import { contentOf, splitStateKey, type EventId, type JsonObject, type RoomId, type UserId } from "../../core/index.ts";
import { fail, ok, type Result } from "../matrix-error.ts";
import { PRESENCE_STATES, RECEIPT_TYPES, type PresenceEntry, type PresenceState } from "./edu-wire.ts";
import { receiptKey, type StoredPresence, type TypingEntry } from "./ephemeral-state.ts";
import type { Homeserver } from "./homeserver.ts";
import type { RoomStore } from "./room-store.ts";

/** Synapse's limits and intervals (typing.py, the typing servlet, federation/sender). */
export const EPHEMERAL_TIMING = {
  /** A client's typing timeout when it gives none, and the most it may ask (RoomTypingRestServlet). */
  typingTimeoutMsDefault: 30_000,
  typingTimeoutMsMax: 120_000,
  /** A remote user's typing lasts this long unless its server says again (FEDERATION_TIMEOUT). */
  remoteTypingTimeoutMs: 60_000,
  /** A local user still typing is announced again this often (FEDERATION_PING_INTERVAL). */
  typingPingIntervalMs: 40_000,
  /** Receipts skip destinations backed off for longer than this (send_read_receipt: CATCHUP_RETRY_INTERVAL). */
  receiptRetryDueWithinMs: 3600_000,
} as const;

/** The users joined to a room in its current state, sorted. */
function joinedMembers(room: RoomStore): UserId[] {
  const out: UserId[] = [];
  for (const [k, id] of room.currentState.entries()) {
    const { type, stateKey } = splitStateKey(k);
    const pdu = type === "m.room.member" ? room.get(id)?.pdu : undefined;
    if (pdu && contentOf(pdu, "m.room.member")?.membership === "join") out.push(stateKey as UserId);
  }
  return out.sort();
}

function otherServers(hs: Homeserver, room: RoomStore): string[] {
  return hs.serversInRoom(room).filter((s) => s !== hs.name);
}

// ---- typing -------------------------------------------------------------------------------

/**
 * PUT /rooms/{roomId}/typing/{userId} (TypingWriterHandler.started_typing / stopped_typing):
 * the user must be joined. Starting while already typing only moves the timeout; the other
 * servers hear of a start and of a stop (or the timeout), and of a long typing every 40 s.
 */
export function setTyping(
  hs: Homeserver,
  userId: UserId,
  roomId: string,
  typing: boolean,
  timeoutMs: number = EPHEMERAL_TIMING.typingTimeoutMsDefault,
): Result<true> {
  const room = hs.room(roomId);
  if (!room || hs.membership(room, userId) !== "join") return fail("M_FORBIDDEN", `${userId} is not in room ${roomId}`);
  const forMs = Math.max(0, Math.min(EPHEMERAL_TIMING.typingTimeoutMsMax, timeoutMs));
  if (typing) startTyping(hs, room, userId, forMs, true);
  else stopTyping(hs, room, userId);
  return ok(true);
}

function typingIn(hs: Homeserver, roomId: RoomId): Map<UserId, TypingEntry> {
  let entries = hs.typing.rooms.get(roomId);
  if (!entries) {
    entries = new Map();
    hs.typing.rooms.set(roomId, entries);
  }
  return entries;
}

function startTyping(hs: Homeserver, room: RoomStore, userId: UserId, forMs: number, local: boolean): void {
  const entries = typingIn(hs, room.roomId);
  const existing = entries.get(userId);
  if (existing) hs.cancelScheduled(existing.expiry);
  const expiry = hs.schedule(forMs, `typing timeout ${userId}`, () => expireTyping(hs, room, userId));
  if (existing) {
    existing.untilMs = hs.nowMs + forMs;
    existing.expiry = expiry;
    // A remote server's repeat is news to our clients (Synapse bumps the room's serial); our own user's is not.
    if (!local) typingChanged(hs, room.roomId);
    return;
  }
  entries.set(userId, { untilMs: hs.nowMs + forMs, expiry, local, ping: undefined });
  typingChanged(hs, room.roomId);
  if (local) pushTyping(hs, room, userId, true);
}

function stopTyping(hs: Homeserver, room: RoomStore, userId: UserId): void {
  const entry = hs.typing.rooms.get(room.roomId)?.get(userId);
  if (!entry) return;
  hs.cancelScheduled(entry.expiry);
  forgetTyping(hs, room, userId, entry);
}

function expireTyping(hs: Homeserver, room: RoomStore, userId: UserId): void {
  const entry = hs.typing.rooms.get(room.roomId)?.get(userId);
  if (!entry) return;
  hs.trace.add({ kind: "edu.typing_expired", server: hs.name, room: room.roomId, user: userId });
  forgetTyping(hs, room, userId, entry);
}

function forgetTyping(hs: Homeserver, room: RoomStore, userId: UserId, entry: TypingEntry): void {
  if (entry.ping) hs.cancelScheduled(entry.ping);
  const entries = hs.typing.rooms.get(room.roomId)!;
  entries.delete(userId);
  if (entries.size === 0) hs.typing.rooms.delete(room.roomId);
  typingChanged(hs, room.roomId);
  if (entry.local) pushTyping(hs, room, userId, false);
}

function typingChanged(hs: Homeserver, roomId: RoomId): void {
  hs.typing.changedAt.set(roomId, hs.nextStream());
}

/**
 * Tell the room's other servers (TypingWriterHandler._push_remote): only those not backed
 * off now (filter_destinations_by_retry_limiter), so a typing notification is never queued
 * for a server we cannot reach. While the user types on, again every 40 s.
 */
function pushTyping(hs: Homeserver, room: RoomStore, userId: UserId, typing: boolean): void {
  for (const d of otherServers(hs, room))
    if (hs.retryWaitMs(d) === 0) hs.queueEdu(d, (o) => o.queueTyping(d, room.roomId, userId, typing));
  const entry = hs.typing.rooms.get(room.roomId)?.get(userId);
  if (!typing || !entry) return;
  entry.ping = hs.schedule(EPHEMERAL_TIMING.typingPingIntervalMs, `typing keep-alive ${userId}`, () => {
    entry.ping = undefined;
    if (hs.typing.rooms.get(room.roomId)?.get(userId) === entry) pushTyping(hs, room, userId, true);
  });
}

/** A remote server says its user is typing (for 60 s unless told again) or has stopped. */
export function remoteTyping(hs: Homeserver, room: RoomStore, userId: UserId, typing: boolean): void {
  if (typing) startTyping(hs, room, userId, EPHEMERAL_TIMING.remoteTypingTimeoutMs, false);
  else stopTyping(hs, room, userId);
}

/** Who is typing in the room now, sorted. */
export function typingUsers(hs: Homeserver, roomId: string): UserId[] {
  return [...(hs.typing.rooms.get(roomId as RoomId)?.keys() ?? [])].sort();
}

// ---- receipts -----------------------------------------------------------------------------

/**
 * POST /rooms/{roomId}/receipt/m.read/{eventId} (ReceiptsHandler.received_client_receipt):
 * the user must be joined. A receipt for an event the server does not hold (or rejected)
 * is answered and dropped (EventHandler.get_event finds nothing), and one for an event
 * older than the user's current one changes nothing and is not sent (insert_receipt).
 */
export function sendReceipt(
  hs: Homeserver,
  userId: UserId,
  roomId: string,
  receiptType: string,
  eventId: string,
): Result<true> {
  if (!(RECEIPT_TYPES as readonly string[]).includes(receiptType))
    return fail("M_INVALID_PARAM", `receipt type ${receiptType} is not supported (only ${RECEIPT_TYPES.join(", ")})`);
  const room = hs.room(roomId);
  if (!room || hs.membership(room, userId) !== "join") return fail("M_FORBIDDEN", `${userId} is not in room ${roomId}`);
  const event = room.get(eventId as EventId);
  if (!event || event.status === "rejected") return ok(true);
  const ts = hs.localNowMs();
  if (!storeReceipt(hs, room, receiptType, userId, event.id, ts)) return ok(true);
  const due = EPHEMERAL_TIMING.receiptRetryDueWithinMs;
  for (const d of otherServers(hs, room))
    if (hs.retryWaitMs(d) <= due)
      hs.queueEdu(d, (o) => o.queueReceipt(d, { roomId: room.roomId, receiptType, userId, eventId: event.id, ts }));
  return ok(true);
}

/** Keep the receipt unless the user's current one is for a later event; false when it was older. */
export function storeReceipt(
  hs: Homeserver,
  room: RoomStore,
  receiptType: string,
  userId: UserId,
  eventId: EventId,
  ts: number,
): boolean {
  let byKey = hs.receipts.get(room.roomId);
  if (!byKey) {
    byKey = new Map();
    hs.receipts.set(room.roomId, byKey);
  }
  const key = receiptKey(receiptType, userId);
  const current = byKey.get(key);
  const currentStream = current ? room.get(current.eventId)?.stream : undefined;
  const newStream = room.get(eventId)?.stream;
  if (currentStream !== undefined && newStream !== undefined && newStream < currentStream) return false;
  byKey.set(key, { receiptType, userId, eventId, ts, stream: hs.nextStream() });
  return true;
}

// ---- presence -----------------------------------------------------------------------------

/**
 * PUT /presence/{userId}/status: the user's state and status message, sent to every server
 * sharing a room with the user (PresenceHandler's interested hosts). Only what clients
 * set is modelled: no idle timer, no periodic re-sending (docs/federation.md).
 */
export function setPresence(
  hs: Homeserver,
  userId: UserId,
  presence: string,
  statusMsg: string | undefined,
): Result<true> {
  if (!(PRESENCE_STATES as readonly string[]).includes(presence))
    return fail("M_INVALID_PARAM", `presence must be one of ${PRESENCE_STATES.join(", ")}`);
  const state = presence as PresenceState;
  const before = hs.presence.get(userId);
  const online = state === "online";
  const stored: StoredPresence = {
    presence: state,
    statusMsg,
    lastActiveMs: online ? hs.nowMs : (before?.lastActiveMs ?? hs.nowMs),
    currentlyActive: online,
    stream: hs.nextStream(),
  };
  hs.presence.set(userId, stored);
  const entry = presenceEntry(hs, userId, stored);
  for (const d of serversSharingARoom(hs, userId)) hs.queueEdu(d, (o) => o.queuePresence(d, entry));
  return ok(true);
}

function presenceEntry(hs: Homeserver, userId: string, p: StoredPresence): PresenceEntry {
  return {
    userId,
    presence: p.presence,
    statusMsg: p.statusMsg,
    lastActiveAgoMs: hs.nowMs - p.lastActiveMs,
    currentlyActive: p.currentlyActive,
  };
}

/** A remote server's word on its user's presence. */
export function storeRemotePresence(
  hs: Homeserver,
  userId: UserId,
  fields: { presence: PresenceState; statusMsg: string | undefined; lastActiveAgoMs: number; currentlyActive: boolean },
): void {
  hs.presence.set(userId, {
    presence: fields.presence,
    statusMsg: fields.statusMsg,
    lastActiveMs: hs.nowMs - fields.lastActiveAgoMs,
    currentlyActive: fields.currentlyActive,
    stream: hs.nextStream(),
  });
}

/** Other servers with a user joined to a room the user is joined to, sorted. */
function serversSharingARoom(hs: Homeserver, userId: UserId): string[] {
  const servers = new Set<string>();
  for (const room of hs.rooms.values())
    if (hs.membership(room, userId) === "join") for (const s of otherServers(hs, room)) servers.add(s);
  return [...servers].sort();
}

/** GET /presence/{userId}/status: what this server knows (offline when nothing). */
export function presenceOf(hs: Homeserver, userId: string): JsonObject {
  const p = hs.presence.get(userId as UserId);
  if (!p) return { presence: "offline" };
  return presenceContent(hs, userId, p);
}

function presenceContent(hs: Homeserver, userId: string, p: StoredPresence): JsonObject {
  const e = presenceEntry(hs, userId, p);
  return {
    presence: e.presence,
    last_active_ago: e.lastActiveAgoMs,
    currently_active: e.currentlyActive,
    ...(e.statusMsg !== undefined ? { status_msg: e.statusMsg } : {}),
  };
}

// ---- what /sync shows ---------------------------------------------------------------------

/** A joined room's ephemeral events since stream position `since`: m.typing (when it changed) and m.receipt (new ones). */
export function ephemeralSince(hs: Homeserver, roomId: string, since: number): JsonObject[] {
  const out: JsonObject[] = [];
  if ((hs.typing.changedAt.get(roomId as RoomId) ?? 0) > since)
    out.push({ type: "m.typing", content: { user_ids: typingUsers(hs, roomId) } });
  const fresh = [...(hs.receipts.get(roomId as RoomId)?.values() ?? [])]
    .filter((r) => r.stream > since)
    .sort((a, b) => a.stream - b.stream);
  if (fresh.length > 0) {
    const content: Record<string, Record<string, Record<string, JsonObject>>> = {};
    for (const r of fresh) ((content[r.eventId] ??= {})[r.receiptType] ??= {})[r.userId] = { ts: r.ts };
    out.push({ type: "m.receipt", content });
  }
  return out;
}

/** m.presence events since `since` of the user and of everyone sharing a joined room with them. */
export function presenceSince(hs: Homeserver, userId: UserId, since: number): JsonObject[] {
  const users = new Set<UserId>([userId]);
  for (const room of hs.rooms.values())
    if (hs.membership(room, userId) === "join") for (const u of joinedMembers(room)) users.add(u);
  const out: JsonObject[] = [];
  for (const u of [...users].sort()) {
    const p = hs.presence.get(u);
    if (p && p.stream > since) out.push({ type: "m.presence", sender: u, content: presenceContent(hs, u, p) });
  }
  return out;
}
