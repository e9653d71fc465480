// Joining and inviting across servers (spec: server-server-api.md "Joining Rooms",
// "Inviting to a room"): make_join / send_join, and the /invite round trip that gets
// the invitee's server to countersign an invite before it is sent to the room.

import {
  computeEventId,
  serverOfUser,
  stateKey,
  type EventId,
  type Pdu,
  type RoomId,
  type UserId,
} from "../../core/index.ts";
import { fail, ok, type Result } from "../matrix-error.ts";
import type { Homeserver, PreparedEvent } from "./homeserver.ts";
import { pduSummary } from "../trace.ts";
import { FEDERATION, makeMembership, type MadeMembership } from "./make-membership.ts";
import { forgetOutOfBand } from "./out-of-band.ts";
import { checkAuthAgainstState } from "./protocol.ts";
import { validateFetchedWithReason } from "./receive-pipeline.ts";
import { RoomStore, type StoredEvent } from "./room-store.ts";
import { storeSendJoinResponse } from "./send-join-response.ts";
import { pduToJson } from "./wire.ts";
import { rpc, type Task } from "../tasks.ts";

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
  // Joined: the invite (or knock) that led here is spent.
  if (result.ok) {
    hs.pendingInvites.get(userId)?.delete(roomId);
    forgetOutOfBand(hs, userId, roomId);
  }
  hs.endJoin(roomId);
  return result;
}

function* joinThrough(hs: Homeserver, userId: UserId, roomId: RoomId, via: readonly string[]): Task<Result<EventId>> {
  let lastError = "no server to join through";
  let residents = via;
  while (residents.length > 0) {
    const made = yield* makeMembership(hs, "join", userId, roomId, residents);
    if ("final" in made) {
      if (made.final) return { ok: false, error: made.error };
      lastError = made.reason;
      break;
    }
    // The next try starts after the server that made this template (Synapse tries the rest).
    residents = residents.slice(residents.indexOf(made.resident) + 1);
    const sent = yield* rpc(made.resident, {
      method: "PUT",
      path: `${FEDERATION}/v2/send_join/${encodeURIComponent(roomId)}/${encodeURIComponent(made.eventId)}`,
      body: pduToJson(made.pdu),
    });
    if (!sent.ok || sent.status !== 200) {
      lastError = `${made.resident}: send_join ${sent.ok ? ((sent.body as { error?: string }).error ?? sent.status) : sent.error}`;
      if (sent.ok && sent.status === 403) return fail("M_FORBIDDEN", lastError);
      continue;
    }
    const body = sent.body as { state?: unknown[]; auth_chain?: unknown[]; event?: unknown };
    const join = yield* joinAsAnswered(hs, made, body.event);
    if ("reason" in join) {
      lastError = join.reason;
      continue;
    }
    return yield* storeJoinedRoom(hs, made, join, body.state ?? [], body.auth_chain ?? []);
  }
  return fail("M_UNKNOWN", `could not join ${roomId}: ${lastError}`);
}

/**
 * The join as the room will see it. Since v8 the resident answers with the event it
 * accepted, which for a restricted join carries its signature as the authorising server:
 * that one is used once it is checked to be our event, signed (Synapse:
 * FederationClient.send_join); before v8, or without `event`, our own.
 */
function* joinAsAnswered(
  hs: Homeserver,
  made: MadeMembership,
  answered: unknown,
): Task<{ eventId: EventId; pdu: Pdu } | { reason: string }> {
  if (!made.roomVersion.auth.restrictedJoinRule || answered === undefined)
    return { eventId: made.eventId, pdu: made.pdu };
  const probe = new RoomStore(made.pdu.room_id as RoomId, made.roomVersion);
  const valid = yield* validateFetchedWithReason(hs, probe, made.resident, answered);
  if ("reason" in valid || valid.id !== made.eventId)
    return { reason: `${made.resident}: send_join returned an invalid join event` };
  return { eventId: valid.id, pdu: valid.pdu };
}

function* storeJoinedRoom(
  hs: Homeserver,
  made: MadeMembership,
  join: { eventId: EventId; pdu: Pdu },
  state: unknown[],
  authChain: unknown[],
): Task<Result<EventId>> {
  const { resident, roomVersion } = made;
  const roomId = join.pdu.room_id as RoomId;
  const joined = hs.room(roomId);
  // Already in the room (another of our users joined while this join was under way), we
  // may hold the join already: a faulty resident sent it back over /send before answering
  // (an honest one leaves its origin out). It keeps its outcome, as Synapse persists an
  // event once whatever path brings it.
  if (joined?.withOutcome(join.eventId)) return ok(join.eventId);
  // The room is only registered once its state is in place: until then, PDUs for it
  // are refused (the sender's later events will lead back to them).
  const room = joined ?? new RoomStore(roomId, roomVersion);
  const stored = yield* storeSendJoinResponse(hs, room, resident, state, authChain);
  if (!stored.ok) return fail("M_UNKNOWN", stored.reason);
  const { stateBefore } = stored;
  const auth = checkAuthAgainstState(join.pdu, stateBefore, room.fetch, room.version);
  if (!auth.allowed)
    return fail("M_FORBIDDEN", `our own join fails auth against the room's state: ${auth.rule}: ${auth.reason}`);
  const before = room.currentState;
  const accepted = room.addWithState(join.eventId, join.pdu, stateBefore, "accepted", hs.nextStream());
  hs.rooms.set(roomId, room);
  hs.trace.add({ kind: "pdu.created", server: hs.name, room: roomId, event: join.eventId, ...pduSummary(join.pdu) });
  hs.onAccepted(room, accepted);
  hs.onStateChanged(room, before);
  return ok(join.eventId);
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
