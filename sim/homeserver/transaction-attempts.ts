// One PUT /send of one transaction, tried up to 1 + sendRetriesMax times: Synapse's "long
// retries" (synapse/http/matrixfederationclient.py, MatrixFederationHttpClient._send_request
// with long_retries=True). A timeout, an unreachable peer, a 5xx or a 429 is tried again
// after first × multiplier^(n-1) ms (4 s, 16 s, 64 s → capped at 60 s), jittered; any other
// answer ends the request at once. Every attempt is traced as fed.txn.sent and its outcome as
// fed.txn.ok / fed.txn.failed, so each attempt is one arrow in the web view.

import type { RpcOutcome } from "../network/rpc.ts";
import type { ScheduledAction } from "../scheduler.ts";
import { eduSummary, type Edu } from "./edu-wire.ts";
import type { OutgoingPdu, SenderHost } from "./federation-sender.ts";
import { pduToJson } from "./wire.ts";

export interface Transaction {
  txnId: string;
  pdus: OutgoingPdu[];
  /** Taken from the destination's EDU queue when the transaction was built: a failed transaction loses them (Synapse). */
  edus: Edu[];
  catchUp: boolean;
}

/** The txn id of a new transaction: the sender's clock and a counter (Synapse's TransactionManager uses its clock too). */
export function nextTxnId(host: SenderHost, counter: number): string {
  return `${host.localNowMs()}.${counter}`;
}

/** The newest stream position among the PDUs (0 when none is known). */
export function newestStream(pdus: readonly OutgoingPdu[]): number {
  return pdus.reduce((max, p) => Math.max(max, p.stream ?? 0), 0);
}

/** How a transaction's request ended. */
export type TransactionResult =
  | { kind: "ok" }
  /** The destination answered with an error that says nothing about it being down (a 4xx but 401/429). */
  | { kind: "refused"; status: number }
  /** Timeouts, unreachable, 5xx, 401, 429 on every attempt: the destination counts as failed. */
  | { kind: "failed" };

/** The answer counts as the destination being down (synapse/util/retryutils.py: RetryDestinationLimiter.__exit__). */
export function isDestinationFailure(outcome: RpcOutcome): boolean {
  if (!outcome.ok) return outcome.error !== "backing off";
  return outcome.status >= 500 || outcome.status === 401 || outcome.status === 429;
}

/** Synapse retries within one request only these: no answer, a 5xx or a 429. */
function isRetryable(outcome: RpcOutcome): boolean {
  return !outcome.ok || outcome.status >= 500 || outcome.status === 429;
}

/** A transaction being sent, attempt by attempt. */
export class TransactionAttempts {
  private attempt = 0;
  private sleeping: ScheduledAction | undefined;
  private finished = false;

  constructor(
    private readonly host: SenderHost,
    private readonly destination: string,
    readonly txn: Transaction,
    private readonly onDone: (result: TransactionResult) => void,
  ) {}

  start(): void {
    this.send();
  }

  /** Between attempts: the destination showed it is up, so try again now (Synapse's AwakenableSleeper). */
  wake(): void {
    if (!this.sleeping) return;
    this.host.cancel(this.sleeping);
    this.sleeping = undefined;
    this.send();
  }

  private send(): void {
    const { host, destination, txn } = this;
    host.trace.add({
      kind: "fed.txn.sent",
      seq: 0,
      atMs: 0,
      server: host.serverName,
      destination,
      txnId: txn.txnId,
      pdus: txn.pdus.map((p) => p.eventId),
      catchUp: txn.catchUp,
      ...(txn.edus.length > 0 ? { edus: txn.edus.map(eduSummary) } : {}),
    });
    const body = {
      origin: host.serverName,
      origin_server_ts: host.localNowMs(),
      pdus: txn.pdus.map((p) => pduToJson(p.pdu)),
      edus: txn.edus.map((e) => ({ edu_type: e.edu_type, content: e.content })),
    };
    host.request(destination, { method: "PUT", path: `/_matrix/federation/v1/send/${txn.txnId}`, body }, (outcome) =>
      this.onOutcome(outcome),
    );
  }

  private onOutcome(outcome: RpcOutcome): void {
    if (this.finished) return;
    const { host, destination, txn } = this;
    const server = host.serverName;
    if (outcome.ok && outcome.status === 200) {
      host.trace.add({ kind: "fed.txn.ok", seq: 0, atMs: 0, server, destination, txnId: txn.txnId });
      return this.finish({ kind: "ok" });
    }
    const error = outcome.ok ? `HTTP ${outcome.status}` : outcome.error;
    host.trace.add({ kind: "fed.txn.failed", server, destination, txnId: txn.txnId, error });
    if (!isDestinationFailure(outcome) && outcome.ok) return this.finish({ kind: "refused", status: outcome.status });
    if (!isRetryable(outcome) || this.attempt >= host.params.sendRetriesMax) return this.finish({ kind: "failed" });
    this.attempt++;
    this.sleeping = host.schedule(this.retryDelayMs(), `resend ${txn.txnId} to ${destination}`, () => {
      this.sleeping = undefined;
      this.send();
    });
  }

  /** The wait before retry n (1-based): first × multiplier^(n-1), at most max, times a seeded jitter. */
  private retryDelayMs(): number {
    const p = this.host.params;
    const base = Math.min(
      p.sendRetryDelayMsMax,
      p.sendRetryDelayMsFirst * p.sendRetryDelayMultiplier ** (this.attempt - 1),
    );
    return Math.round(base * this.host.rng.between(p.backoffJitterMin, p.backoffJitterMax));
  }

  private finish(result: TransactionResult): void {
    this.finished = true;
    this.onDone(result);
  }
}
