// One homeserver's copy of one room: the event store (the DAG), each event's outcome,
// the state before and after each event (shared structure), the forward extremities
// and the current state. This is what a homeserver persists: a crash keeps it.

import {
  isStateEvent,
  prevEventIds,
  resolveState,
  stateKey,
  AuthChainIndex,
  type EventId,
  type Pdu,
  type RoomId,
  type RoomVersion,
} from "../../core/index.ts";
import { StateResolver } from "./state-resolver.ts";
import { StateSnapshot } from "./state-snapshot.ts";

/**
 * accepted: passed every check; rejected: failed auth against its auth events or the
 * state before it; softFailed: passed those but failed against current state; outlier:
 * held without knowing the state at it (auth chains, state fetched to fill a gap).
 */
export type EventStatus = "accepted" | "rejected" | "softFailed" | "outlier";

export interface StoredEvent {
  readonly id: EventId;
  readonly pdu: Pdu;
  status: EventStatus;
  /** Why it was rejected or soft-failed (the failed rule). */
  reason?: string;
  /** Known for every non-outlier event. */
  stateBefore?: StateSnapshot;
  stateAfter?: StateSnapshot;
  /** This server's arrival order, the stream ordering that /sync pages through. */
  stream: number;
  /** Fetched by backfill: history from before this server joined (held as an outlier). */
  backfilled?: boolean;
  /** The redaction applied to it, and the redacted copy clients see. */
  redactedBy?: EventId;
  clientPdu?: Pdu;
}

export class RoomStore {
  readonly events = new Map<EventId, StoredEvent>();
  /** Sorted list kept for determinism: see extremityIds(). */
  private readonly extremities = new Set<EventId>();
  /** extremityIds(), kept until the extremities change (frozen: callers share it). */
  private sortedExtremities: EventId[] | undefined;
  /** Events some accepted event cites as a prev event: never extremities again. */
  private readonly cited = new Set<EventId>();
  currentState: StateSnapshot = StateSnapshot.EMPTY;
  /** Redactions whose target has not arrived yet: target → redaction. */
  readonly pendingRedactions = new Map<EventId, EventId>();
  /** The id of the room's create event, once held. */
  createId: EventId | undefined;
  readonly authChains = new AuthChainIndex();
  private readonly resolver = new StateResolver((states) =>
    resolveState(this.version, states, this.fetch, { isRejected: this.isRejected, authChains: this.authChains }),
  );

  constructor(
    readonly roomId: RoomId,
    readonly version: RoomVersion,
  ) {}

  readonly fetch = (id: EventId): Pdu | undefined => this.events.get(id)?.pdu;
  readonly isRejected = (id: EventId): boolean => this.events.get(id)?.status === "rejected";

  has(id: EventId): boolean {
    return this.events.has(id);
  }

  get(id: EventId): StoredEvent | undefined {
    return this.events.get(id);
  }

  /**
   * The event when it is held with an outcome (accepted, rejected or soft-failed), not as
   * an outlier: such an event is stored once, whatever path brings it again (an outlier is
   * promoted when it comes with its state).
   */
  withOutcome(id: EventId): HeldWithOutcome | undefined {
    const stored = this.events.get(id);
    return stored !== undefined && hasOutcome(stored) ? stored : undefined;
  }

  /** Forward extremities, sorted so that callers never see arrival order. */
  extremityIds(): EventId[] {
    return (this.sortedExtremities ??= Object.freeze([...this.extremities].sort()) as EventId[]);
  }

  /** Whether the event is a forward extremity (without sorting them). */
  isExtremity(id: EventId): boolean {
    return this.extremities.has(id);
  }

  /** How many forward extremities there are (without sorting them). */
  get extremityCount(): number {
    return this.extremities.size;
  }

  /** The forward extremities a new event cites: at most `max`, the deepest first. */
  newestExtremities(max: number): StoredEvent[] {
    return this.extremityIds()
      .map((id) => this.events.get(id)!)
      .sort((a, b) => b.pdu.depth - a.pdu.depth || (a.id < b.id ? -1 : 1))
      .slice(0, max);
  }

  /**
   * The events to check an event against, with the create event added: v12 events
   * never cite it, yet the auth rules always need it.
   */
  withCreateEvent(authEvents: readonly Pdu[]): Pdu[] {
    const create = this.createEvent();
    return create && !authEvents.includes(create) && !authEvents.some((e) => e.type === "m.room.create")
      ? [create, ...authEvents]
      : [...authEvents];
  }

  /** The state after an event whose state is known; undefined for outliers and unknown ids. */
  stateAfter(id: EventId): StateSnapshot | undefined {
    return this.events.get(id)?.stateAfter;
  }

  /** Resolve the states after the given events (the state before an event citing them). */
  resolveAfter(ids: Iterable<EventId>): StateSnapshot | undefined {
    const states: StateSnapshot[] = [];
    for (const id of ids) {
      const s = this.stateAfter(id);
      if (!s) return undefined;
      states.push(s);
    }
    return this.resolveStates(states);
  }

  /** Resolve states of this room (resolution runs only where distinct states meet: state-resolver.ts). */
  resolveStates(states: readonly StateSnapshot[]): StateSnapshot {
    return this.resolver.resolve(states);
  }

  /** The room's create event, once held (the auth rules always need it). */
  createEvent(): Pdu | undefined {
    return this.createId ? this.events.get(this.createId)?.pdu : undefined;
  }

  private remember(stored: StoredEvent): StoredEvent {
    this.events.set(stored.id, stored);
    if (stored.status === "rejected") this.resolver.forget();
    if (stored.pdu.type === "m.room.create" && stored.pdu.state_key === "" && stored.status !== "rejected")
      this.createId ??= stored.id;
    return stored;
  }

  /** Store an outlier: an event we hold without knowing the state at it. */
  addOutlier(id: EventId, pdu: Pdu, stream: number): StoredEvent {
    const existing = this.events.get(id);
    if (existing) return existing;
    return this.remember({ id, pdu, status: "outlier", stream });
  }

  /** An event that failed auth against its own auth events: kept (others may cite it), never state. */
  addRejectedOutlier(id: EventId, pdu: Pdu, stream: number, reason: string): StoredEvent {
    return this.remember({ id, pdu, status: "rejected", stream: this.events.get(id)?.stream ?? stream, reason });
  }

  /**
   * An outlier whose state we learnt from another server (a gap we could not close).
   * A rejected event held without state gets one too: the state before it, unchanged.
   */
  setOutlierState(id: EventId, stateAfter: StateSnapshot): void {
    const e = this.events.get(id);
    if (e && (e.status === "outlier" || (e.status === "rejected" && !e.stateAfter))) e.stateAfter = stateAfter;
  }

  /**
   * Store an event with the state before it and its outcome, and update the forward
   * extremities and current state. Returns the stored record.
   */
  addWithState(
    id: EventId,
    pdu: Pdu,
    stateBefore: StateSnapshot,
    outcome: Exclude<EventStatus, "outlier">,
    stream: number,
    reason?: string,
  ): StoredEvent {
    const stateAfter =
      outcome !== "rejected" && isStateEvent(pdu)
        ? stateBefore.with(stateKey(pdu.type, pdu.state_key), id)
        : stateBefore;
    const previous = this.events.get(id);
    const stored = this.remember({
      id,
      pdu,
      status: outcome,
      stateBefore,
      stateAfter,
      stream: previous?.stream ?? stream,
      ...(reason ? { reason } : {}),
    });
    if (outcome === "accepted") this.advanceExtremities(id, pdu);
    return stored;
  }

  /**
   * Store a backfilled event with the state before it: history, so the forward
   * extremities and the current state stay as they are (its prevs are older still, and
   * never extremities). An outlier held already is promoted in place. Its stream position
   * is negative, below everything (Synapse counts backfill stream ids down from -1), so
   * that /sync, which moves forward, never shows history as news.
   */
  addHistorical(
    id: EventId,
    pdu: Pdu,
    stateBefore: StateSnapshot,
    outcome: "accepted" | "rejected",
    stream: number,
    reason?: string,
  ): StoredEvent {
    const stateAfter =
      outcome === "accepted" && isStateEvent(pdu)
        ? stateBefore.with(stateKey(pdu.type, pdu.state_key), id)
        : stateBefore;
    for (const p of prevEventIds(pdu)) this.cited.add(p);
    return this.remember({
      id,
      pdu,
      status: outcome,
      stateBefore,
      stateAfter,
      stream: -stream,
      ...(reason ? { reason } : {}),
    });
  }

  private advanceExtremities(id: EventId, pdu: Pdu): void {
    const prevs = prevEventIds(pdu);
    const wasLinear = this.extremities.size === prevs.length && prevs.every((p) => this.extremities.has(p));
    for (const p of prevs) {
      this.extremities.delete(p);
      this.cited.add(p);
    }
    // An event that an accepted event already cites (it arrived late) is not an extremity.
    if (!this.cited.has(id)) this.extremities.add(id);
    this.sortedExtremities = undefined;
    if (wasLinear && this.extremities.size === 1) {
      // Fast path: the new event built on every extremity, so its state is the room's.
      this.currentState = this.events.get(id)!.stateAfter!;
    } else {
      // Resolution does not depend on the order of its inputs: the set as it stands, unsorted.
      this.currentState = this.resolveAfter(this.extremities) ?? this.currentState;
    }
  }

  /** Every event in stream order (for /sync and the trace). */
  inStreamOrder(): StoredEvent[] {
    return [...this.events.values()].sort((a, b) => a.stream - b.stream);
  }
}

/** A stored event that is not an outlier. */
export type HeldWithOutcome = StoredEvent & { status: Exclude<EventStatus, "outlier"> };

function hasOutcome(stored: StoredEvent): stored is HeldWithOutcome {
  return stored.status !== "outlier";
}
