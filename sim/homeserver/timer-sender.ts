// netsplit 0.1's retry model (retryModel "timer"): a destination that fails is retried
// exactly when its backoff expires (or at once when it contacts us), and a catch-up begins
// once the backoff passes catchUpAfterBackoffMs. The retry resends the failed transaction
// (retryTransaction "same") or builds a new one from what is queued ("new"). The states
// and their transitions: destination-machine.ts.

import type { ScheduledAction } from "../scheduler.ts";
import { nextDestinationState, type DestinationEvent, type DestinationState } from "./destination-machine.ts";
import type { FederationSender, OutgoingPdu, SenderHost } from "./federation-sender.ts";
import {
  newestStream,
  nextTxnId,
  TransactionAttempts,
  type Transaction,
  type TransactionResult,
} from "./transaction-attempts.ts";

interface Destination {
  state: DestinationState;
  queue: OutgoingPdu[];
  inFlight: Transaction | undefined;
  attempts: TransactionAttempts | undefined;
  retryTimer: ScheduledAction | undefined;
}

export class TimerSender implements FederationSender {
  private readonly destinations = new Map<string, Destination>();
  private nextTxn = 0;

  constructor(
    private readonly host: SenderHost,
    private readonly catchUpMarks: ReadonlySet<string>,
  ) {}

  enqueue(destination: string, pdus: readonly OutgoingPdu[]): void {
    const d = this.destination(destination);
    if (d.state === "catchingUp") return; // covered by the extremities sent on catch-up
    d.queue.push(...pdus);
    if (d.queue.length > this.host.params.queuePdusMax) {
      d.queue = [];
      this.host.markCatchUp(destination, true);
      this.transition(destination, d, { type: "FAILED_LONG" });
      return;
    }
    this.transition(destination, d, { type: "ENQUEUE" });
  }

  restart(): void {
    for (const name of [...this.catchUpMarks].sort()) {
      const d = this.destination(name);
      d.state = "catchingUp";
      this.transition(name, d, { type: "RETRY" });
    }
  }

  peerUp(destination: string): void {
    const d = this.destinations.get(destination);
    if (!d || (d.state !== "backingOff" && d.state !== "catchingUp")) return;
    this.host.trace.add({ kind: "fed.peer_up", server: this.host.serverName, destination });
    if (d.retryTimer) this.host.cancel(d.retryTimer);
    d.retryTimer = undefined;
    this.host.retryTimings.reset(destination);
    this.resume(destination, d, { type: "PEER_UP" });
  }

  /** Leave a backoff: resend the failed transaction as it was, or start the next one. */
  private resume(name: string, d: Destination, event: DestinationEvent): void {
    if (d.inFlight && this.host.params.retryTransaction === "new") {
      // A new transaction from what is queued: the failed one's PDUs go first.
      if (!d.inFlight.catchUp) d.queue.unshift(...d.inFlight.pdus);
      d.inFlight = undefined;
    }
    if (d.inFlight) {
      d.state = nextDestinationState(d.state, event);
      this.send(name, d, d.inFlight); // the same transaction id with the same contents
    } else {
      this.transition(name, d, event);
    }
  }

  stateOf(destination: string): DestinationState {
    return this.destinations.get(destination)?.state ?? "idle";
  }

  queuedCount(destination: string): number {
    const d = this.destinations.get(destination);
    return d ? d.queue.length + (d.inFlight?.pdus.length ?? 0) : 0;
  }

  busyDestinations(): string[] {
    return [...this.destinations.entries()]
      .filter(([, d]) => d.state !== "idle")
      .map(([name]) => name)
      .sort();
  }

  private destination(name: string): Destination {
    let d = this.destinations.get(name);
    if (!d) {
      d = { state: "idle", queue: [], inFlight: undefined, attempts: undefined, retryTimer: undefined };
      this.destinations.set(name, d);
    }
    return d;
  }

  private transition(name: string, d: Destination, event: DestinationEvent): void {
    const from = d.state;
    d.state = nextDestinationState(from, event);
    if (d.state === "sending" && !d.inFlight) this.startTransaction(name, d, from === "catchingUp");
  }

  private startTransaction(name: string, d: Destination, catchUp: boolean): void {
    const pdus = catchUp ? this.catchUpPdus(name) : d.queue.splice(0, this.host.params.transactionPdusMax);
    const edus = catchUp ? [] : this.host.takeEdus(name, this.host.params.transactionEdusMax);
    if (pdus.length === 0 && edus.length === 0) {
      if (catchUp) this.host.markCatchUp(name, false);
      d.state = "idle";
      return;
    }
    const txnId = nextTxnId(this.host, this.nextTxn++);
    const max = this.host.params.transactionPdusMax;
    // A catch-up larger than one transaction sends the rest as ordinary queued PDUs.
    if (pdus.length > max) d.queue.unshift(...pdus.slice(max));
    d.inFlight = { txnId, pdus: pdus.slice(0, max), edus, catchUp };
    this.send(name, d, d.inFlight);
  }

  /** The catch-up of the configured model ("synapse": the first owed room only; the rest follow room by room). */
  private catchUpPdus(name: string): OutgoingPdu[] {
    if (this.host.params.catchUpModel === "all-extremities") return this.host.catchUpPdus(name);
    const last = this.host.deliveries.lastSuccessfulStream(name) ?? 0;
    const mark = this.host.deliveries.nextRoomAfter(name, last);
    return mark ? this.host.catchUpRoomPdus(name, mark, last).map((p) => ({ ...p, stream: mark.stream })) : [];
  }

  private send(name: string, d: Destination, txn: Transaction): void {
    d.attempts = new TransactionAttempts(this.host, name, txn, (result) => this.onResult(name, d, txn, result));
    d.attempts.start();
  }

  private onResult(name: string, d: Destination, txn: Transaction, result: TransactionResult): void {
    if (d.inFlight !== txn) return;
    d.attempts = undefined;
    if (result.kind === "ok") {
      const stream = newestStream(txn.pdus);
      if (stream > 0) this.host.deliveries.delivered(name, stream);
      const moreCatchUp = txn.catchUp && this.host.params.catchUpModel === "synapse" && this.owesCatchUp(name);
      if (txn.catchUp && !moreCatchUp) this.host.markCatchUp(name, false);
      d.inFlight = undefined;
      this.host.retryTimings.reset(name);
      if (moreCatchUp) {
        this.startTransaction(name, d, true);
        return;
      }
      if (d.queue.length === 0) this.host.drained(name);
      const more = d.queue.length > 0 || this.host.hasEdus(name);
      this.transition(name, d, { type: more ? "SENT_MORE" : "SENT" });
      return;
    }
    this.backOff(name, d);
  }

  private owesCatchUp(name: string): boolean {
    const last = this.host.deliveries.lastSuccessfulStream(name) ?? 0;
    return this.host.deliveries.nextRoomAfter(name, last) !== undefined;
  }

  private backOff(name: string, d: Destination): void {
    const p = this.host.params;
    const intervalMs = this.host.retryTimings.recordFailure(name, this.host.nowMs(), p, this.host.rng);
    const catchUp = intervalMs > p.catchUpAfterBackoffMs;
    if (catchUp) {
      // Too long away: drop what was queued; on reconnection send only the extremities.
      d.queue = [];
      d.inFlight = undefined;
      this.host.dropEdus(name);
      this.host.markCatchUp(name, true);
    }
    this.host.trace.add({
      kind: "fed.backoff",
      server: this.host.serverName,
      destination: name,
      intervalMs,
      retryAtMs: this.host.nowMs() + intervalMs,
      catchUp,
    });
    this.transition(name, d, { type: catchUp ? "FAILED_LONG" : "FAILED" });
    d.retryTimer = this.host.schedule(intervalMs, `retry ${name}`, () => {
      d.retryTimer = undefined;
      this.resume(name, d, { type: "RETRY" });
    });
  }
}
