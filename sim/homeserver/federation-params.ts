// Every number of the federation sender and receiver, as a researcher-tunable record.
// Defaults model Synapse (synapse/federation/sender/, synapse/util/retryutils.py) as
// the engine issue describes it.

export interface FederationParams {
  /** Spec: at most 50 PDUs and 100 EDUs per transaction. */
  transactionPdusMax: number;
  transactionEdusMax: number;
  /** How long a sender waits for a /send (or any federation request) to answer. */
  requestTimeoutMs: number;
  /** First retry interval after a failure (Synapse: 10 minutes). */
  backoffMsFirst: number;
  /** Each further failure multiplies the interval by this... */
  backoffMultiplier: number;
  /** ...and by a seeded random factor in [jitterMin, jitterMax]. */
  backoffJitterMin: number;
  backoffJitterMax: number;
  /** The interval never exceeds this (7 days). */
  backoffMsMax: number;
  /** Past this interval the queue is dropped and the destination must catch up (1 hour). */
  catchUpAfterBackoffMs: number;
  /** A queue never holds more PDUs than this; beyond it the destination catches up. */
  queuePdusMax: number;
  /** New events cite at most this many forward extremities (Synapse: 10). */
  prevEventsMax: number;
  /** Above this many forward extremities, a local event is followed by one dummy event that merges them (never by more: sim/homeserver/extremity-merge.ts). */
  extremitiesBeforeDummyMax: number;
  /** get_missing_events: events asked for per request and requests per gap. */
  missingEventsLimit: number;
  missingEventsRequestsMax: number;

  // ---- what researchers vary (issue 16: experiments) ----------------------------------
  /**
   * Which forward extremities a new local event cites as prev_events: the `newest`
   * prevEventsMax by depth (Synapse's choice), a uniformly `random` subset of
   * prevEventsMax (from the server's own stream), or `all` of them up to the spec's
   * cap of 20 (the newest 20 beyond it), prevEventsMax ignored: the model of Jacob et
   * al., where an event cites every head its server knows.
   */
  prevEventsSelection: PrevEventsSelection;
  /**
   * Dummy events that merge forward extremities. `inline`: right after a local event
   * that leaves more than extremitiesBeforeDummyMax (extremity-merge.ts); `periodic`:
   * Synapse's job, every dummyEventsEveryMs, for every room with more than
   * extremitiesBeforeDummyMax, sent as any local member allowed to (periodic-dummies.ts);
   * `off`: never.
   */
  dummyEvents: DummyEventPolicy;
  /** How often the periodic dummy-event job runs (Synapse: every 5 minutes). */
  dummyEventsEveryMs: number;
}

export type PrevEventsSelection = "newest" | "random" | "all";
export const PREV_EVENTS_SELECTIONS: readonly PrevEventsSelection[] = ["newest", "random", "all"];
export type DummyEventPolicy = "inline" | "periodic" | "off";
export const DUMMY_EVENT_POLICIES: readonly DummyEventPolicy[] = ["inline", "periodic", "off"];

export const DEFAULT_FEDERATION_PARAMS: Readonly<FederationParams> = Object.freeze({
  transactionPdusMax: 50,
  transactionEdusMax: 100,
  requestTimeoutMs: 60_000,
  backoffMsFirst: 10 * 60_000,
  backoffMultiplier: 2,
  backoffJitterMin: 0.8,
  backoffJitterMax: 1.4,
  backoffMsMax: 7 * 24 * 3600_000,
  catchUpAfterBackoffMs: 3600_000,
  queuePdusMax: 100_000,
  prevEventsMax: 10,
  extremitiesBeforeDummyMax: 10,
  missingEventsLimit: 10,
  missingEventsRequestsMax: 5,
  // issue 16: today's behaviour (the lead may switch dummyEvents to Synapse's periodic).
  prevEventsSelection: "newest",
  dummyEvents: "inline",
  dummyEventsEveryMs: 5 * 60_000,
});
