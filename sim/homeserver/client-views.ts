// What a homeserver shows a client of its rooms, in the Client-Server API's own shapes
// (spec: client-server-api, "Room Events" and "Syncing"): client events, the rooms a
// user is in with their membership, the state each room holds now, history in
// topological order and the stripped state of an invite. Read-only and synchronous: the
// HTTP front end (http/) builds /sync, /messages and the room reads from these, so that
// it never reaches into a room store itself.

import {
  splitStateKey,
  stateKey,
  type EventId,
  type JsonObject,
  type Pdu,
  type RoomId,
  type UserId,
} from "../../core/index.ts";
import type { Homeserver } from "./homeserver.ts";
import type { RoomStore, StoredEvent } from "./room-store.ts";

/** One event as a client sees it, with where it sits in this server's orders. */
export interface ClientEventView {
  /** The spec's ClientEvent: event_id, room_id, type, sender, origin_server_ts, content, state_key, unsigned. */
  event: JsonObject;
  /** This server's arrival order (what /sync pages through). */
  stream: number;
  /** The event's depth (what /messages orders by, then by stream). */
  depth: number;
}

/** A user's membership of a room as this server sees it ("invite" for an invite to a room it does not hold). */
export interface RoomMembershipView {
  roomId: RoomId;
  membership: string;
}

/** The spec's ClientEvent for a stored event (its redacted copy once redacted). */
export function clientEventOf(room: RoomStore, stored: StoredEvent): JsonObject {
  return clientEventOfPdu(room.roomId, stored.id, stored.clientPdu ?? stored.pdu, stored.redactedBy);
}

function clientEventOfPdu(roomId: RoomId, id: EventId, pdu: Pdu, redactedBy?: EventId): JsonObject {
  const event: JsonObject = {
    event_id: id,
    room_id: roomId,
    type: pdu.type,
    sender: pdu.sender,
    origin_server_ts: pdu.origin_server_ts,
    content: pdu.content,
    unsigned: redactedBy ? { redacted_because: { event_id: redactedBy } } : {},
  };
  if (typeof pdu.state_key === "string") event.state_key = pdu.state_key;
  if (typeof pdu.redacts === "string") event.redacts = pdu.redacts;
  return event;
}

function view(room: RoomStore, stored: StoredEvent): ClientEventView {
  return { event: clientEventOf(room, stored), stream: stored.stream, depth: stored.pdu.depth };
}

/** Every room the user has a membership in on this server, and the invites to rooms it does not hold, by room id. */
export function roomsOfUser(hs: Homeserver, userId: UserId): RoomMembershipView[] {
  const out: RoomMembershipView[] = [];
  for (const roomId of [...hs.rooms.keys()].sort()) {
    const membership = hs.membership(hs.rooms.get(roomId)!, userId);
    if (membership !== undefined) out.push({ roomId, membership });
  }
  for (const roomId of [...(hs.pendingInvites.get(userId)?.keys() ?? [])].sort()) {
    if (!hs.rooms.has(roomId)) out.push({ roomId, membership: "invite" });
  }
  // Leaves and knocks known only out of band (sim/homeserver/out-of-band.ts).
  for (const [roomId, entry] of [...(hs.outOfBand.get(userId)?.entries() ?? [])].sort()) {
    if (!out.some((r) => r.roomId === roomId)) out.push({ roomId, membership: entry.membership });
  }
  return out.sort((a, b) => (a.roomId < b.roomId ? -1 : a.roomId > b.roomId ? 1 : 0));
}

/** The room's current state as `{type, stateKey, eventId}` entries, sorted by type then state key. */
export function currentStateEntries(
  hs: Homeserver,
  roomId: string,
): Array<{ type: string; stateKey: string; eventId: EventId }> {
  const room = hs.room(roomId);
  if (!room) return [];
  return [...room.currentState.entries()]
    .map(([k, eventId]) => ({ ...splitStateKey(k), eventId }))
    .sort((a, b) =>
      a.type < b.type ? -1 : a.type > b.type ? 1 : a.stateKey < b.stateKey ? -1 : a.stateKey > b.stateKey ? 1 : 0,
    );
}

/** The event of the room's current state at (type, stateKey), as a client event. */
export function currentStateEvent(hs: Homeserver, roomId: string, type: string, key: string): JsonObject | undefined {
  const room = hs.room(roomId);
  const id = room?.currentState.get(stateKey(type, key));
  return id ? eventInRoom(hs, roomId, id) : undefined;
}

/** One event of a room this server holds (any status but rejected), as a client event. */
export function eventInRoom(hs: Homeserver, roomId: string, eventId: string): JsonObject | undefined {
  const room = hs.room(roomId);
  const stored = room?.get(eventId as EventId);
  return room && stored && stored.status !== "rejected" ? clientEventOf(room, stored) : undefined;
}

/** Accepted events that arrived after stream position `since`, in arrival order. */
export function eventsSince(hs: Homeserver, roomId: string, since: number): ClientEventView[] {
  const room = hs.room(roomId);
  if (!room) return [];
  return room
    .inStreamOrder()
    .filter((e) => e.stream > since && e.status === "accepted")
    .map((e) => view(room, e));
}

/**
 * The history clients may page through with /messages: accepted events and those
 * backfilled from before this server joined, in topological order (depth, then arrival).
 */
export function historyInTopologicalOrder(hs: Homeserver, roomId: string): ClientEventView[] {
  const room = hs.room(roomId);
  if (!room) return [];
  return room
    .inStreamOrder()
    .filter((e) => e.status === "accepted" || e.backfilled)
    .map((e) => view(room, e))
    .sort((a, b) => a.depth - b.depth || a.stream - b.stream);
}

/** Whether the server holds the room's create event among what /messages can show: history begins there. */
export function historyReachesCreate(hs: Homeserver, roomId: string): boolean {
  return historyInTopologicalOrder(hs, roomId).some((v) => v.event.type === "m.room.create");
}

/**
 * The stripped state an invitee sees (spec: "Stripped state"): the room's create, join
 * rules, name, topic, canonical alias and avatar as this server holds them, and the
 * invite itself. For an invite to a room this server does not hold, only the invite.
 */
export function inviteState(hs: Homeserver, userId: UserId, roomId: string): JsonObject[] {
  const stripped = (pdu: Pdu): JsonObject => ({
    type: pdu.type,
    state_key: pdu.state_key ?? "",
    content: pdu.content,
    sender: pdu.sender,
  });
  const room = hs.room(roomId);
  if (!room) {
    const invite = hs.pendingInvites.get(userId)?.get(roomId as RoomId);
    return invite ? [stripped(invite.pdu)] : [];
  }
  const types = [
    "m.room.create",
    "m.room.join_rules",
    "m.room.name",
    "m.room.topic",
    "m.room.canonical_alias",
    "m.room.avatar",
  ];
  const out: JsonObject[] = [];
  for (const [type, key] of [...types.map((t) => [t, ""]), ["m.room.member", userId]] as const) {
    const id = room.currentState.get(stateKey(type, key));
    const pdu = id ? room.get(id)?.pdu : undefined;
    if (pdu) out.push(stripped(pdu));
  }
  return out;
}

/**
 * A user's out-of-band membership event of a room this server does not hold (a rejected or
 * rescinded invite, a knock), as a client event, and for a knock the stripped state the
 * resident answered.
 */
export function outOfBandMembership(
  hs: Homeserver,
  userId: UserId,
  roomId: string,
): { event: JsonObject; knockState: JsonObject[] } | undefined {
  const entry = hs.outOfBand.get(userId)?.get(roomId as RoomId);
  if (!entry) return undefined;
  const { pdu } = entry;
  const event: JsonObject = {
    event_id: entry.eventId,
    room_id: roomId,
    type: pdu.type,
    sender: pdu.sender,
    state_key: pdu.state_key ?? "",
    content: pdu.content,
    origin_server_ts: pdu.origin_server_ts,
  };
  const stripped = (p: Pdu): JsonObject => ({
    type: p.type,
    state_key: p.state_key ?? "",
    content: p.content,
    sender: p.sender,
  });
  return { event, knockState: [...(entry.knockState ?? []).map(stripped), stripped(pdu)] };
}

/** The local aliases of a room. */
export function aliasesOfRoom(hs: Homeserver, roomId: string): string[] {
  return hs.directory.aliasesFor(roomId);
}

/** GET /directory/room/{alias}: the room a local alias points at, and the servers in it. */
export function resolveLocalAlias(hs: Homeserver, alias: string): { roomId: RoomId; servers: string[] } | undefined {
  const roomId = hs.directory.get(alias);
  if (!roomId) return undefined;
  const room = hs.room(roomId);
  return { roomId, servers: room ? hs.serversInRoom(room) : [hs.name] };
}
