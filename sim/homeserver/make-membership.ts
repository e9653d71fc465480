// The first half of every membership dance with a room this server is not in (spec:
// server-server-api.md "Joining Rooms", "Knocking upon a room", "Leaving Rooms (Rejecting
// Invites)"): ask a resident for a template (make_join, make_knock, make_leave), then
// fill it in and sign it. Follows Synapse's FederationClient.make_membership_event and
// _try_destination_list: the residents are tried in order, the next one only when this
// one is unreachable, backed off, answers a 5xx, or a 4xx whose errcode says another
// server may do better (M_NOT_FOUND; for joins also M_UNABLE_TO_AUTHORISE_JOIN and
// M_UNABLE_TO_GRANT_JOIN); any other refusal (M_FORBIDDEN, M_INCOMPATIBLE_ROOM_VERSION)
// ends the dance with that error.

import {
  parseRoomVersion,
  type EventId,
  type JsonObject,
  type JsonValue,
  type Pdu,
  type RoomId,
  type RoomVersion,
  type UserId,
} from "../../core/index.ts";
import { matrixError, type MatrixErrcode, type MatrixError } from "../matrix-error.ts";
import { rpc, type Task } from "../tasks.ts";
import type { Homeserver } from "./homeserver.ts";
import { eventIdsIn, objectIn } from "./wire.ts";

export const FEDERATION = "/_matrix/federation";

export type MembershipDance = "join" | "knock" | "leave";

/** A signed membership event built on a resident's template, not yet sent. */
export interface MadeMembership {
  resident: string;
  roomVersion: RoomVersion;
  eventId: EventId;
  pdu: Pdu;
}

/** Why no template was had: `final` when a resident refused (no other is asked), else the last failure. */
export type MakeFailure = { final: true; error: MatrixError } | { final: false; reason: string };

/** Errcodes of a 4xx after which Synapse asks the next server (make_membership_event's failover_errcodes). */
function failsOver(dance: MembershipDance, errcode: unknown): boolean {
  if (errcode === "M_NOT_FOUND") return true;
  return dance === "join" && (errcode === "M_UNABLE_TO_AUTHORISE_JOIN" || errcode === "M_UNABLE_TO_GRANT_JOIN");
}

/** Errcodes a client may be shown as they came (others become M_UNKNOWN / M_FORBIDDEN by status). */
const PASSED_THROUGH: ReadonlySet<string> = new Set<MatrixErrcode>([
  "M_FORBIDDEN",
  "M_INCOMPATIBLE_ROOM_VERSION",
  "M_UNSUPPORTED_ROOM_VERSION",
  "M_INVALID_PARAM",
  "M_BAD_JSON",
]);

/** A resident's refusal as the client sees it (Synapse raises the remote SynapseError as it is). */
export function remoteRefusal(resident: string, status: number, body: JsonValue): MatrixError {
  const { errcode, error } = objectIn(body);
  const message = `${resident}: ${typeof error === "string" ? error : status}`;
  const code =
    typeof errcode === "string" && PASSED_THROUGH.has(errcode)
      ? (errcode as MatrixErrcode)
      : status === 403
        ? "M_FORBIDDEN"
        : "M_UNKNOWN";
  return matrixError(code, message, status);
}

/**
 * make_{dance} through `via` (in order, skipping ourselves), then the event built on the
 * template and signed. The query carries `ver`, the room versions we support (make_join
 * and make_knock; Synapse sends none for make_leave).
 */
export function* makeMembership(
  hs: Homeserver,
  dance: MembershipDance,
  userId: UserId,
  roomId: RoomId,
  via: readonly string[],
  extraContent: JsonObject = {},
): Task<MadeMembership | MakeFailure> {
  let reason = "no server to ask";
  const query = dance === "leave" ? "" : `?${hs.roomVersions.map((v) => `ver=${encodeURIComponent(v)}`).join("&")}`;
  for (const resident of via) {
    if (resident === hs.name) continue;
    const made = yield* rpc(resident, {
      method: "GET",
      path: `${FEDERATION}/v1/make_${dance}/${encodeURIComponent(roomId)}/${encodeURIComponent(userId)}${query}`,
    });
    if (!made.ok) {
      reason = `${resident}: ${made.error}`;
      continue;
    }
    if (made.status !== 200) {
      const errcode = objectIn(made.body).errcode;
      const refusal = remoteRefusal(resident, made.status, made.body);
      reason = refusal.error;
      if (made.status >= 500 || failsOver(dance, errcode)) continue;
      return { final: true, error: refusal };
    }
    const built = signTemplate(hs, { dance, userId, roomId, resident, extraContent }, made.body);
    if ("reason" in built) {
      reason = built.reason;
      continue;
    }
    return built;
  }
  return { final: false, reason };
}

/** Check a template names the room, the user and the membership asked for, then build and sign it. */
function signTemplate(
  hs: Homeserver,
  asked: { dance: MembershipDance; userId: UserId; roomId: RoomId; resident: string; extraContent: JsonObject },
  body: JsonValue,
): MadeMembership | { reason: string } {
  const { dance, userId, roomId, resident, extraContent } = asked;
  const { room_version: roomVersionId, event } = objectIn(body);
  const template = objectIn(event);
  if (
    typeof roomVersionId !== "string" ||
    template.room_id !== roomId ||
    template.sender !== userId ||
    template.state_key !== userId ||
    template.type !== "m.room.member"
  )
    return { reason: `${resident}: make_${dance} returned a template for something else` };
  let roomVersion: RoomVersion;
  try {
    roomVersion = parseRoomVersion(roomVersionId);
  } catch (e) {
    return { reason: `${resident}: ${(e as Error).message}` };
  }
  if (!hs.roomVersions.includes(roomVersion.id))
    return { reason: `${resident}: make_${dance} answered room version ${roomVersion.id}, which we do not support` };
  const built = hs.buildOwnEvent({
    roomVersion,
    roomId,
    sender: userId,
    type: "m.room.member",
    stateKey: userId,
    // Our additions (a knock's reason) go over the template's content, as Synapse's update() does.
    content: { ...objectIn(template.content), ...extraContent, membership: dance },
    prevEvents: eventIdsIn(template.prev_events).map((id) => ({ eventId: id, depth: Number(template.depth) - 1 })),
    authEvents: eventIdsIn(template.auth_events),
  });
  return { resident, roomVersion, eventId: built.eventId, pdu: built.pdu };
}
