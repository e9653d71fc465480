// The federation sender of one homeserver: a queue per destination, one transaction in
// flight at a time, backoff when a destination fails, and catch-up once it has been away
// too long. Two retry models (FederationParams.retryModel): Synapse's, with no retry timer
// (synapse-sender.ts), and netsplit 0.1's, which retries when the backoff expires
// (timer-sender.ts). Both send each transaction through transaction-attempts.ts. Everything
// a sender holds is in memory: a crash loses it; the homeserver persists what it must
// catch up (catch-up marks, the delivery log, the retry timings).

import type { EventId, Pdu } from "../../core/index.ts";
import type { RpcOutcome, RpcRequest } from "../network/rpc.ts";
import type { Rng } from "../random.ts";
import type { ScheduledAction } from "../scheduler.ts";
import type { Trace } from "../trace.ts";
import type { DeliveryLog, QueuedMark } from "./delivery-log.ts";
import type { DestinationState } from "./destination-machine.ts";
import type { Edu } from "./edu-wire.ts";
import type { FederationParams } from "./federation-params.ts";
import type { RetryTimings } from "./retry-timings.ts";
import { SynapseSender } from "./synapse-sender.ts";
import { TimerSender } from "./timer-sender.ts";

/** A PDU with its id (computed once by the homeserver that stores it). */
export interface OutgoingPdu {
  eventId: EventId;
  pdu: Pdu;
  /** The sending server's stream position of the event (what the delivery log records). */
  stream?: number;
}

export interface SenderHost {
  readonly serverName: string;
  readonly params: FederationParams;
  readonly trace: Trace;
  /** Seeded stream for backoff and retry jitter. */
  readonly rng: Rng;
  /** Per destination: how long it is backed off for (persisted by "synapse", in memory for "timer"). */
  readonly retryTimings: RetryTimings;
  /** What each destination was queued and has acknowledged (persisted). */
  readonly deliveries: DeliveryLog;
  /** The server's own (possibly skewed) clock, for origin_server_ts. */
  localNowMs(): number;
  /** Virtual time, for timers. */
  nowMs(): number;
  schedule(delayMs: number, label: string, run: () => void): ScheduledAction;
  cancel(action: ScheduledAction): void;
  request(destination: string, request: RpcRequest, onOutcome: (outcome: RpcOutcome) => void): void;
  /** "all-extremities" catch-up: the current forward extremities of every room shared with the destination. */
  catchUpPdus(destination: string): OutgoingPdu[];
  /** "synapse" catch-up: what to send for one room whose newest queued event is `mark`. */
  catchUpRoomPdus(destination: string, mark: QueuedMark, lastSuccessfulStream: number): OutgoingPdu[];
  /** Persisted marks: which destinations must be caught up (survives a crash). */
  markCatchUp(destination: string, needed: boolean): void;
  /** Everything queued for the destination has been delivered (it is owed nothing now). */
  drained(destination: string): void;
  /** The EDUs waiting for the destination (edu-outbox.ts): take at most `max` for a transaction, ask, or drop them. */
  takeEdus(destination: string, max: number): Edu[];
  hasEdus(destination: string): boolean;
  dropEdus(destination: string): void;
}

export interface FederationSender {
  /** Queue PDUs for a destination and send when the destination's state allows (none: EDUs are waiting). */
  enqueue(destination: string, pdus: readonly OutgoingPdu[]): void;
  /** After a restart: start the destinations that have something to catch up. */
  restart(): void;
  /** A signed request arrived from the destination: it is up, so stop waiting. */
  peerUp(destination: string): void;
  stateOf(destination: string): DestinationState;
  queuedCount(destination: string): number;
  /** Destinations with work still to do, sorted. */
  busyDestinations(): string[];
}

/** The sender of the configured retry model. */
export function createFederationSender(host: SenderHost, catchUpMarks: ReadonlySet<string>): FederationSender {
  return host.params.retryModel === "timer"
    ? new TimerSender(host, catchUpMarks)
    : new SynapseSender(host, catchUpMarks);
}
