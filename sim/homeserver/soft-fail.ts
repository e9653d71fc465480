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
  const extremities = room.extremityIds();
  const resolvedWithEvent = () => room.resolveStates([...extremities.map((x) => room.stateAfter(x)!), stateBefore]);
  if (mode === "resolve-with-event") return resolvedWithEvent();
  // (Arrays, not sets: at most 20 prev events, and this runs for every PDU received.)
  const prevs = prevEventIds(pdu);
  if (extremities.every((x) => prevs.includes(x)) && prevs.every((p) => extremities.includes(p))) return undefined;
  const prevMissing = prevs.some((p) => {
    const status = room.get(p)?.status;
    return status === undefined || status === "outlier";
  });
  return prevMissing ? resolvedWithEvent() : room.currentState;
}
