// Joining and inviting across servers (spec: server-server-api.md "Joining Rooms",
// "Inviting to a room"): make_join / send_join, and the /invite round trip that gets
// the invitee's server to countersign an invite before it is sent to the room.

import {
  buildEvent,
  computeEventId,
  isStateEvent,
  serverOfUser,
  parseRoomVersion,
  stateKey,
  type EventId,
  type Pdu,
  type RoomId,
  type RoomVersion,
  type UserId,
} from "../../core/index.ts";
import { fail, ok, type Result } from "../matrix-error.ts";
import type { Homeserver, PreparedEvent } from "./homeserver.ts";
import { pduSummary } from "../trace.ts";
import { checkAuthAgainstState } from "./protocol.ts";
import { validateFetchedWithReason } from "./receive-pipeline.ts";
import { RoomStore, type StoredEvent } from "./room-store.ts";
import { StateSnapshot } from "./state-snapshot.ts";
import { eventIdsIn, objectIn, pduToJson } from "./wire.ts";
import { rpc, type Task } from "../tasks.ts";

const FEDERATION = "/_matrix/federation";

/**
 * Join a room this server is not in, through one of `via` (tried in order): make_join,
 * sign the template, send_join, then store the returned state and auth chain as
 * outliers and the join on top of that state.
 */
export function* joinRemoteRoom(
  hs: Homeserver,
  userId: UserId,
  roomId: RoomId,
  via: readonly string[],
): Task<Result<EventId>> {
  // Events for the room may arrive before our send_join returns: hold them until then.
  hs.beginJoin(roomId);
  const result = yield* joinThrough(hs, userId, roomId, via);
  // Joined: the invite that led here is spent.
  if (result.ok) hs.pendingInvites.get(userId)?.delete(roomId);
  hs.endJoin(roomId);
  return result;
}

function* joinThrough(hs: Homeserver, userId: UserId, roomId: RoomId, via: readonly string[]): Task<Result<EventId>> {
  let lastError = "no server to join through";
  for (const resident of via) {
    if (resident === hs.name) continue;
    const made = yield* rpc(resident, {
      method: "GET",
      path: `${FEDERATION}/v1/make_join/${encodeURIComponent(roomId)}/${encodeURIComponent(userId)}`,
    });
    if (!made.ok) {
      lastError = `${resident}: ${made.error}`;
      continue;
    }
    if (made.status !== 200) {
      lastError = `${resident}: ${(made.body as { error?: string }).error ?? made.status}`;
      if (made.status === 403) return fail("M_FORBIDDEN", lastError);
      continue;
    }
    const { room_version: roomVersionId, event } = objectIn(made.body);
    const template = objectIn(event);
    // The joining server checks the template names the room, the user and a join.
    if (
      typeof roomVersionId !== "string" ||
      template.room_id !== roomId ||
      template.sender !== userId ||
      template.state_key !== userId ||
      template.type !== "m.room.member"
    ) {
      lastError = `${resident}: make_join returned a template for something else`;
      continue;
    }
    let roomVersion: RoomVersion;
    try {
      roomVersion = parseRoomVersion(roomVersionId);
    } catch (e) {
      lastError = `${resident}: ${(e as Error).message}`;
      continue;
    }
    const built = buildEvent({
      roomVersion,
      roomId,
      sender: userId,
      type: "m.room.member",
      stateKey: userId,
      content: { ...objectIn(template.content), membership: "join" },
      prevEvents: eventIdsIn(template.prev_events).map((id) => ({ eventId: id, depth: Number(template.depth) - 1 })),
      authEvents: eventIdsIn(template.auth_events),
      originServerTs: hs.localNowMs(),
      key: hs.key,
      crypto: hs.crypto,
      skipSignature: !hs.verifySignatures,
    });
    const sent = yield* rpc(resident, {
      method: "PUT",
      path: `${FEDERATION}/v2/send_join/${encodeURIComponent(roomId)}/${encodeURIComponent(built.eventId)}`,
      body: pduToJson(built.pdu),
    });
    if (!sent.ok || sent.status !== 200) {
      lastError = `${resident}: send_join ${sent.ok ? ((sent.body as { error?: string }).error ?? sent.status) : sent.error}`;
      if (sent.ok && sent.status === 403) return fail("M_FORBIDDEN", lastError);
      continue;
    }
    const body = sent.body as { state?: unknown[]; auth_chain?: unknown[] };
    return yield* storeJoinedRoom(
      hs,
      resident,
      roomId,
      roomVersion,
      built.eventId,
      built.pdu,
      body.state ?? [],
      body.auth_chain ?? [],
    );
  }
  return fail("M_UNKNOWN", `could not join ${roomId}: ${lastError}`);
}

function* storeJoinedRoom(
  hs: Homeserver,
  resident: string,
  roomId: RoomId,
  roomVersion: RoomVersion,
  joinId: EventId,
  joinPdu: Pdu,
  state: unknown[],
  authChain: unknown[],
): Task<Result<EventId>> {
  // The room is only registered once its state is in place: until then, PDUs for it
  // are refused (the sender's later events will lead back to them).
  const room = hs.room(roomId) ?? new RoomStore(roomId, roomVersion);
  // Check every returned event's format and signature before trusting any of it.
  const fetched: Array<{ id: EventId; pdu: Pdu }> = [];
  for (const raw of [...authChain, ...state]) {
    const valid = yield* validateFetchedWithReason(hs, room, resident, raw);
    // A key that could not be fetched (its server unreachable) fails here too.
    if ("reason" in valid)
      return fail(
        "M_UNKNOWN",
        `send_join from ${resident} returned an event that could not be checked: ${valid.reason}`,
      );
    fetched.push(valid);
  }
  // The state as checked (the auth chain came first); ids computed once, by the check.
  const stateEvents = fetched.slice(authChain.length);
  fetched.sort((a, b) => a.pdu.depth - b.pdu.depth || (a.id < b.id ? -1 : 1));
  for (const { id, pdu } of fetched) {
    if (room.has(id)) continue;
    room.addOutlier(id, pdu, hs.nextStream());
    hs.trace.add({ kind: "pdu.outlier", server: hs.name, room: roomId, event: id, ...pduSummary(pdu) });
  }
  let stateBefore = StateSnapshot.EMPTY;
  for (const { id, pdu } of stateEvents) {
    if (!isStateEvent(pdu)) continue;
    stateBefore = stateBefore.with(stateKey(pdu.type, pdu.state_key), id);
  }
  const auth = checkAuthAgainstState(joinPdu, stateBefore, room.fetch, room.version);
  if (!auth.allowed)
    return fail("M_FORBIDDEN", `our own join fails auth against the room's state: ${auth.rule}: ${auth.reason}`);
  const before = room.currentState;
  const stored = room.addWithState(joinId, joinPdu, stateBefore, "accepted", hs.nextStream());
  hs.rooms.set(roomId, room);
  hs.trace.add({ kind: "pdu.created", server: hs.name, room: roomId, event: joinId, ...pduSummary(joinPdu) });
  hs.onAccepted(room, stored);
  hs.onStateChanged(room, before);
  return ok(joinId);
}

/**
 * Invite a user of another server: the invitee's server countersigns over /v2/invite,
 * then the invite is stored and sent to the room (and to the invitee's server).
 */
export function* inviteRemoteUser(hs: Homeserver, prepared: PreparedEvent, target: UserId): Task<Result<StoredEvent>> {
  const { room } = prepared;
  const destination = serverOfUser(target);
  const strippedState = ["m.room.create", "m.room.join_rules", "m.room.name", "m.room.canonical_alias"]
    .map((type) => room.currentState.get(stateKey(type, "")))
    .filter((id): id is EventId => id !== undefined)
    .map((id) => room.get(id)!.pdu);
  const outcome = yield* rpc(destination, {
    method: "PUT",
    path: `${FEDERATION}/v2/invite/${encodeURIComponent(room.roomId)}/${encodeURIComponent(prepared.eventId)}`,
    body: {
      room_version: room.version.id,
      event: pduToJson(prepared.pdu),
      invite_room_state: strippedState.map(pduToJson),
    },
  });
  if (!outcome.ok) return fail("M_UNKNOWN", `${destination} did not answer the invite: ${outcome.error}`);
  if (outcome.status !== 200)
    return fail(
      "M_FORBIDDEN",
      `${destination} refused the invite: ${(outcome.body as { error?: string }).error ?? outcome.status}`,
    );
  const signed = (outcome.body as { event?: Pdu }).event;
  if (!signed || computeEventId(signed, room.version, hs.crypto) !== prepared.eventId) {
    return fail("M_UNKNOWN", `${destination} returned a different invite event`);
  }
  return ok(hs.commitLocalEvent(prepared, signed, [destination]));
}
