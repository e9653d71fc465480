// The backoff gate on a server's outgoing federation requests (backoffGates "all-requests").
// Synapse sends nearly every federation request through its retry limiter
// (synapse/http/matrixfederationclient.py, _send_request → synapse/util/retryutils.py,
// get_retry_limiter): while a destination is backed off the request fails at once without
// touching the network, and the request's outcome updates the destination's timings — a
// success clears them, a timeout, an unreachable peer, a 5xx, 401 or 429 counts as a failure,
// any other 4xx leaves them be. Requests Synapse makes with ignore_backoff (invites,
// make_leave/send_leave, key fetches) pass untouched; /send is gated by the federation
// sender itself, which also keeps its retries inside one request (transaction-attempts.ts).

import type { RpcOutcome, RpcRequest } from "../network/rpc.ts";
import type { Rng } from "../random.ts";
import type { Trace } from "../trace.ts";
import type { FederationParams } from "./federation-params.ts";
import type { RetryTimings } from "./retry-timings.ts";
import { isDestinationFailure } from "./transaction-attempts.ts";

/** Federation endpoints whose requests Synapse makes through the retry limiter (all but /send, which the sender gates). */
const GATED_ENDPOINTS: ReadonlySet<string> = new Set([
  "make_join",
  "send_join",
  "make_knock",
  "send_knock",
  "get_missing_events",
  "state_ids",
  "state",
  "event",
  "event_auth",
  "backfill",
]);

/**
 * `/_matrix/federation/v1/state_ids/…` → "state_ids"; undefined for any other path. The
 * second segment after the prefix, found by scanning: every request of a run asks, and
 * splitting its path was garbage each time.
 */
function federationEndpoint(path: string): string | undefined {
  const prefix = "/_matrix/federation/";
  if (!path.startsWith(prefix)) return undefined;
  const versionEnd = segmentEnd(path, prefix.length);
  if (versionEnd >= path.length) return undefined;
  return path.slice(versionEnd + 1, segmentEnd(path, versionEnd + 1));
}

/** The index of the first `/` or `?` at or after `from` (the path's length when none). */
function segmentEnd(path: string, from: number): number {
  let i = from;
  while (i < path.length && path[i] !== "/" && path[i] !== "?") i++;
  return i;
}

export function isGatedRequest(params: FederationParams, request: RpcRequest): boolean {
  if (params.backoffGates !== "all-requests") return false;
  const endpoint = federationEndpoint(request.path);
  return endpoint !== undefined && GATED_ENDPOINTS.has(endpoint);
}

export interface GateHost {
  readonly serverName: string;
  readonly params: FederationParams;
  readonly retryTimings: RetryTimings;
  readonly rng: Rng;
  readonly trace: Trace;
  nowMs(): number;
}

/**
 * Make a gated request: fail it at once while `to` is backed off, else send it and let its
 * outcome update the timings.
 */
export function gatedRequest(
  host: GateHost,
  to: string,
  send: (onOutcome: (outcome: RpcOutcome) => void) => void,
  onOutcome: (outcome: RpcOutcome) => void,
): void {
  if (host.retryTimings.waitMs(to, host.nowMs()) > 0) return onOutcome({ ok: false, error: "backing off" });
  send((outcome) => {
    if (outcome.ok && outcome.status < 300) host.retryTimings.reset(to);
    else if (isDestinationFailure(outcome)) recordFailure(host, to);
    onOutcome(outcome);
  });
}

function recordFailure(host: GateHost, to: string): void {
  const now = host.nowMs();
  const intervalMs = host.retryTimings.recordFailure(to, now, host.params, host.rng);
  host.trace.add({
    kind: "fed.backoff",
    server: host.serverName,
    destination: to,
    intervalMs,
    retryAtMs: now + intervalMs,
    catchUp: false,
  });
}
