// How long each destination is backed off for: Synapse's destination retry timings
// (synapse/util/retryutils.py, RetryDestinationLimiter). A failure sets or grows the
// interval; a success, or a signed request from the destination, clears it. The federation
// sender and the gate on outgoing requests (request-gate.ts) share one record per server.

import type { Rng } from "../random.ts";
import type { FederationParams } from "./federation-params.ts";

interface RetryTiming {
  /** When the destination was last tried and failed (virtual ms). */
  retryLastMs: number;
  /** How long after retryLastMs no request may be made. */
  intervalMs: number;
}

type BackoffParams = Pick<
  FederationParams,
  "backoffMsFirst" | "backoffMultiplier" | "backoffJitterMin" | "backoffJitterMax" | "backoffMsMax"
>;

export class RetryTimings {
  private readonly byDestination = new Map<string, RetryTiming>();

  /** Milliseconds until the destination may be tried again (0: now). */
  waitMs(destination: string, nowMs: number): number {
    const t = this.byDestination.get(destination);
    return t ? Math.max(0, t.retryLastMs + t.intervalMs - nowMs) : 0;
  }

  /** The current interval (0 when the destination is not backed off). */
  intervalMs(destination: string): number {
    return this.byDestination.get(destination)?.intervalMs ?? 0;
  }

  /**
   * A failure: the first one sets the interval to backoffMsFirst, each further one
   * multiplies it by backoffMultiplier and a seeded jitter, up to backoffMsMax. The jitter
   * is drawn on every failure (also the first), so that the stream's draws do not depend on
   * the history. Returns the new interval.
   */
  recordFailure(destination: string, nowMs: number, params: BackoffParams, rng: Rng): number {
    const jitter = rng.between(params.backoffJitterMin, params.backoffJitterMax);
    const previous = this.intervalMs(destination);
    const intervalMs =
      previous === 0
        ? params.backoffMsFirst
        : Math.min(params.backoffMsMax, Math.round(previous * params.backoffMultiplier * jitter));
    this.byDestination.set(destination, { retryLastMs: nowMs, intervalMs });
    return intervalMs;
  }

  /** A success (or a request from the destination): no backoff. True if there was one. */
  reset(destination: string): boolean {
    return this.byDestination.delete(destination);
  }

  /** Forget every backoff (netsplit 0.1 held them in memory, so a crash lost them). */
  clear(): void {
    this.byDestination.clear();
  }
}
