// The federation sender of one homeserver: a queue and a state machine per destination
// (destination-machine.ts), one transaction in flight at a time, retries of the same
// transaction with exponential, jittered backoff, and catch-up once a destination has
// been away too long. Everything it holds is in memory: a crash loses it, and the
// homeserver's persisted "needs catch-up" set is what survives.

import type { EventId, Pdu } from "../../core/index.ts";
import type { RpcOutcome, RpcRequest } from "../network/rpc.ts";
import type { Rng } from "../random.ts";
import type { ScheduledAction } from "../scheduler.ts";
import type { Trace } from "../trace.ts";
import { nextDestinationState, type DestinationEvent, type DestinationState } from "./destination-machine.ts";
import type { FederationParams } from "./federation-params.ts";
import { pduToJson } from "./wire.ts";

/** A PDU with its id (computed once by the homeserver that stores it). */
export interface OutgoingPdu {
  eventId: EventId;
  pdu: Pdu;
}

export interface SenderHost {
  readonly serverName: string;
  readonly params: FederationParams;
  readonly trace: Trace;
  /** Seeded stream for backoff jitter. */
  readonly rng: Rng;
  /** The server's own (possibly skewed) clock, for origin_server_ts. */
  localNowMs(): number;
  /** Virtual time, for timers. */
  nowMs(): number;
  schedule(delayMs: number, label: string, run: () => void): ScheduledAction;
  cancel(action: ScheduledAction): void;
  request(destination: string, request: RpcRequest, onOutcome: (outcome: RpcOutcome) => void): void;
  /** Catch-up: the current forward extremities of every room shared with the destination. */
  catchUpPdus(destination: string): OutgoingPdu[];
  /** Persisted marks: which destinations must be caught up (survives a crash). */
  markCatchUp(destination: string, needed: boolean): void;
  /** Everything queued for the destination has been delivered (it is owed nothing now). */
  drained(destination: string): void;
}

interface Destination {
  state: DestinationState;
  queue: OutgoingPdu[];
  inFlight: { txnId: string; pdus: OutgoingPdu[]; catchUp: boolean } | undefined;
  backoffMs: number;
  retryTimer: ScheduledAction | undefined;
}

export class FederationSender {
  private readonly destinations = new Map<string, Destination>();
  private nextTxn = 0;

  constructor(private readonly host: SenderHost) {}

  /** Queue PDUs for a destination and send when the machine allows. */
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

  /** Start in catch-up (after a restart, for destinations marked in storage). */
  startCatchUp(destination: string): void {
    const d = this.destination(destination);
    d.state = "catchingUp";
    this.transition(destination, d, { type: "RETRY" });
  }

  /** A signed request arrived from the destination: it is up, so stop waiting. */
  peerUp(destination: string): void {
    const d = this.destinations.get(destination);
    if (!d || (d.state !== "backingOff" && d.state !== "catchingUp")) return;
    this.host.trace.add({ kind: "fed.peer_up", server: this.host.serverName, destination });
    if (d.retryTimer) this.host.cancel(d.retryTimer);
    d.retryTimer = undefined;
    d.backoffMs = 0;
    this.resume(destination, d, { type: "PEER_UP" });
  }

  /** Leave a backoff: resend the failed transaction as it was, or start the next one. */
  private resume(name: string, d: Destination, event: DestinationEvent): void {
    if (d.inFlight) {
      d.state = nextDestinationState(d.state, event);
      this.send(name, d); // spec: retry the same transaction id with the same contents
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

  /** Destinations with work still to do, sorted. */
  busyDestinations(): string[] {
    return [...this.destinations.entries()]
      .filter(([, d]) => d.state !== "idle")
      .map(([name]) => name)
      .sort();
  }

  private destination(name: string): Destination {
    let d = this.destinations.get(name);
    if (!d) {
      d = { state: "idle", queue: [], inFlight: undefined, backoffMs: 0, retryTimer: undefined };
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
    const pdus = catchUp ? this.host.catchUpPdus(name) : d.queue.splice(0, this.host.params.transactionPdusMax);
    if (pdus.length === 0) {
      if (catchUp) this.host.markCatchUp(name, false);
      d.state = "idle";
      return;
    }
    const txnId = `${this.host.localNowMs()}.${this.nextTxn++}`;
    const max = this.host.params.transactionPdusMax;
    // A catch-up larger than one transaction sends the rest as ordinary queued PDUs.
    if (pdus.length > max) d.queue.unshift(...pdus.slice(max));
    d.inFlight = { txnId, pdus: pdus.slice(0, max), catchUp };
    this.send(name, d);
  }

  private send(name: string, d: Destination): void {
    const txn = d.inFlight!;
    this.host.trace.add({
      kind: "fed.txn.sent",
      server: this.host.serverName,
      destination: name,
      txnId: txn.txnId,
      pdus: txn.pdus.map((p) => p.eventId),
      catchUp: txn.catchUp,
    });
    const body = {
      origin: this.host.serverName,
      origin_server_ts: this.host.localNowMs(),
      pdus: txn.pdus.map((p) => pduToJson(p.pdu)),
      edus: [],
    };
    this.host.request(name, { method: "PUT", path: `/_matrix/federation/v1/send/${txn.txnId}`, body }, (outcome) =>
      this.onOutcome(name, d, txn.txnId, outcome),
    );
  }

  private onOutcome(name: string, d: Destination, txnId: string, outcome: RpcOutcome): void {
    if (d.inFlight?.txnId !== txnId) return;
    const server = this.host.serverName;
    if (outcome.ok && outcome.status === 200) {
      this.host.trace.add({ kind: "fed.txn.ok", server, destination: name, txnId });
      if (d.inFlight.catchUp) this.host.markCatchUp(name, false);
      d.inFlight = undefined;
      d.backoffMs = 0;
      if (d.queue.length === 0) this.host.drained(name);
      this.transition(name, d, { type: d.queue.length > 0 ? "SENT_MORE" : "SENT" });
      return;
    }
    const error = outcome.ok ? `HTTP ${outcome.status}` : outcome.error;
    this.host.trace.add({ kind: "fed.txn.failed", server, destination: name, txnId, error });
    this.backOff(name, d);
  }

  private backOff(name: string, d: Destination): void {
    const p = this.host.params;
    const jitter = this.host.rng.between(p.backoffJitterMin, p.backoffJitterMax);
    d.backoffMs =
      d.backoffMs === 0
        ? p.backoffMsFirst
        : Math.min(p.backoffMsMax, Math.round(d.backoffMs * p.backoffMultiplier * jitter));
    const catchUp = d.backoffMs > p.catchUpAfterBackoffMs;
    if (catchUp) {
      // Too long away: drop what was queued; on reconnection send only the extremities.
      d.queue = [];
      d.inFlight = undefined;
      this.host.markCatchUp(name, true);
    }
    this.host.trace.add({
      kind: "fed.backoff",
      server: this.host.serverName,
      destination: name,
      intervalMs: d.backoffMs,
      retryAtMs: this.host.nowMs() + d.backoffMs,
      catchUp,
    });
    this.transition(name, d, { type: catchUp ? "FAILED_LONG" : "FAILED" });
    d.retryTimer = this.host.schedule(d.backoffMs, `retry ${name}`, () => {
      d.retryTimer = undefined;
      this.resume(name, d, { type: "RETRY" });
    });
  }
}
