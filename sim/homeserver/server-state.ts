// A homeserver's state as two records: what it persists (its database: a crash keeps
// it) and what it holds in memory (a crash drops the whole record, and restart begins
// from a fresh one). Keeping them apart means a new in-memory field cannot be forgotten
// by crash(): it is in the memory record, and the record is replaced in one line.

import type { EventId, Pdu, RoomId, UserId } from "../../core/index.ts";
import { AppServiceRegistry } from "../appservice/registry.ts";
import { DeliveryLog } from "./delivery-log.ts";
import { EduOutbox } from "./edu-outbox.ts";
import { emptyTypingState, type PresenceStore, type ReceiptStore, type TypingState } from "./ephemeral-state.ts";
import type { FederationSender } from "./federation-sender.ts";
import type { PduOutcome } from "./receive-pipeline.ts";
import { RoomDirectory } from "./room-directory.ts";
import { RetryTimings } from "./retry-timings.ts";
import type { SeenTransactions } from "./seen-transactions.ts";
import type { RoomStore } from "./room-store.ts";
import { KeyStore } from "./signing-keys.ts";
import type { CachingCrypto } from "./verification-cache.ts";

/** An invite for one of our users to a room we are not in yet. */
export interface PendingInvite {
  eventId: EventId;
  pdu: Pdu;
  roomVersion: string;
}

/**
 * A membership of one of our users in a room we are not in, known only from an event we
 * made or were sent outside the room (Synapse's out-of-band memberships): a rejected or
 * rescinded invite ("leave"), a knock ("knock"). Sync shows it; a new invite or a join
 * replaces it.
 */
export interface OutOfBandMembership {
  membership: "leave" | "knock";
  eventId: EventId;
  pdu: Pdu;
  roomVersion: string;
  /** For a knock: the room's stripped state as the resident answered send_knock. */
  knockState?: Pdu[];
}

/** What the server persists: a crash keeps all of it. */
export interface PersistedState {
  readonly rooms: Map<RoomId, RoomStore>;
  readonly users: Set<UserId>;
  /** Access tokens of this server's users (persisted, as a database would). */
  readonly tokens: Map<string, UserId>;
  /** Signing keys of other servers, fetched once (Synapse keeps them in its database). */
  readonly keys: KeyStore;
  /** Invites for our users to rooms we are not in yet: user → room → invite event. */
  readonly pendingInvites: Map<UserId, Map<RoomId, PendingInvite>>;
  /** Leaves and knocks of our users in rooms we are not in: user → room → membership. */
  readonly outOfBand: Map<UserId, Map<RoomId, OutOfBandMembership>>;
  /** Application services loaded from their registrations (configuration). */
  readonly appServices: AppServiceRegistry;
  /** Local room aliases. */
  readonly directory: RoomDirectory;
  /** Destinations to catch up after a restart. */
  readonly catchUpMarks: Set<string>;
  /**
   * Per destination, the rooms it has been sent events in since it last had everything
   * (Synapse persists this as destination_rooms when it queues an event): what a
   * catch-up must cover, even in a room the destination has since left or been kicked from.
   */
  readonly owed: Map<string, Set<RoomId>>;
  /** Per destination, how long it is backed off for (Synapse's destinations table; see crash() for netsplit 0.1). */
  readonly retryTimings: RetryTimings;
  /** Per destination, the newest event queued in each room and the last stream position it acknowledged. */
  readonly deliveries: DeliveryLog;
  /** Read receipts per room (ephemeral-state.ts). */
  readonly receipts: ReceiptStore;
  /** Presence of local users, and of remote users as their servers told us. */
  readonly presence: PresenceStore;
  /** The stream position: this server's arrival order of events (and of receipt, typing and presence changes). */
  stream: number;
  roomCounter: number;
}

/** A PDU waiting in a room's inbound queue, with whom to tell when it is done. */
export interface InboundItem {
  origin: string;
  pdu: unknown;
  done: (outcome: PduOutcome) => void;
}

/** What the server holds in memory: a crash loses all of it. */
export interface MemoryState {
  /** Queues and state machines per destination. */
  readonly sender: FederationSender;
  /** The verification cache (signatures already checked). */
  readonly crypto: CachingCrypto;
  /** Per room, PDUs waiting for the pipeline (one at a time, in arrival order). */
  readonly inbound: Map<RoomId, { queue: InboundItem[]; busy: boolean }>;
  /**
   * Rooms a join is under way for (how many joins) and the PDUs that arrived for them
   * meanwhile: processed once the room's state is in place (Synapse's room_queues).
   */
  readonly joining: Map<RoomId, { joins: number; queue: Array<{ origin: string; pdu: unknown }> }>;
  /** Answers to federation transactions already processed, by origin and txn id. */
  readonly seenTransactions: SeenTransactions;
  /** What to tell the clients waiting on tasks in flight, should the server crash. */
  readonly lostOnCrash: Set<() => void>;
  /** Who is typing where (ephemeral-state.ts). */
  readonly typing: TypingState;
  /** EDUs waiting for each destination's next transaction. */
  readonly eduOutbox: EduOutbox;
}

export function emptyPersistedState(serverName: string): PersistedState {
  return {
    rooms: new Map(),
    users: new Set(),
    tokens: new Map(),
    keys: new KeyStore(),
    pendingInvites: new Map(),
    outOfBand: new Map(),
    appServices: new AppServiceRegistry(serverName),
    directory: new RoomDirectory(),
    catchUpMarks: new Set(),
    owed: new Map(),
    retryTimings: new RetryTimings(),
    deliveries: new DeliveryLog(),
    receipts: new Map(),
    presence: new Map(),
    stream: 0,
    roomCounter: 0,
  };
}

export function freshMemoryState(
  sender: FederationSender,
  crypto: CachingCrypto,
  seenTransactions: SeenTransactions,
): MemoryState {
  return {
    sender,
    crypto,
    inbound: new Map(),
    joining: new Map(),
    seenTransactions,
    lostOnCrash: new Set(),
    typing: emptyTypingState(),
    eduOutbox: new EduOutbox(),
  };
}

/** Nothing in memory is waiting: what a server that was down must look like when it restarts. */
export function memoryIsIdle(memory: MemoryState): boolean {
  return (
    memory.inbound.size === 0 &&
    memory.joining.size === 0 &&
    memory.lostOnCrash.size === 0 &&
    memory.typing.rooms.size === 0 &&
    memory.seenTransactions.size === 0
  );
}
