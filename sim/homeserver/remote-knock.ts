// Knocking on a room this server is not in (room versions 7+; spec: server-server-api.md
// "Knocking upon a room"): make_knock and send_knock through a resident, then the knock is
// kept as an out-of-band membership with the room's stripped state the resident answered,
// for the user's sync (Synapse: FederationHandler.do_knock).

import { type EventId, type Pdu, type RoomId, type UserId } from "../../core/index.ts";
import { fail, ok, type Result } from "../matrix-error.ts";
import { rpc, type Task } from "../tasks.ts";
import type { Homeserver } from "./homeserver.ts";
import { FEDERATION, makeMembership, remoteRefusal } from "./make-membership.ts";
import { recordOutOfBand } from "./out-of-band.ts";
import { objectIn, pduToJson } from "./wire.ts";

export function* knockRemoteRoom(
  hs: Homeserver,
  userId: UserId,
  roomId: RoomId,
  via: readonly string[],
  reason: string | undefined,
): Task<Result<EventId>> {
  const made = yield* makeMembership(hs, "knock", userId, roomId, via, reason !== undefined ? { reason } : {});
  if ("final" in made)
    return made.final
      ? { ok: false, error: made.error }
      : fail("M_UNKNOWN", `could not knock on ${roomId}: ${made.reason}`);
  const sent = yield* rpc(made.resident, {
    method: "PUT",
    path: `${FEDERATION}/v1/send_knock/${encodeURIComponent(roomId)}/${encodeURIComponent(made.eventId)}`,
    body: pduToJson(made.pdu),
  });
  if (!sent.ok) return fail("M_UNKNOWN", `could not knock on ${roomId}: ${made.resident}: ${sent.error}`);
  if (sent.status !== 200) return { ok: false, error: remoteRefusal(made.resident, sent.status, sent.body) };
  const stripped = objectIn(sent.body).knock_room_state;
  recordOutOfBand(hs, userId, roomId, {
    membership: "knock",
    eventId: made.eventId,
    pdu: made.pdu,
    roomVersion: made.roomVersion.id,
    // Shown to the user as it came: stripped state is not checked (the spec asks no check).
    knockState: Array.isArray(stripped) ? (stripped.filter((e) => typeof e === "object" && e !== null) as Pdu[]) : [],
  });
  return ok(made.eventId);
}
