// A homeserver's pushes to one application service (spec: application-service-api.md
// "Pushing events", transactions.yaml): a queue of client-format events in stream
// order, one transaction in flight, and on failure a retry of the same transaction id
// with exactly the same events after an exponential backoff (Synapse's recoverer:
// 2 s, 4 s, … up to 512 s; any success resets it). Events that arrive meanwhile wait
// behind it, so the service sees every event once acknowledged, in order.
//
// The queue, the transaction in flight and the next transaction id are persisted (as
// Synapse stores appservice transactions and its stream position): a crash of the
// homeserver loses only the timers, and restart() resumes. Transaction ids are never
// reused, since the service deduplicates by them.

import type { RpcOutcome, RpcRequest } from "../network/rpc.ts";
import type { ScheduledAction } from "../scheduler.ts";
import type { Trace } from "../trace.ts";
import type { ClientEvent } from "./client-event.ts";
import type { AppServiceParams } from "./params.ts";
import { nextTxnState, type TxnEvent, type TxnState } from "./txn-machine.ts";

export interface TxnSenderHost {
  readonly serverName: string;
  readonly serviceId: string;
  readonly node: string;
  readonly hsToken: string;
  readonly params: AppServiceParams;
  readonly trace: Trace;
  nowMs(): number;
  schedule(delayMs: number, label: string, run: () => void): ScheduledAction;
  cancel(action: ScheduledAction): void;
  request(to: string, request: RpcRequest, onOutcome: (outcome: RpcOutcome) => void): void;
}

interface InFlight {
  txnId: string;
  events: ClientEvent[];
  attempts: number;
}

export const TRANSACTIONS_PATH = "/_matrix/app/v1/transactions/";

export class AppServiceSender {
  private state: TxnState = "idle";
  private queue: ClientEvent[] = [];
  private inFlight: InFlight | undefined;
  private backoffMs = 0;
  private nextTxnId = 1;
  private retryTimer: ScheduledAction | undefined;

  constructor(private readonly host: TxnSenderHost) {}

  /** Queue one event (in the homeserver's stream order) and send when the machine allows. */
  enqueue(event: ClientEvent): void {
    if (this.queue.length >= this.host.params.queueEventsMax) {
      const { serverName: server, serviceId: service } = this.host;
      this.host.trace.add({
        kind: "as.dropped",
        server,
        service,
        event: event.event_id,
        reason: `queue full (${this.host.params.queueEventsMax} events)`,
      });
      return;
    }
    this.queue.push(event);
    this.transition({ type: "ENQUEUE" });
  }

  get stateName(): TxnState {
    return this.state;
  }

  /** Events not yet acknowledged: queued plus in flight. */
  get pendingCount(): number {
    return this.queue.length + (this.inFlight?.events.length ?? 0);
  }

  busy(): boolean {
    return this.state !== "idle";
  }

  /** After the homeserver restarts: timers were lost; resend the transaction in flight, or start the next. */
  restart(): void {
    this.retryTimer = undefined;
    if (this.inFlight) {
      this.state = "sending";
      this.send();
    } else {
      this.state = "idle";
      if (this.queue.length > 0) this.transition({ type: "ENQUEUE" });
    }
  }

  private transition(event: TxnEvent): void {
    this.state = nextTxnState(this.state, event);
    if (this.state === "sending" && !this.inFlight) this.startTransaction();
  }

  private startTransaction(): void {
    const events = this.queue.splice(0, this.host.params.transactionEventsMax);
    if (events.length === 0) {
      this.state = "idle";
      return;
    }
    this.inFlight = { txnId: String(this.nextTxnId++), events, attempts: 0 };
    this.send();
  }

  private send(): void {
    const txn = this.inFlight!;
    txn.attempts++;
    const attempt = txn.attempts;
    const { serverName: server, serviceId: service, node } = this.host;
    this.host.trace.add({
      kind: "as.txn.sent",
      server,
      service,
      node,
      txnId: txn.txnId,
      events: txn.events.map((e) => e.event_id),
      attempt,
    });
    const request: RpcRequest = {
      method: "PUT",
      path: `${TRANSACTIONS_PATH}${encodeURIComponent(txn.txnId)}`,
      headers: { Authorization: `Bearer ${this.host.hsToken}` },
      body: { events: txn.events },
    };
    this.host.request(node, request, (outcome) => this.onOutcome(txn, attempt, outcome));
  }

  private onOutcome(txn: InFlight, attempt: number, outcome: RpcOutcome): void {
    if (this.inFlight !== txn || txn.attempts !== attempt || this.state !== "sending") return;
    const { serverName: server, serviceId: service } = this.host;
    if (outcome.ok && outcome.status === 200) {
      this.host.trace.add({ kind: "as.txn.ok", server, service, txnId: txn.txnId });
      this.inFlight = undefined;
      this.backoffMs = 0;
      this.transition({ type: this.queue.length > 0 ? "SENT_MORE" : "SENT" });
      return;
    }
    // Synapse counts every non-2xx answer as a failure, and so does netsplit (a 403 for a
    // wrong hs_token is retried for ever, with the backoff capped).
    const error = outcome.ok ? `HTTP ${outcome.status}` : outcome.error;
    this.host.trace.add({ kind: "as.txn.failed", server, service, txnId: txn.txnId, error });
    this.backOff();
  }

  private backOff(): void {
    const p = this.host.params;
    this.backoffMs =
      this.backoffMs === 0
        ? p.backoffMsFirst
        : Math.min(p.backoffMsMax, Math.round(this.backoffMs * p.backoffMultiplier));
    const { serverName: server, serviceId: service } = this.host;
    this.host.trace.add({
      kind: "as.backoff",
      server,
      service,
      intervalMs: this.backoffMs,
      retryAtMs: this.host.nowMs() + this.backoffMs,
    });
    this.transition({ type: "FAILED" });
    this.retryTimer = this.host.schedule(this.backoffMs, `retry appservice ${service}`, () => {
      this.retryTimer = undefined;
      this.state = nextTxnState(this.state, { type: "RETRY" });
      this.send(); // spec: the same transaction id, the same events
    });
  }
}
