// Every number of a homeserver's dealings with one application service, as a
// researcher-tunable record. Defaults model Synapse (synapse/appservice/scheduler.py).

export interface AppServiceParams {
  /** Events per transaction (Synapse: MAX_PERSISTENT_EVENTS_PER_TRANSACTION, 100). */
  transactionEventsMax: number;
  /** First wait after a failed push (Synapse's recoverer: 2^1 s)... */
  backoffMsFirst: number;
  /** ...each further failure multiplies it by this (no jitter, as in Synapse)... */
  backoffMultiplier: number;
  /** ...up to this (Synapse caps the exponent at 9: 512 s). */
  backoffMsMax: number;
  /**
   * Events waiting for the service at most. Synapse keeps them in its database without a
   * bound; netsplit needs one so that a service cut off for ever cannot grow a run
   * without end. Past it, new events are refused and recorded (`as.dropped`).
   */
  queueEventsMax: number;
  /** Attempts of a user or alias query that gets no answer (the spec: "retry several times"). */
  queryAttemptsMax: number;
}

export const DEFAULT_APPSERVICE_PARAMS: Readonly<AppServiceParams> = Object.freeze({
  transactionEventsMax: 100,
  backoffMsFirst: 2_000,
  backoffMultiplier: 2,
  backoffMsMax: 512_000,
  queueEventsMax: 100_000,
  queryAttemptsMax: 3,
});
