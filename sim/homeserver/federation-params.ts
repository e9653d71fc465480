// Every number and choice of the federation sender and receiver, as a researcher-tunable
// record. Defaults model Synapse (synapse/federation/sender/, synapse/util/retryutils.py,
// synapse/http/matrixfederationclient.py); NETSPLIT_0_1_FEDERATION_PARAMS is what netsplit
// did before issue 14, kept so that old results can be reproduced and compared.
// docs/federation.md says which Synapse function each default follows.

export interface FederationParams {
  /** Spec: at most 50 PDUs and 100 EDUs per transaction. */
  transactionPdusMax: number;
  transactionEdusMax: number;
  /** How long a sender waits for a /send (or any federation request) to answer. */
  requestTimeoutMs: number;
  /**
   * A /send that times out, cannot connect or gets a 5xx/429 is tried again this many times
   * before the destination counts as failed (Synapse's long retries: 10; netsplit 0.1: 0).
   */
  sendRetriesMax: number;
  /** The wait before the n-th retry of one /send is first × multiplier^(n-1), at most max, jittered. */
  sendRetryDelayMsFirst: number;
  sendRetryDelayMultiplier: number;
  sendRetryDelayMsMax: number;
  /** First retry interval after a failure (Synapse: 10 minutes). */
  backoffMsFirst: number;
  /** Each further failure multiplies the interval by this... */
  backoffMultiplier: number;
  /** ...and by a seeded random factor in [jitterMin, jitterMax]. */
  backoffJitterMin: number;
  backoffJitterMax: number;
  /** The interval never exceeds this (7 days). */
  backoffMsMax: number;
  /**
   * Which requests a destination's backoff blocks: every federation request that Synapse
   * sends through its retry limiter (/send, get_missing_events, state_ids, event,
   * backfill, event_auth, make_join, send_join), or only /send (netsplit 0.1).
   */
  backoffGates: "all-requests" | "send-only";
  /**
   * When a backed-off destination is tried again: "synapse" has no retry timer (new data
   * queued for it, a request from it, or the wake-up loop); "timer" retries exactly when
   * the interval expires (netsplit 0.1).
   */
  retryModel: "synapse" | "timer";
  /** The "synapse" wake-up loop: how often it runs, and the pause between destinations it wakes. */
  wakeUpIntervalMs: number;
  wakeUpBetweenDestinationsMs: number;
  /** A retry after a backoff sends a new transaction built from what is queued ("new"), or the failed one again ("same"). */
  retryTransaction: "new" | "same";
  /** Past this interval the queue is dropped and the destination must catch up (1 hour). */
  catchUpAfterBackoffMs: number;
  /**
   * What a catch-up sends: "synapse" goes room by room (one room per transaction), sending
   * the forward extremities newer than the destination's last successful stream position
   * that it may see; "all-extremities" sends every extremity of every owed room, 50 per
   * transaction (netsplit 0.1).
   */
  catchUpModel: "synapse" | "all-extremities";
  /** A queue never holds more PDUs than this; beyond it the destination catches up. */
  queuePdusMax: number;
  /** New events cite at most this many forward extremities (Synapse: 10). */
  prevEventsMax: number;
  /** Above this many forward extremities, a local event is followed by one dummy event that merges them (never by more: sim/homeserver/extremity-merge.ts). */
  extremitiesBeforeDummyMax: number;
  /** get_missing_events: events asked for per request and requests per gap. */
  missingEventsLimit: number;
  missingEventsRequestsMax: number;
  /**
   * Filling the gap under a pushed PDU whose prev events we lack. "synapse": one
   * get_missing_events down to the room's minimum depth, then the PDU is refused if its
   * prevs are still missing; "rounds": up to missingEventsRequestsMax requests, then the
   * state at each missing prev through /state_ids (netsplit 0.1).
   */
  gapFilling: "synapse" | "rounds";
  /**
   * Fetching the state at a prev event nobody sent us. "synapse": /state_ids, then the
   * whole /state when a tenth or more of those events are missing, else /event for each;
   * "ids": /state_ids then /event for each (netsplit 0.1).
   */
  stateFetch: "synapse" | "ids";
  /**
   * What this server answers other servers. "synapse": m.room.server_acl honoured on every
   * room request, the requester must be in the room for state, state_ids, event, backfill,
   * event_auth and get_missing_events, and events it may not see are redacted; "open":
   * every request answered (netsplit 0.1).
   */
  federationServing: "synapse" | "open";
  /** get_missing_events: the most events one answer holds (Synapse 20; netsplit 0.1: 100). */
  missingEventsServedMax: number;
  /**
   * Soft failure. "synapse": no check when the prevs are exactly the forward extremities,
   * else against the current state (resolved with the PDU's own state only when its prevs
   * are missing); "resolve-with-event": always against the current state resolved with
   * the state before the PDU (netsplit 0.1).
   */
  softFailure: "synapse" | "resolve-with-event";
  /**
   * Backfill. "synapse": backfillEventsLimit events from the servers in the room longest
   * first, each stored with its state (outliers among them promoted); "outliers": the
   * client's page size from the servers in name order, stored as outliers (netsplit 0.1).
   */
  backfill: "synapse" | "outliers";
  backfillEventsLimit: number;
  /**
   * A received /send with more PDUs than transactionPdusMax or more EDUs than
   * transactionEdusMax: "enforced" answers 400 and processes none of it (Synapse:
   * FederationServer._handle_incoming_transaction); "ignored" processes it (netsplit 0.1).
   */
  transactionLimitsOnReceipt: "enforced" | "ignored";
  /**
   * How far ahead of now the `valid_until_ts` this server publishes with its key lies
   * (Synapse's `key_refresh_interval`: 1 day; netsplit 0.1 published 7 days). From room
   * version 5 a signature by a key valid only until before the event's origin_server_ts fails.
   */
  keyValidityMs: number;
  /**
   * Notaries asked for other servers' keys (GET /_matrix/key/v2/query) before the origin
   * itself, in this order (Synapse's `trusted_key_servers`). Synapse's default is matrix.org,
   * which no simulated world holds, so the default is none: keys come from their origin.
   */
  trustedKeyServers: readonly string[];
  /**
   * A send_join answer holding events that fail their signature check: "drop" leaves them
   * out and joins with the rest (Synapse: FederationClient.send_join keeps only what
   * _check_sigs_and_hash_and_fetch_one passes); "abort" fails the join (netsplit 0.1).
   */
  sendJoinInvalidEvents: "drop" | "abort";
  /**
   * A user rejects an invite to a room its server is not in: "make-leave" asks the
   * inviter's server over make_leave/send_leave and, if that fails, records a leave of its
   * own (Synapse: RoomMemberMasterHandler.remote_reject_invite); "local" only forgets the
   * invite, telling nobody (netsplit 0.1).
   */
  inviteRejection: "make-leave" | "local";

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
   * Dummy events that merge forward extremities (periodic-dummies.ts). `synapse`: a job
   * every dummyEventsEveryMs takes the (at most 5) widest rooms with more than
   * extremitiesBeforeDummyMax, sends a dummy as any local member allowed to, and does not
   * push it (other servers fetch it when a later event cites it); a room where nobody
   * local may send is skipped for 7 days. `periodic` (issue 16's model): the same job for
   * every wide room, each dummy pushed like any event. `inline` (netsplit 0.1): right
   * after a local event that leaves more than extremitiesBeforeDummyMax, as its sender
   * (extremity-merge.ts). `off`: never.
   */
  dummyEvents: DummyEventPolicy;
  /** How often the periodic dummy-event job runs (Synapse: every 5 minutes). */
  dummyEventsEveryMs: number;
  /**
   * After answering a send_join that leaves the room with more than one forward extremity
   * (an event arrived during the handshake), send a dummy citing them so that the joiner
   * learns of it: "synapse" (FederationServer.on_send_join_request), whatever dummyEvents
   * says; "off" (netsplit 0.1).
   */
  dummyAfterRemoteJoin: "synapse" | "off";
}

export type PrevEventsSelection = "newest" | "random" | "all";
export const PREV_EVENTS_SELECTIONS: readonly PrevEventsSelection[] = ["newest", "random", "all"];
export type DummyEventPolicy = "synapse" | "periodic" | "inline" | "off";
export const DUMMY_EVENT_POLICIES: readonly DummyEventPolicy[] = ["synapse", "periodic", "inline", "off"];

/** The allowed values of every non-numeric field (scenario files are checked against these). */
export const FEDERATION_PARAM_CHOICES = {
  backoffGates: ["all-requests", "send-only"],
  retryModel: ["synapse", "timer"],
  retryTransaction: ["new", "same"],
  catchUpModel: ["synapse", "all-extremities"],
  gapFilling: ["synapse", "rounds"],
  stateFetch: ["synapse", "ids"],
  federationServing: ["synapse", "open"],
  softFailure: ["synapse", "resolve-with-event"],
  backfill: ["synapse", "outliers"],
  transactionLimitsOnReceipt: ["enforced", "ignored"],
  sendJoinInvalidEvents: ["drop", "abort"],
  inviteRejection: ["make-leave", "local"],
  prevEventsSelection: PREV_EVENTS_SELECTIONS,
  dummyEvents: DUMMY_EVENT_POLICIES,
  dummyAfterRemoteJoin: ["synapse", "off"],
} as const satisfies { [K in keyof FederationParams]?: ReadonlyArray<FederationParams[K]> };

export const DEFAULT_FEDERATION_PARAMS: Readonly<FederationParams> = Object.freeze({
  transactionPdusMax: 50,
  transactionEdusMax: 100,
  requestTimeoutMs: 60_000,
  sendRetriesMax: 10,
  sendRetryDelayMsFirst: 4_000,
  sendRetryDelayMultiplier: 4,
  sendRetryDelayMsMax: 60_000,
  backoffMsFirst: 10 * 60_000,
  backoffMultiplier: 2,
  backoffJitterMin: 0.8,
  backoffJitterMax: 1.4,
  backoffMsMax: 7 * 24 * 3600_000,
  backoffGates: "all-requests",
  retryModel: "synapse",
  wakeUpIntervalMs: 60_000,
  wakeUpBetweenDestinationsMs: 5_000,
  retryTransaction: "new",
  catchUpAfterBackoffMs: 3600_000,
  catchUpModel: "synapse",
  queuePdusMax: 100_000,
  prevEventsMax: 10,
  extremitiesBeforeDummyMax: 10,
  missingEventsLimit: 10,
  missingEventsRequestsMax: 5,
  gapFilling: "synapse",
  stateFetch: "synapse",
  federationServing: "synapse",
  missingEventsServedMax: 20,
  softFailure: "synapse",
  backfill: "synapse",
  backfillEventsLimit: 100,
  transactionLimitsOnReceipt: "enforced",
  keyValidityMs: 24 * 3600_000,
  trustedKeyServers: [],
  sendJoinInvalidEvents: "drop",
  inviteRejection: "make-leave",
  prevEventsSelection: "newest",
  dummyEvents: "synapse",
  dummyEventsEveryMs: 5 * 60_000,
  dummyAfterRemoteJoin: "synapse",
});

/** The federation behaviour of netsplit 0.1, before it followed Synapse (issue 14). */
export const NETSPLIT_0_1_FEDERATION_PARAMS: Readonly<FederationParams> = Object.freeze({
  ...DEFAULT_FEDERATION_PARAMS,
  // the sender: one try per /send, backoff gating /send only, a retry timer, the same transaction resent, catch-up of every extremity
  sendRetriesMax: 0,
  backoffGates: "send-only",
  retryModel: "timer",
  retryTransaction: "same",
  catchUpModel: "all-extremities",
  // the receiver and what it serves
  gapFilling: "rounds",
  stateFetch: "ids",
  federationServing: "open",
  missingEventsServedMax: 100,
  softFailure: "resolve-with-event",
  backfill: "outliers",
  transactionLimitsOnReceipt: "ignored",
  keyValidityMs: 7 * 24 * 3600_000,
  // dummy events only right after a local send, never after a remote join
  dummyEvents: "inline",
  dummyAfterRemoteJoin: "off",
  // joins and leaves
  sendJoinInvalidEvents: "abort",
  inviteRejection: "local",
});

/** Named sets of federation params: Synapse's behaviour (the default) and netsplit 0.1's. */
export const FEDERATION_PRESETS: Readonly<Record<"synapse" | "netsplit-0.1", Readonly<FederationParams>>> =
  Object.freeze({
    synapse: DEFAULT_FEDERATION_PARAMS,
    "netsplit-0.1": NETSPLIT_0_1_FEDERATION_PARAMS,
  });
