// The state machine of one federation destination (@xstate/fsm). States:
//   idle        nothing to send
//   sending     one transaction in flight (the spec allows one per destination)
//   backingOff  the last attempt failed; a retry timer is set; new PDUs queue up
//   catchingUp  backed off past the catch-up threshold: the queue was dropped, and on
//               reconnection only the rooms' forward extremities are sent
// The machine only decides transitions; the queue, timers and transactions live in
// TimerSender (netsplit 0.1's retry model), which feeds it events and acts on the state it
// lands in. SynapseSender has no retry timer, and reports the same four states derived from
// its queue (backingOff: PDUs waiting for the backoff to pass or the wake-up loop).

import { createMachine } from "@xstate/fsm";

export type DestinationEvent =
  | { type: "ENQUEUE" }
  | { type: "SENT" } // a transaction got its 200
  | { type: "SENT_MORE" } // ...and more PDUs are waiting
  | { type: "FAILED" } // timeout, unreachable, or 5xx
  | { type: "FAILED_LONG" } // ...and the backoff passed the catch-up threshold
  | { type: "RETRY" } // the retry timer fired
  | { type: "PEER_UP" }; // a signed request arrived from the destination

export type DestinationState = "idle" | "sending" | "backingOff" | "catchingUp";

export const destinationMachine = createMachine<
  Record<string, never>,
  DestinationEvent,
  { value: DestinationState; context: Record<string, never> }
>({
  id: "destination",
  initial: "idle",
  context: {},
  states: {
    idle: { on: { ENQUEUE: "sending", PEER_UP: "idle" } },
    sending: {
      on: { SENT: "idle", SENT_MORE: "sending", FAILED: "backingOff", FAILED_LONG: "catchingUp", ENQUEUE: "sending" },
    },
    backingOff: {
      on: { ENQUEUE: "backingOff", RETRY: "sending", PEER_UP: "sending", FAILED_LONG: "catchingUp" },
    },
    catchingUp: { on: { ENQUEUE: "catchingUp", RETRY: "sending", PEER_UP: "sending" } },
  },
});

/** The next state, or the same state when the event does not apply there. */
export function nextDestinationState(state: DestinationState, event: DestinationEvent): DestinationState {
  return destinationMachine.transition(state, event).value;
}
