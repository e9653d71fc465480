// The state machine of one homeserver's pushes to one application service
// (@xstate/fsm), shaped like the federation destination machine. States:
//   idle        nothing to send
//   sending     one transaction in flight (never more: the spec's queue is linear)
//   backingOff  the last attempt failed; a retry timer is set; new events queue up
//               behind the failed transaction, which is retried as it was
// There is no catch-up state: a service must get every event it is interested in, so
// nothing is ever dropped for having waited long (unlike federation's catch-up).
// The machine only decides transitions; AppServiceSender holds the queue and timers.

import { createMachine } from "@xstate/fsm";

export type TxnEvent =
  | { type: "ENQUEUE" }
  | { type: "SENT" } // the transaction got its 200
  | { type: "SENT_MORE" } // ...and more events are waiting
  | { type: "FAILED" } // timeout, unreachable, or any status but 200
  | { type: "RETRY" }; // the retry timer fired

export type TxnState = "idle" | "sending" | "backingOff";

export const txnMachine = createMachine<
  Record<string, never>,
  TxnEvent,
  { value: TxnState; context: Record<string, never> }
>({
  id: "appservice-transactions",
  initial: "idle",
  context: {},
  states: {
    idle: { on: { ENQUEUE: "sending" } },
    sending: { on: { SENT: "idle", SENT_MORE: "sending", FAILED: "backingOff", ENQUEUE: "sending" } },
    backingOff: { on: { ENQUEUE: "backingOff", RETRY: "sending" } },
  },
});

/** The next state, or the same state when the event does not apply there. */
export function nextTxnState(state: TxnState, event: TxnEvent): TxnState {
  return txnMachine.transition(state, event).value;
}
