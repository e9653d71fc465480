// The resident's side of the membership dances (spec: server-server-api.md "Joining
// Rooms", "Knocking upon a room", "Leaving Rooms (Rejecting Invites)"): make_join,
// make_knock and make_leave answer a template built on our view of the room; send_join,
// send_knock and send_leave take the signed event through the receive pipeline, send it
// to the room and answer. Follows Synapse's FederationServer.on_make_join_request /
// on_make_knock_request / on_make_leave_request and FederationHandler._on_send_membership_event.

import {
  isJsonObject,
  signEvent,
  stateKey,
  type EventId,
  type JsonObject,
  type JsonValue,
  type Pdu,
  type UserId,
} from "../../core/index.ts";
import type { RpcResponse } from "../network/rpc.ts";
import type { Homeserver } from "./homeserver.ts";
import type { MembershipDance } from "./make-membership.ts";
import { checkAuth, selectAuthEvents } from "./protocol.ts";
import { authorisingUser, restrictedJoinRefusal } from "./restricted-joins.ts";
import type { RoomStore, StoredEvent } from "./room-store.ts";
import { objectIn, pduToJson, serverPart } from "./wire.ts";

type Respond = (response: RpcResponse) => void;

const json = (status: number, body: JsonObject): RpcResponse => ({ status, body });
const error = (status: number, errcode: string, message: string, extra: JsonObject = {}) =>
  json(status, { errcode, error: message, ...extra });

/** The state a non-member is shown of a room: the spec's recommended stripped state (invites, knocks). */
const STRIPPED_STATE_TYPES = ["m.room.create", "m.room.join_rules", "m.room.name", "m.room.canonical_alias"];

export function strippedState(room: RoomStore): Pdu[] {
  return STRIPPED_STATE_TYPES.map((type) => room.currentState.get(stateKey(type, "")))
    .filter((id) => id !== undefined)
    .map((id) => room.get(id)!.pdu);
}

/**
 * GET /make_{join,knock,leave}/{roomId}/{userId}?ver=…: a template built on our view of
 * the room. make_join and make_knock refuse a room whose version is not among `ver` with
 * 400 M_INCOMPATIBLE_ROOM_VERSION and the room's version (no `ver` at all means "1", as
 * Synapse reads it); knocking needs v7+. A restricted join names a local user allowed to
 * invite as its authoriser (restricted-joins.ts).
 */
export function makeMembershipTemplate(
  hs: Homeserver,
  room: RoomStore,
  origin: string,
  dance: MembershipDance,
  userId: UserId | undefined,
  ver: readonly string[],
): RpcResponse {
  if (userId === undefined || serverPart(userId) !== origin)
    return error(403, "M_FORBIDDEN", `the ${dance}ing user must belong to the requesting server`);
  if (dance !== "leave" && !(ver.length > 0 ? ver : ["1"]).includes(room.version.id))
    return error(400, "M_INCOMPATIBLE_ROOM_VERSION", "Your homeserver does not support this room's version", {
      room_version: room.version.id,
    });
  if (dance === "knock" && !room.version.auth.knocking)
    return error(403, "M_FORBIDDEN", `room version ${room.version.id} does not support knocking`);
  const content: JsonObject = { membership: dance };
  if (dance === "join") {
    // Synapse looks for an authoriser first (M_UNABLE_TO_GRANT_JOIN), then at the allow list.
    const via = authorisingUser(hs, room, userId);
    if (via !== undefined && !via.ok) return via.refusal;
    const refused = restrictedJoinRefusal(hs, room, userId);
    if (refused) return refused;
    if (via !== undefined) content.join_authorised_via_users_server = via.userId;
  }
  const { template, authEvents } = templateOn(hs, room, userId, content);
  // The authoriser's signature comes at send_join; the auth check only needs to see one.
  const checked = content.join_authorised_via_users_server
    ? { ...template, signatures: { [hs.name]: { pending: "" } } }
    : template;
  const allowed = checkAuth(checked, room.withCreateEvent(authEvents.map((id) => room.get(id)!.pdu)), room.version);
  if (!allowed.allowed) return error(403, "M_FORBIDDEN", `${allowed.rule}: ${allowed.reason}`);
  return json(200, { room_version: room.version.id, event: pduToJson(template) });
}

/** An unsigned membership event of `userId` on our newest extremities. */
function templateOn(
  hs: Homeserver,
  room: RoomStore,
  userId: UserId,
  content: JsonObject,
): { template: Pdu; authEvents: EventId[] } {
  const prevs = room.newestExtremities(hs.params.prevEventsMax);
  const skeleton = { type: "m.room.member", state_key: userId, sender: userId, content };
  const authEvents = selectAuthEvents(skeleton, room.currentState, room.version);
  const template: Pdu = {
    room_id: room.roomId,
    ...skeleton,
    origin_server_ts: hs.localNowMs(),
    prev_events: prevs.map((e) => e.id),
    auth_events: authEvents,
    depth: Math.max(0, ...prevs.map((e) => e.pdu.depth)) + 1,
    hashes: {},
    signatures: {},
  };
  return { template, authEvents };
}

/**
 * PUT /send_{join,knock,leave}: the event must be the given membership of a user of the
 * origin; it goes through the receive pipeline, and once accepted is sent to the room and
 * answered: send_join with the state before it and its auth chain (and the event as
 * accepted), send_knock with the room's stripped state, send_leave with `{}`. A restricted
 * join naming one of our users as its authoriser is signed by us first (Synapse:
 * _on_send_membership_event).
 */
export function sendMembership(
  hs: Homeserver,
  room: RoomStore,
  origin: string,
  dance: MembershipDance,
  raw: JsonValue | undefined,
  respond: Respond,
  answerJoin: (join: StoredEvent) => JsonObject,
): void {
  const fits = isJsonObject(raw) && raw.type === "m.room.member" && objectIn(raw.content).membership === dance;
  if (!fits || typeof raw.sender !== "string" || raw.state_key !== raw.sender || serverPart(raw.sender) !== origin)
    return respond(error(400, "M_INVALID_PARAM", `send_${dance} needs a ${dance} of a user of the requesting server`));
  let pdu: JsonValue = raw;
  if (dance === "join") {
    const via = objectIn(raw.content).join_authorised_via_users_server;
    if (room.version.auth.restrictedJoinRule && typeof via === "string" && serverPart(via) === hs.name) {
      const refused = restrictedJoinRefusal(hs, room, raw.sender as UserId);
      if (refused) return respond(refused);
      pdu = signEvent(raw as Pdu, room.version, hs.name, hs.key.keyId, hs.key.seed, hs.crypto) as JsonValue;
    }
  }
  hs.enqueueInbound(room.roomId, {
    origin,
    pdu,
    done: (outcome) => {
      if (outcome.outcome !== "accepted" || !outcome.eventId)
        return respond(error(403, "M_FORBIDDEN", `${dance} not accepted: ${outcome.reason ?? outcome.outcome}`));
      const event = room.get(outcome.eventId)!;
      hs.broadcast(room, [{ eventId: event.id, pdu: event.pdu }], { onBehalfOf: origin });
      if (dance === "join") {
        hs.afterRemoteJoin(room);
        return respond(json(200, answerJoin(event)));
      }
      if (dance === "knock") return respond(json(200, { knock_room_state: strippedState(room).map(pduToJson) }));
      respond(json(200, {}));
    },
  });
}
