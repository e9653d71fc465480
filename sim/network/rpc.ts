// Federation requests are RPCs over the network: the request travels as one message,
// the response as another, and the caller gets exactly one outcome — the response, or
// a failure after its timeout, as HTTP does. A response arriving after the timeout, or
// after the caller crashed and restarted, is ignored.

import type { JsonValue } from "../../core/index.ts";
import type { Scheduler } from "../scheduler.ts";
import type { Trace } from "../trace.ts";
import type { Network } from "./network.ts";

export interface RpcRequest {
  method: "GET" | "PUT" | "POST";
  /** The federation path, e.g. `/_matrix/federation/v1/send/{txnId}`. */
  path: string;
  body?: JsonValue;
  /** HTTP headers that matter to the receiver: `Authorization` for application-service traffic. */
  headers?: Record<string, string>;
}

export interface RpcResponse {
  status: number;
  body: JsonValue;
}

/**
 * "backing off": the caller's own backoff towards the destination stopped the request
 * before it reached the network (sim/homeserver/request-gate.ts).
 */
export type RpcOutcome = NetworkOutcome | { ok: false; error: "backing off" };

/** What the network itself gives a request. */
type NetworkOutcome = ({ ok: true } & RpcResponse) | { ok: false; error: "timeout" | "unreachable" };

/**
 * A server's request handler. It calls `respond` once, at once or later in virtual time
 * (after fetching what it needs, say). A server that crashes before responding never does.
 */
export type RpcHandler = (origin: string, request: RpcRequest, respond: (response: RpcResponse) => void) => void;

export const DEFAULT_RPC_TIMEOUT_MS = 60_000;

export class Rpc {
  private readonly handlers = new Map<string, RpcHandler>();
  /** Bumped when a server restarts, so that answers to its old requests are dropped. */
  private readonly epochs = new Map<string, number>();
  private nextRpc = 0;

  constructor(
    private readonly network: Network,
    private readonly scheduler: Scheduler,
    private readonly trace: Trace,
    private readonly now: () => number,
  ) {}

  listen(server: string, handler: RpcHandler): void {
    this.handlers.set(server, handler);
  }

  /** A crash: the server stops answering, and its pending requests will never complete. */
  forget(server: string): void {
    this.handlers.delete(server);
    this.epochs.set(server, (this.epochs.get(server) ?? 0) + 1);
  }

  request(
    from: string,
    to: string,
    request: RpcRequest,
    onOutcome: (outcome: RpcOutcome) => void,
    timeoutMs = DEFAULT_RPC_TIMEOUT_MS,
  ): number {
    const rpc = this.nextRpc++;
    const epoch = this.epochs.get(from) ?? 0;
    let done = false;
    const finish = (outcome: NetworkOutcome) => {
      if (done || (this.epochs.get(from) ?? 0) !== epoch) return;
      done = true;
      this.scheduler.cancel(timer);
      if (outcome.ok) this.trace.add({ kind: "rpc.response", seq: 0, atMs: 0, rpc, from, to, status: outcome.status });
      else this.trace.add({ kind: "rpc.failed", rpc, from, to, error: outcome.error });
      onOutcome(outcome);
    };
    this.trace.add({ kind: "rpc.request", seq: 0, atMs: 0, rpc, from, to, method: request.method, path: request.path });
    // The timer belongs to the caller: a crash cancels it with the caller's other work.
    const timer = this.scheduler.schedule(
      this.now() + timeoutMs,
      `rpc ${rpc} timeout`,
      () => finish({ ok: false, error: "timeout" }),
      from,
    );
    this.network.send(from, to, `${request.method} ${request.path}`, () => {
      const handler = this.handlers.get(to);
      if (!handler) return; // nobody listening: the caller times out
      const serverEpoch = this.epochs.get(to) ?? 0;
      let responded = false;
      handler(from, request, (response) => {
        if (responded || (this.epochs.get(to) ?? 0) !== serverEpoch) return;
        responded = true;
        this.network.send(to, from, `${response.status} ${request.path}`, () => finish({ ok: true, ...response }));
      });
    });
    return rpc;
  }
}
