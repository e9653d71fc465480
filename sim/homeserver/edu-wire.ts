// The EDUs netsplit carries in /send (spec: server-server-api.md, "Typing Notifications",
// "Receipts", "Presence"; data/api/server-server/definitions/event-schemas/m.typing.yaml,
// m.receipt.yaml, m.presence.yaml): their wire shapes, and the one-line summaries the trace
// records of each transaction's EDUs.

import { isJsonObject, type JsonObject } from "../../core/index.ts";

/** One EDU as it travels in a transaction's `edus`. */
export interface Edu {
  edu_type: string;
  content: JsonObject;
}

/** The presence states of the spec. */
export const PRESENCE_STATES = ["online", "offline", "unavailable"] as const;
export type PresenceState = (typeof PRESENCE_STATES)[number];

/** The receipt types netsplit federates (m.read.private and m.fully_read never leave the server). */
export const RECEIPT_TYPES = ["m.read"] as const;
export type ReceiptType = (typeof RECEIPT_TYPES)[number];

/** What a transaction's trace record says of one EDU: its type, its room (typing) or rooms (receipts), and its users. */
export interface EduSummary {
  type: string;
  rooms: string[];
  users: string[];
}

export function typingEdu(roomId: string, userId: string, typing: boolean): Edu {
  return { edu_type: "m.typing", content: { room_id: roomId, user_id: userId, typing } };
}

/** One receipt of a receipt EDU: `{room: {type: {user: {event_ids, data: {ts}}}}}`. */
export interface ReceiptEntry {
  roomId: string;
  receiptType: string;
  userId: string;
  eventId: string;
  ts: number;
}

export function receiptEdu(entries: readonly ReceiptEntry[]): Edu {
  const content: Record<string, Record<string, Record<string, JsonObject>>> = {};
  for (const r of entries) {
    const byType = (content[r.roomId] ??= {});
    const byUser = (byType[r.receiptType] ??= {});
    byUser[r.userId] = { event_ids: [r.eventId], data: { ts: r.ts } };
  }
  return { edu_type: "m.receipt", content };
}

/** One user's presence as the m.presence EDU's `push` lists it. */
export interface PresenceEntry {
  userId: string;
  presence: PresenceState;
  statusMsg?: string | undefined;
  lastActiveAgoMs: number;
  currentlyActive: boolean;
}

export function presenceEdu(entries: readonly PresenceEntry[]): Edu {
  return {
    edu_type: "m.presence",
    content: {
      push: entries.map((p) => ({
        user_id: p.userId,
        presence: p.presence,
        last_active_ago: p.lastActiveAgoMs,
        currently_active: p.currentlyActive,
        ...(p.statusMsg !== undefined ? { status_msg: p.statusMsg } : {}),
      })),
    },
  };
}

const strings = (xs: Iterable<unknown>) =>
  [...new Set([...xs].filter((x): x is string => typeof x === "string"))].sort();

/** The trace's summary of an EDU (whatever its shape: a malformed one summarises as far as it can be read). */
export function eduSummary(edu: unknown): EduSummary {
  const e = isJsonObject(edu) ? edu : {};
  const type = typeof e.edu_type === "string" ? e.edu_type : "?";
  const content = isJsonObject(e.content) ? e.content : {};
  if (type === "m.typing") return { type, rooms: strings([content.room_id]), users: strings([content.user_id]) };
  if (type === "m.receipt") {
    const users = Object.values(content).flatMap((byType) =>
      isJsonObject(byType)
        ? Object.values(byType).flatMap((byUser) => (isJsonObject(byUser) ? Object.keys(byUser) : []))
        : [],
    );
    return { type, rooms: strings(Object.keys(content)), users: strings(users) };
  }
  if (type === "m.presence") {
    const push = Array.isArray(content.push) ? content.push : [];
    return { type, rooms: [], users: strings(push.map((p) => (isJsonObject(p) ? p.user_id : undefined))) };
  }
  return { type, rooms: [], users: [] };
}
