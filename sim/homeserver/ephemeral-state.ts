// What a homeserver holds of typing, receipts and presence. Typing lives in memory (a crash
// forgets who was typing, as Synapse's TypingHandler does); receipts and presence are
// persisted (Synapse's receipts_linearized and presence_stream tables). Every change takes
// a position on the server's stream, so /sync shows what changed since a token.

import type { EventId, RoomId, UserId } from "../../core/index.ts";
import type { ScheduledAction } from "../scheduler.ts";
import type { PresenceState } from "./edu-wire.ts";

/** One user typing in one room, until `untilMs` (virtual time). */
export interface TypingEntry {
  untilMs: number;
  expiry: ScheduledAction;
  /** Our own user (we tell the room's other servers, and keep them told); else a remote server told us. */
  local: boolean;
  /** A local user's next keep-alive to the other servers. */
  ping: ScheduledAction | undefined;
}

export interface TypingState {
  readonly rooms: Map<RoomId, Map<UserId, TypingEntry>>;
  /** The stream position of each room's last typing change. */
  readonly changedAt: Map<RoomId, number>;
}

export interface StoredReceipt {
  receiptType: string;
  userId: UserId;
  eventId: EventId;
  ts: number;
  stream: number;
}

/** Per room, the newest receipt of each (receipt type, user). */
export type ReceiptStore = Map<RoomId, Map<string, StoredReceipt>>;

export interface StoredPresence {
  presence: PresenceState;
  statusMsg: string | undefined;
  /** Virtual time of the user's last activity (when it was last set online). */
  lastActiveMs: number;
  currentlyActive: boolean;
  stream: number;
}

export type PresenceStore = Map<UserId, StoredPresence>;

export function emptyTypingState(): TypingState {
  return { rooms: new Map(), changedAt: new Map() };
}

export const receiptKey = (receiptType: string, userId: string) => `${receiptType}\u0000${userId}`;
