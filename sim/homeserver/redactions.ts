// Applying redactions (spec: rooms/fragments/v3-handling-redactions.md). An accepted
// m.room.redaction is only applied once the server holds both it and its target, and
// then only if the redaction's sender may redact: power level ≥ the redact level, or
// the same server as the target's sender. Until the target arrives it waits. Applying
// keeps the original (it is what was signed and what federation serves) and gives
// clients the redacted copy.

import { powerLevelField, redactEvent, stateKey, userPowerLevel, type EventId, type Pdu } from "../../core/index.ts";
import type { RoomStore, StoredEvent } from "./room-store.ts";
import { eventIdOrUndefined } from "./wire.ts";

function domainOf(userId: string): string {
  return userId.slice(userId.indexOf(":") + 1);
}

export function redactedTarget(pdu: Pdu, room: RoomStore): EventId | undefined {
  const target = room.version.redactsInContent ? pdu.content.redacts : pdu.redacts;
  return typeof target === "string" ? eventIdOrUndefined(target) : undefined;
}

function mayRedact(room: RoomStore, redaction: Pdu, target: Pdu): boolean {
  if (domainOf(redaction.sender) === domainOf(target.sender)) return true;
  const plId = room.currentState.get(stateKey("m.room.power_levels", ""));
  const pl = plId ? room.get(plId)?.pdu : undefined;
  return (
    userPowerLevel(redaction.sender, pl, room.createEvent(), room.version) >=
    powerLevelField(pl?.content, "redact", room.version)
  );
}

/**
 * Called for every accepted event: applies it if it is a redaction, or applies
 * redactions waiting for it. Returns the redactions applied, as [target, redaction].
 */
export function applyRedactions(room: RoomStore, event: StoredEvent): Array<[EventId, EventId]> {
  const applied: Array<[EventId, EventId]> = [];
  if (event.pdu.type === "m.room.redaction") {
    const targetId = redactedTarget(event.pdu, room);
    if (targetId) {
      const target = room.get(targetId);
      if (!target) room.pendingRedactions.set(targetId, event.id);
      else if (redact(room, event, target)) applied.push([target.id, event.id]);
    }
  }
  const waiting = room.pendingRedactions.get(event.id);
  if (waiting) {
    room.pendingRedactions.delete(event.id);
    if (redact(room, room.get(waiting)!, event)) applied.push([event.id, waiting]);
  }
  return applied;
}

function redact(room: RoomStore, redaction: StoredEvent, target: StoredEvent): boolean {
  if (target.redactedBy || !mayRedact(room, redaction.pdu, target.pdu)) return false;
  target.redactedBy = redaction.id;
  target.clientPdu = redactEvent(target.pdu, room.version);
  return true;
}
