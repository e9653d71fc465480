// The EDUs waiting for each destination, in memory (a crash loses them, as Synapse's
// PerDestinationQueue holds them in memory: synapse/federation/sender/per_destination_queue.py).
// Typing is keyed by (room, user) and receipts by (room, receipt type, user), so a newer
// one replaces an older one not yet sent (send_keyed_edu, queue_read_receipt); presence
// keeps each user's newest state (send_presence). A transaction takes what fits: one
// presence EDU of at most 50 users (MAX_PRESENCE_STATES_PER_EDU), the receipts in one EDU,
// then typing EDUs, at most transactionEdusMax in all (_TransactionQueueManager.__aenter__).

import { presenceEdu, receiptEdu, typingEdu, type Edu, type PresenceEntry, type ReceiptEntry } from "./edu-wire.ts";

/** Synapse's MAX_PRESENCE_STATES_PER_EDU. */
export const PRESENCE_STATES_PER_EDU_MAX = 50;

interface Pending {
  typing: Map<string, { roomId: string; userId: string; typing: boolean }>;
  receipts: Map<string, ReceiptEntry>;
  presence: Map<string, PresenceEntry>;
}

export class EduOutbox {
  private readonly pending = new Map<string, Pending>();

  queueTyping(destination: string, roomId: string, userId: string, typing: boolean): void {
    this.of(destination).typing.set(`${roomId}\u0000${userId}`, { roomId, userId, typing });
  }

  queueReceipt(destination: string, receipt: ReceiptEntry): void {
    const key = `${receipt.roomId}\u0000${receipt.receiptType}\u0000${receipt.userId}`;
    this.of(destination).receipts.set(key, receipt);
  }

  queuePresence(destination: string, presence: PresenceEntry): void {
    this.of(destination).presence.set(presence.userId, presence);
  }

  has(destination: string): boolean {
    return this.pending.has(destination);
  }

  /** Drop everything waiting for the destination (Synapse does when it backs off for over an hour). */
  drop(destination: string): void {
    this.pending.delete(destination);
  }

  /** Take at most `max` EDUs for the destination's next transaction. */
  take(destination: string, max: number): Edu[] {
    const p = this.pending.get(destination);
    if (!p || max <= 0) return [];
    const out: Edu[] = [];
    if (p.presence.size > 0) {
      const users = [...p.presence.keys()].slice(0, PRESENCE_STATES_PER_EDU_MAX);
      out.push(presenceEdu(users.map((u) => p.presence.get(u)!)));
      for (const u of users) p.presence.delete(u);
    }
    if (p.receipts.size > 0 && out.length < max) {
      out.push(receiptEdu([...p.receipts.values()]));
      p.receipts.clear();
    }
    for (const [key, t] of [...p.typing]) {
      if (out.length >= max) break;
      out.push(typingEdu(t.roomId, t.userId, t.typing));
      p.typing.delete(key);
    }
    if (p.typing.size + p.receipts.size + p.presence.size === 0) this.pending.delete(destination);
    return out;
  }

  private of(destination: string): Pending {
    let p = this.pending.get(destination);
    if (!p) {
      p = { typing: new Map(), receipts: new Map(), presence: new Map() };
      this.pending.set(destination, p);
    }
    return p;
  }
}
