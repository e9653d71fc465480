// What a server does with the EDUs of a /send (FederationServer._handle_edus_in_txn and the
// handlers it dispatches to). Each EDU is checked as Synapse checks it, and what it
// changed or why it was ignored goes to the trace (edu.received, edu.ignored):
//   m.typing   we are in the room, the user belongs to the origin, the origin is in the
//              room (TypingWriterHandler._recv_edu)
//   m.receipt  per room: we are in it and so is the origin; per user: it belongs to the
//              origin (ReceiptsHandler._received_remote_receipt)
//   m.presence per user: it belongs to the origin and the state is one of the spec's
//              (PresenceHandler.incoming_presence)
// Anything else is ignored (netsplit carries no other EDU).

import { isJsonObject, type JsonObject } from "../../core/index.ts";
import { PRESENCE_STATES, type PresenceState } from "./edu-wire.ts";
import { remoteTyping, storeReceipt, storeRemotePresence } from "./ephemeral.ts";
import type { Homeserver } from "./homeserver.ts";
import type { RoomStore } from "./room-store.ts";
import { eventIdOrUndefined, serverPart, userIdOrUndefined } from "./wire.ts";

type Outcome = { rooms: string[]; users: string[]; reason?: string };

export function receiveEdu(hs: Homeserver, origin: string, edu: unknown): void {
  const e = isJsonObject(edu) ? edu : {};
  const type = typeof e.edu_type === "string" ? e.edu_type : "?";
  const content = isJsonObject(e.content) ? e.content : {};
  const outcomes =
    type === "m.typing"
      ? [typing(hs, origin, content)]
      : type === "m.receipt"
        ? receipts(hs, origin, content)
        : type === "m.presence"
          ? presence(hs, origin, content)
          : [{ rooms: [], users: [], reason: "unknown EDU type" }];
  for (const o of outcomes) {
    const base = { server: hs.name, origin, type, rooms: o.rooms, users: o.users };
    hs.trace.add(
      o.reason === undefined ? { kind: "edu.received", ...base } : { kind: "edu.ignored", ...base, reason: o.reason },
    );
  }
}

/** Why a server ignores an EDU about `room` from `origin`, if it does. */
function roomRefusal(hs: Homeserver, room: RoomStore | undefined, origin: string): string | undefined {
  if (!room) return "we are not in the room";
  const servers = hs.serversInRoom(room);
  if (!servers.includes(hs.name)) return "we are not in the room";
  if (!servers.includes(origin)) return "the origin is not in the room";
  return undefined;
}

function typing(hs: Homeserver, origin: string, content: JsonObject): Outcome {
  const roomId = typeof content.room_id === "string" ? content.room_id : "";
  const user = userIdOrUndefined(content.user_id);
  const rooms = roomId ? [roomId] : [];
  const users = user ? [user] : [];
  if (!user || typeof content.typing !== "boolean") return { rooms, users, reason: "malformed m.typing" };
  if (serverPart(user) !== origin) return { rooms, users, reason: "the user does not belong to the origin" };
  const room = hs.room(roomId);
  const refusal = roomRefusal(hs, room, origin);
  if (refusal) return { rooms, users, reason: refusal };
  remoteTyping(hs, room!, user, content.typing);
  return { rooms, users };
}

function receipts(hs: Homeserver, origin: string, content: JsonObject): Outcome[] {
  const out: Outcome[] = [];
  for (const roomId of Object.keys(content).sort()) {
    const room = hs.room(roomId);
    const refusal = roomRefusal(hs, room, origin);
    const byType = isJsonObject(content[roomId]) ? (content[roomId] as JsonObject) : {};
    const applied: string[] = [];
    const refused: string[] = [];
    for (const receiptType of Object.keys(byType).sort()) {
      const byUser = isJsonObject(byType[receiptType]) ? (byType[receiptType] as JsonObject) : {};
      for (const userText of Object.keys(byUser).sort()) {
        const user = userIdOrUndefined(userText);
        const receipt = isJsonObject(byUser[userText]) ? (byUser[userText] as JsonObject) : {};
        const first = Array.isArray(receipt.event_ids) ? receipt.event_ids[0] : undefined;
        const eventId = eventIdOrUndefined(typeof first === "string" ? first : undefined);
        if (refusal || !user || serverPart(user) !== origin || !eventId) {
          refused.push(userText);
          continue;
        }
        const data = isJsonObject(receipt.data) ? receipt.data : {};
        const ts = typeof data.ts === "number" ? data.ts : hs.localNowMs();
        storeReceipt(hs, room!, receiptType, user, eventId, ts);
        applied.push(user);
      }
    }
    if (applied.length > 0) out.push({ rooms: [roomId], users: applied });
    if (refused.length > 0)
      out.push({ rooms: [roomId], users: refused, reason: refusal ?? "the user does not belong to the origin" });
  }
  return out;
}

function presence(hs: Homeserver, origin: string, content: JsonObject): Outcome[] {
  const push = Array.isArray(content.push) ? content.push : [];
  const applied: string[] = [];
  const refused: string[] = [];
  for (const p of push) {
    const entry = isJsonObject(p) ? p : {};
    const user = userIdOrUndefined(entry.user_id);
    const state = entry.presence;
    if (!user || serverPart(user) !== origin || !(PRESENCE_STATES as readonly unknown[]).includes(state)) {
      refused.push(typeof entry.user_id === "string" ? entry.user_id : "?");
      continue;
    }
    storeRemotePresence(hs, user, {
      presence: state as PresenceState,
      statusMsg: typeof entry.status_msg === "string" ? entry.status_msg : undefined,
      lastActiveAgoMs: typeof entry.last_active_ago === "number" ? entry.last_active_ago : 0,
      currentlyActive: entry.currently_active === true,
    });
    applied.push(user);
  }
  const out: Outcome[] = [];
  if (applied.length > 0) out.push({ rooms: [], users: applied.sort() });
  if (refused.length > 0)
    out.push({ rooms: [], users: refused.sort(), reason: "the user does not belong to the origin, or no presence" });
  return out;
}
