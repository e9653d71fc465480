// An application service that runs outside netsplit, over HTTP (spec:
// application-service-api). Its registration is loaded into the world like a simulated
// service's (a node of the network named by its url, its namespaces, its tokens), with
// a behaviour that forwards: every event the homeserver pushes to the node is passed on,
// in order, as PUT /_matrix/app/v1/transactions/{txnId} to the service's real url with
// the hs_token; user and alias queries are passed on as GET /_matrix/app/v1/users/{u}
// and /rooms/{alias}. The service acts back through the Client-Server API with its
// as_token (http/authenticate.ts), and those requests are recorded like any client's.
//
// The simulated node acknowledges at once and the real pushes follow in real time, so
// the trace never waits on the service: a recording replays without it. Two
// consequences, documented in docs/http.md: a user query is answered yes for any user
// of the service's exclusive namespace (the ghost is registered for it; the service's own
// register call then gets M_USER_IN_USE, which bridges expect), and an alias query is
// answered no while the service is asked (it creates the room and alias itself, and the
// client's retry finds it).

import type { JsonObject, UserId } from "../core/index.ts";
import type { ClientEvent, World } from "../sim/index.ts";

/** How the forwarder reaches the service (node's fetch, or a test's stand-in). */
export type ServiceFetch = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
) => Promise<{ status: number }>;

export interface HttpAppServiceOptions {
  /** How to reach the real service; undefined when replaying (nobody is listening). */
  fetch?: ServiceFetch;
  /** Real milliseconds between retries of a transaction the service did not acknowledge (doubling up to the max). */
  retryMs?: number;
  retryMsMax?: number;
  /** Scheduling in real time (setTimeout), handed in so that the module stays testable. */
  later?: (run: () => void, delayMs: number) => void;
}

interface Registration {
  url: string;
  hs_token: string;
}

/** Events per transaction, at most (the rest go in the next). */
export const EVENTS_PER_TRANSACTION_MAX = 100;

export class HttpAppServiceForwarder {
  private readonly queue: ClientEvent[] = [];
  private sending = false;
  private txnCounter = 0;
  private retryMs: number;

  constructor(
    private readonly registration: Registration,
    private readonly options: HttpAppServiceOptions,
  ) {
    this.retryMs = options.retryMs ?? 250;
  }

  enqueue(event: ClientEvent): void {
    if (!this.options.fetch) return;
    this.queue.push(event);
    this.pump();
  }

  /** Ask the service about a user or an alias; the answer only matters to the service itself. */
  query(kind: "users" | "rooms", id: string): void {
    const fetch = this.options.fetch;
    if (!fetch) return;
    void fetch(`${this.base()}/_matrix/app/v1/${kind}/${encodeURIComponent(id)}`, {
      method: "GET",
      headers: { Authorization: `Bearer ${this.registration.hs_token}` },
    }).catch(() => undefined);
  }

  private base(): string {
    return this.registration.url.replace(/\/+$/, "");
  }

  /** Send the oldest events as one transaction; the next only once it is acknowledged. */
  private pump(): void {
    const fetch = this.options.fetch;
    if (this.sending || this.queue.length === 0 || !fetch) return;
    this.sending = true;
    const events = this.queue.slice(0, EVENTS_PER_TRANSACTION_MAX);
    const txnId = `netsplit-${++this.txnCounter}`;
    const attempt = () => {
      void fetch(`${this.base()}/_matrix/app/v1/transactions/${txnId}`, {
        method: "PUT",
        headers: { Authorization: `Bearer ${this.registration.hs_token}`, "Content-Type": "application/json" },
        body: JSON.stringify({ events }),
      })
        .then((r) => r.status >= 200 && r.status < 300)
        .catch(() => false)
        .then((acknowledged) => {
          if (!acknowledged) {
            const wait = this.retryMs;
            this.retryMs = Math.min(this.retryMs * 2, this.options.retryMsMax ?? 10_000);
            (this.options.later ?? ((run, ms) => setTimeout(run, ms)))(attempt, wait);
            return;
          }
          this.retryMs = this.options.retryMs ?? 250;
          this.queue.splice(0, events.length);
          this.sending = false;
          this.pump();
        });
    };
    attempt();
  }
}

/** Load a registration (parsed YAML or JSON) onto `server`, forwarding to the service's real url. */
export function attachHttpAppService(
  world: World,
  server: string,
  registration: JsonObject,
  options: HttpAppServiceOptions,
): HttpAppServiceForwarder {
  const forwarder = new HttpAppServiceForwarder(
    { url: String(registration.url), hs_token: String(registration.hs_token) },
    options,
  );
  world.addAppService(server, registration, {
    onEvent: (event) => forwarder.enqueue(event),
    onUserQuery: (userId: UserId, service) => {
      forwarder.query("users", userId);
      return service.ensureUser(userId.slice(1, userId.indexOf(":"))).ok;
    },
    onAliasQuery: (alias) => {
      forwarder.query("rooms", alias);
      return false;
    },
  });
  return forwarder;
}
