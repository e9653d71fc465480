// Which "current state" step 6 of the receive pipeline checks a PDU against (soft
// failure; FederationParams.softFailure):
//   synapse: FederationEventHandler._check_for_soft_fail. No check when the PDU's prevs
//            are exactly our forward extremities (the state before it is the current
//            state). Otherwise the current state, unless some prev is missing (held only
//            as an outlier, or not at all): then, since gaps are easy to forge, the
//            current state resolved with the state before the PDU.
//   resolve-with-event: netsplit 0.1: always the extremities' states resolved with the
//            state before the PDU.

import { prevEventIds, type Pdu } from "../../core/index.ts";
import type { FederationParams } from "./federation-params.ts";
import type { RoomStore } from "./room-store.ts";
import type { StateSnapshot } from "./state-snapshot.ts";

/** The state to check the PDU against, or undefined when no check is due. */
export function softFailState(
  mode: FederationParams["softFailure"],
  room: RoomStore,
  pdu: Pdu,
  stateBefore: StateSnapshot,
): StateSnapshot | undefined {
  const resolvedWithEvent = () =>
    room.resolveStates([...room.extremityIds().map((x) => room.stateAfter(x)!), stateBefore]);
  if (mode === "resolve-with-event") return resolvedWithEvent();
  // The prevs are exactly the extremities: each prev is one, and there are as many
  // different prevs as extremities. Asked of the room's set, not of its sorted list: the
  // extremities change with nearly every PDU, and sorting them again for this alone was
  // the largest allocation on the receive path (issue 12).
  const prevs = prevEventIds(pdu);
  if (prevs.every((p) => room.isExtremity(p)) && distinctCount(prevs) === room.extremityCount) return undefined;
  const prevMissing = prevs.some((p) => {
    const status = room.get(p)?.status;
    return status === undefined || status === "outlier";
  });
  return prevMissing ? resolvedWithEvent() : room.currentState;
}

/** How many different ids a short list holds (at most 20 prev events: no set needed). */
function distinctCount(ids: readonly string[]): number {
  let n = 0;
  for (let i = 0; i < ids.length; i++) if (ids.indexOf(ids[i]!) === i) n++;
  return n;
}
