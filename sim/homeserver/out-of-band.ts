// Memberships of our users in rooms this server is not in (Synapse's out-of-band
// memberships): rejecting an invite through the inviter's server (make_leave/send_leave),
// the leave we make ourselves when it cannot be reached, and an invite the inviter
// rescinds. Spec: server-server-api.md "Leaving Rooms (Rejecting Invites)".

import {
  authEventIds,
  contentOf,
  isJsonObject,
  parseRoomVersion,
  type EventId,
  type Pdu,
  type RoomId,
  type UserId,
} from "../../core/index.ts";
import { ok, type Result } from "../matrix-error.ts";
import { rpc, type Task } from "../tasks.ts";
import type { Homeserver } from "./homeserver.ts";
import { FEDERATION, makeMembership } from "./make-membership.ts";
import { validateFetchedWithReason } from "./receive-pipeline.ts";
import { RoomStore } from "./room-store.ts";
import type { OutOfBandMembership, PendingInvite } from "./server-state.ts";
import { objectIn, pduToJson, serverPart } from "./wire.ts";

/** Record a leave or knock of `userId` in a room we are not in; it replaces the user's invite there. */
export function recordOutOfBand(hs: Homeserver, userId: UserId, roomId: RoomId, entry: OutOfBandMembership): void {
  hs.pendingInvites.get(userId)?.delete(roomId);
  const mine = hs.outOfBand.get(userId) ?? new Map<RoomId, OutOfBandMembership>();
  mine.set(roomId, entry);
  hs.outOfBand.set(userId, mine);
}

/** Forget `userId`'s out-of-band membership of the room (a new invite, or a join, replaces it). */
export function forgetOutOfBand(hs: Homeserver, userId: UserId, roomId: RoomId): void {
  hs.outOfBand.get(userId)?.delete(roomId);
}

/**
 * Reject an invite to a room we are not in (Synapse: RoomMemberMasterHandler.remote_reject_invite):
 * make_leave and send_leave through the inviter's server; if any of it fails, a leave of
 * our own that only we know of (_generate_local_out_of_band_leave). Either way the user
 * has left, and the leave's id is the answer.
 */
export function* rejectRemoteInvite(
  hs: Homeserver,
  userId: UserId,
  roomId: RoomId,
  invite: PendingInvite,
): Task<Result<EventId>> {
  const inviter = serverPart(invite.pdu.sender);
  const made = yield* makeMembership(hs, "leave", userId, roomId, [inviter]);
  if (!("final" in made)) {
    const sent = yield* rpc(made.resident, {
      method: "PUT",
      path: `${FEDERATION}/v2/send_leave/${encodeURIComponent(roomId)}/${encodeURIComponent(made.eventId)}`,
      body: pduToJson(made.pdu),
    });
    if (sent.ok && sent.status === 200) {
      recordOutOfBand(hs, userId, roomId, {
        membership: "leave",
        eventId: made.eventId,
        pdu: made.pdu,
        roomVersion: made.roomVersion.id,
      });
      return ok(made.eventId);
    }
  }
  const why = "final" in made ? (made.final ? made.error.error : made.reason) : "send_leave failed";
  hs.trace.add({
    kind: "note",
    text: `${hs.name}: could not reject ${userId}'s invite to ${roomId} remotely (${why}); leaving locally`,
  });
  return ok(localOutOfBandLeave(hs, userId, roomId, invite));
}

/**
 * A leave after `previous` (an invite or a knock) that only we know of: its prev event is
 * `previous`, its auth events `previous`'s and `previous` itself, as Synapse builds it.
 */
export function localOutOfBandLeave(
  hs: Homeserver,
  userId: UserId,
  roomId: RoomId,
  previous: { eventId: EventId; pdu: Pdu; roomVersion: string },
): EventId {
  const roomVersion = parseRoomVersion(previous.roomVersion);
  const built = hs.buildOwnEvent({
    roomVersion,
    roomId,
    sender: userId,
    type: "m.room.member",
    stateKey: userId,
    content: { membership: "leave" },
    prevEvents: [{ eventId: previous.eventId, depth: previous.pdu.depth }],
    authEvents: [...authEventIds(previous.pdu), previous.eventId],
  });
  recordOutOfBand(hs, userId, roomId, {
    membership: "leave",
    eventId: built.eventId,
    pdu: built.pdu,
    roomVersion: roomVersion.id,
  });
  return built.eventId;
}

/**
 * The invitee's server, when `pdu` rescinds an invite (a leave of the target sent by someone
 * else, citing the target's invite among its auth events): Synapse's federation sender adds
 * it to the destinations, since it is not in the room (FederationSender._process_event_queue_loop).
 */
export function rescissionDestination(pdu: Pdu, lookup: (id: EventId) => Pdu | undefined): string | undefined {
  if (pdu.type !== "m.room.member" || typeof pdu.state_key !== "string" || pdu.sender === pdu.state_key)
    return undefined;
  if (contentOf(pdu, "m.room.member")?.membership !== "leave") return undefined;
  const target = pdu.state_key;
  const cites = authEventIds(pdu).some((id) => {
    const a = lookup(id);
    return (
      a?.type === "m.room.member" && a.state_key === target && contentOf(a, "m.room.member")?.membership === "invite"
    );
  });
  return cites ? serverPart(target) : undefined;
}

/**
 * A PDU for a room we are not in: if it rescinds a pending invite of one of our users (a
 * leave citing the invite among its auth events, sent by the inviter, signed), the invite
 * becomes an out-of-band leave (Synapse: FederationEventHandler.on_receive_pdu, "Check if
 * this is a leave event rescinding an invite"). Undefined when it is not such a PDU.
 */
export function* receiveRescission(
  hs: Homeserver,
  origin: string,
  raw: unknown,
): Task<{ outcome: "accepted"; eventId: EventId } | { outcome: "dropped"; reason: string } | undefined> {
  if (!isJsonObject(raw)) return undefined;
  const { room_id: roomId, state_key: target, type, sender } = raw;
  if (type !== "m.room.member" || typeof target !== "string" || typeof roomId !== "string") return undefined;
  const invite = hs.pendingInvites.get(target as UserId)?.get(roomId as RoomId);
  // Only a leave, by the inviter, citing the invite: checked on the raw event first, so
  // that nothing else (the invite itself, sent to us once more) costs a signature check.
  // v1-v2 cite events as [id, hashes] pairs.
  const cited = Array.isArray(raw.auth_events) ? raw.auth_events.map((r) => (Array.isArray(r) ? r[0] : r)) : [];
  const cites = invite !== undefined && cited.includes(invite.eventId);
  if (!invite || sender !== invite.pdu.sender || objectIn(raw.content).membership !== "leave" || !cites)
    return undefined;
  const probe = new RoomStore(roomId as RoomId, parseRoomVersion(invite.roomVersion));
  const valid = yield* validateFetchedWithReason(hs, probe, origin, raw);
  if ("reason" in valid) return { outcome: "dropped", reason: valid.reason };
  const { pdu, id } = valid;
  recordOutOfBand(hs, target as UserId, roomId as RoomId, {
    membership: "leave",
    eventId: id,
    pdu,
    roomVersion: invite.roomVersion,
  });
  hs.trace.add({ kind: "note", text: `${hs.name}: ${sender} rescinded ${target}'s invite to ${roomId} (${id})` });
  return { outcome: "accepted", eventId: id };
}
