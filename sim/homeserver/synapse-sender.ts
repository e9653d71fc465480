// Synapse's retry model (retryModel "synapse"; synapse/federation/sender/per_destination_queue.py,
// PerDestinationQueue). There is no retry timer: a destination is tried again when new data
// is queued for it (attempt_new_transaction), when it sends us a signed request (the
// notifier's notify_remote_server_up), or by the wake-up loop (wake-up-loop.ts). Each try
// first asks the retry timings (retry-timings.ts) whether the destination may be contacted;
// a transaction that fails leaves its PDUs queued, and the next try builds a new transaction
// (a new txn id) from the queue. A backoff longer than catchUpAfterBackoffMs drops the queue
// and puts the destination in catch-up: with catchUpModel "synapse" one room per transaction,
// from the delivery log (_catch_up_transmission_loop); with "all-extremities", netsplit 0.1's.
// Like Synapse's, a queue starts in catch-up mode after every (re)start, not knowing yet
// whether the destination missed anything.

import type { DestinationState } from "./destination-machine.ts";
import type { FederationSender, OutgoingPdu, SenderHost } from "./federation-sender.ts";
import {
  newestStream,
  nextTxnId,
  TransactionAttempts,
  type Transaction,
  type TransactionResult,
} from "./transaction-attempts.ts";
import { WakeUpLoop } from "./wake-up-loop.ts";

interface Destination {
  queue: OutgoingPdu[];
  attempts: TransactionAttempts | undefined;
  /** Synapse's _catching_up: queued PDUs are dropped and rooms are caught up from the delivery log. */
  catchingUp: boolean;
  /** Catch-up not yet checked since the server started: new PDUs still queue (Synapse: _last_successful_stream_ordering is None). */
  unchecked: boolean;
}

/** A bound on the catch-up rooms skipped in one go because nothing could be sent for them. */
const CATCH_UP_SKIPS_MAX = 10_000;

export class SynapseSender implements FederationSender {
  private readonly destinations = new Map<string, Destination>();
  private readonly loop: WakeUpLoop;
  private nextTxn = 0;
  /** This sender was made by a restart (its predecessor's queues were lost). */
  private restarted = false;

  constructor(
    private readonly host: SenderHost,
    private readonly catchUpMarks: ReadonlySet<string>,
  ) {
    const p = host.params;
    this.loop = new WakeUpLoop(
      {
        nowMs: () => host.nowMs(),
        schedule: (delayMs, label, run) => host.schedule(delayMs, label, run),
        intervalMs: p.wakeUpIntervalMs,
        betweenDestinationsMs: p.wakeUpBetweenDestinationsMs,
        due: () => this.due(),
        waiting: () => this.waiting(),
        wake: (name) => this.attempt(name, this.destination(name)),
      },
      host.nowMs(),
    );
  }

  enqueue(destination: string, pdus: readonly OutgoingPdu[]): void {
    const d = this.destination(destination);
    // While catching up, the delivery log already covers these (Synapse's send_pdu).
    if (!d.catchingUp || d.unchecked) d.queue.push(...pdus);
    if (d.queue.length > this.host.params.queuePdusMax) this.startCatchingUp(destination, d);
    this.attempt(destination, d);
  }

  restart(): void {
    this.restarted = true;
    this.loop.runNow();
  }

  peerUp(destination: string): void {
    // Synapse resets the timings only of a destination it had marked as failing.
    if (!this.host.retryTimings.reset(destination)) return;
    this.host.trace.add({ kind: "fed.peer_up", server: this.host.serverName, destination });
    const d = this.destination(destination);
    if (d.attempts) d.attempts.wake();
    else this.attempt(destination, d);
  }

  stateOf(destination: string): DestinationState {
    const d = this.destinations.get(destination);
    if (!d) return "idle";
    if (d.attempts) return "sending";
    if (d.catchingUp && !d.unchecked) return "catchingUp";
    return d.queue.length > 0 ? "backingOff" : "idle";
  }

  queuedCount(destination: string): number {
    const d = this.destinations.get(destination);
    return d ? d.queue.length + (d.attempts?.txn.pdus.length ?? 0) : 0;
  }

  busyDestinations(): string[] {
    return [...this.destinations.keys()].filter((name) => this.stateOf(name) !== "idle").sort();
  }

  private destination(name: string): Destination {
    let d = this.destinations.get(name);
    if (!d) {
      const synapseCatchUp = this.host.params.catchUpModel === "synapse";
      // "all-extremities" keeps netsplit 0.1's persisted marks instead of Synapse's first check.
      d = {
        queue: [],
        attempts: undefined,
        catchingUp: synapseCatchUp || this.catchUpMarks.has(name),
        unchecked: synapseCatchUp,
      };
      this.destinations.set(name, d);
    }
    return d;
  }

  /** Synapse's attempt_new_transaction and one turn of its transmission loop. */
  private attempt(name: string, d: Destination): void {
    if (d.attempts) return; // a transaction is in flight; its end tries again
    const { retryTimings, params } = this.host;
    if (retryTimings.waitMs(name, this.host.nowMs()) > 0) {
      if (retryTimings.intervalMs(name) > params.catchUpAfterBackoffMs) {
        // Away for over an hour: the EDUs would pile up, and they may be lost (Synapse drops them here).
        this.host.dropEdus(name);
        if (!d.catchingUp) this.startCatchingUp(name, d);
      }
      this.loop.arm();
      return;
    }
    if (d.catchingUp && this.sendCatchUp(name, d)) return;
    const pdus = d.queue.splice(0, params.transactionPdusMax);
    if (pdus.length === 0) this.host.drained(name);
    const edus = this.host.takeEdus(name, params.transactionEdusMax);
    if (pdus.length === 0 && edus.length === 0) return;
    this.send(name, d, { txnId: nextTxnId(this.host, this.nextTxn++), pdus, edus, catchUp: false });
  }

  /** Drop the queue: what it held reaches the destination through catch-up (Synapse's _start_catching_up). */
  private startCatchingUp(name: string, d: Destination): void {
    d.queue = [];
    d.catchingUp = true;
    d.unchecked = false;
    this.host.markCatchUp(name, true);
  }

  /** Send the next catch-up transaction; false when catch-up is over (or futile). */
  private sendCatchUp(name: string, d: Destination): boolean {
    const pdus =
      this.host.params.catchUpModel === "synapse" ? this.nextCatchUpRoom(name, d) : this.allExtremities(name);
    if (pdus.length === 0) {
      d.catchingUp = false;
      d.unchecked = false;
      this.host.markCatchUp(name, false);
      return false;
    }
    this.send(name, d, { txnId: nextTxnId(this.host, this.nextTxn++), pdus, edus: [], catchUp: true });
    return true;
  }

  /** "synapse": the PDUs for the oldest room the destination missed, each carrying that room's mark. */
  private nextCatchUpRoom(name: string, d: Destination): OutgoingPdu[] {
    const { deliveries } = this.host;
    const known = deliveries.lastSuccessfulStream(name);
    // Never delivered anything: on a server that has not restarted, the queue holds it all
    // (Synapse's first check finds nothing to do). After a restart the queue was lost, so
    // catch up from the start (Synapse gives up there, but only because its column may
    // predate what it queued; our log covers the whole run).
    if (known === undefined && d.unchecked && !this.restarted) return [];
    const last = known ?? 0;
    let after = last;
    for (let skips = 0; skips < CATCH_UP_SKIPS_MAX; skips++) {
      const mark = deliveries.nextRoomAfter(name, after);
      if (!mark) return [];
      // What was queued before we knew the destination had missed something is covered here.
      if (d.unchecked) d.queue = [];
      d.unchecked = false;
      const pdus = this.host.catchUpRoomPdus(name, mark, last);
      if (pdus.length > 0) return pdus.map((p) => ({ ...p, stream: mark.stream }));
      after = mark.stream;
    }
    return [];
  }

  /** "all-extremities": netsplit 0.1's catch-up; what does not fit one transaction is queued. */
  private allExtremities(name: string): OutgoingPdu[] {
    const pdus = this.host.catchUpPdus(name);
    const max = this.host.params.transactionPdusMax;
    if (pdus.length > max) this.destinations.get(name)!.queue.unshift(...pdus.slice(max));
    return pdus.slice(0, max);
  }

  private send(name: string, d: Destination, txn: Transaction): void {
    d.attempts = new TransactionAttempts(this.host, name, txn, (result) => this.onResult(name, d, txn, result));
    d.attempts.start();
  }

  private onResult(name: string, d: Destination, txn: Transaction, result: TransactionResult): void {
    if (d.attempts?.txn !== txn) return;
    d.attempts = undefined;
    if (result.kind === "failed") return this.backOff(name, d, txn);
    // A 4xx other than 401/429 says nothing about the destination being down: no backoff,
    // and the transaction is not sent again (Synapse would keep its PDUs queued and resend
    // them with the next one, which a deterministic receiver would refuse again).
    if (result.kind === "ok") {
      this.host.retryTimings.reset(name);
      const stream = newestStream(txn.pdus);
      if (stream > 0) this.host.deliveries.delivered(name, stream);
      if (txn.catchUp && this.host.params.catchUpModel === "all-extremities") {
        d.catchingUp = false;
        this.host.markCatchUp(name, false);
      }
    }
    this.attempt(name, d);
  }

  /** Every attempt failed: back off; the PDUs stay queued for the next try. */
  private backOff(name: string, d: Destination, txn: Transaction): void {
    const p = this.host.params;
    const now = this.host.nowMs();
    const intervalMs = this.host.retryTimings.recordFailure(name, now, p, this.host.rng);
    if (!txn.catchUp && !d.catchingUp) d.queue.unshift(...txn.pdus);
    const catchUp = intervalMs > p.catchUpAfterBackoffMs;
    if (catchUp) this.host.dropEdus(name);
    if (catchUp && !d.catchingUp) this.startCatchingUp(name, d);
    this.host.trace.add({
      kind: "fed.backoff",
      server: this.host.serverName,
      destination: name,
      intervalMs,
      retryAtMs: now + intervalMs,
      catchUp,
    });
    this.loop.arm();
  }

  /** For the wake-up loop: destinations with work waiting, nothing in flight and no backoff in the way. */
  private due(): string[] {
    const now = this.host.nowMs();
    const { retryTimings } = this.host;
    // One array, no set and no sort (which copies) for one destination or none: the loop
    // asks every minute while a destination is backed off (all day in a day-long split).
    const names: string[] = [];
    for (const [name, d] of this.destinations)
      if (this.waitingOn(d) && retryTimings.waitMs(name, now) === 0) names.push(name);
    // After a restart: destinations the persisted records say are owed, not woken yet
    // (an unchecked queue can be both: listed once).
    for (const name of this.owedWithoutQueue())
      if (!names.includes(name) && retryTimings.waitMs(name, now) === 0) names.push(name);
    return names.length > 1 ? names.sort() : names;
  }

  /** Some destination waits for a retry. */
  private waiting(): boolean {
    for (const d of this.destinations.values()) if (this.waitingOn(d)) return true;
    return this.owedWithoutQueue().length > 0;
  }

  private waitingOn(d: Destination): boolean {
    return !d.attempts && (d.queue.length > 0 || (d.catchingUp && !d.unchecked));
  }

  /** Destinations owed a catch-up by the persisted records that have no queue (or an unchecked one) yet. */
  private owedWithoutQueue(): string[] {
    const { deliveries } = this.host;
    const owed =
      this.host.params.catchUpModel === "synapse" ? deliveries.owedDestinations() : [...this.catchUpMarks].sort();
    return owed.filter((name) => {
      const d = this.destinations.get(name);
      return !d || (d.unchecked && !d.attempts);
    });
  }
}
