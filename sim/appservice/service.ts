// The application service itself: a node of the simulated network, named by its
// registration's url, that answers the homeserver (spec: application-service-api.md
// "Homeserver -> Application Service API"):
//   PUT  /_matrix/app/v1/transactions/{txnId}  events, in order; a txnId seen before is
//                                              acknowledged and not processed again
//   GET  /_matrix/app/v1/users/{userId}        does this user exist? (create it, then 200)
//   GET  /_matrix/app/v1/rooms/{roomAlias}     does this alias exist? (create room + alias, then 200)
//   POST /_matrix/app/v1/ping                  200 {}
// Every request must carry `Authorization: Bearer <hs_token>`, else 403 M_FORBIDDEN.
// What the service does with events and queries is its behaviour: a bridge, a bot, a
// moderation tool (scenarios/). It acts back through AppServiceClient.

import { parseUserId, type UserId } from "../../core/index.ts";
import { fail, matrixError, type Result } from "../matrix-error.ts";
import type { RpcRequest, RpcResponse } from "../network/rpc.ts";
import type { Simulation } from "../simulation.ts";
import type { AppServiceClient } from "./as-client.ts";
import type { ClientEvent } from "./client-event.ts";
import type { ServiceHomeserver } from "./host.ts";
import { ROOMS_PATH, USERS_PATH } from "./queries.ts";
import type { ServiceEntry } from "./registry.ts";
import { TRANSACTIONS_PATH, type AppServiceSender } from "./txn-sender.ts";

/** What a service does. Every callback is optional: a service without behaviour just receives. */
export interface AppServiceBehaviour {
  /** Each pushed event once, in the order the homeserver linearised them. */
  onEvent?(event: ClientEvent, service: AppService): void;
  /** A user of the namespace the homeserver does not know: register it (service.ensureUser) and return true, or false for 404. */
  onUserQuery?(userId: UserId, service: AppService): boolean;
  /** An alias of the namespace: create the room and point the alias at it, then return true; false for 404. */
  onAliasQuery?(alias: string, service: AppService): boolean;
}

/** Limits on what a service remembers. */
export const APPSERVICE_LIMITS = {
  /** Transaction ids remembered for deduplication (the homeserver only ever retries the last one). */
  seenTxnIdsMax: 1_000,
  /** Events kept in `received` for checks and tests. */
  receivedEventsMax: 100_000,
} as const;

export interface AppServiceHost {
  readonly sim: Simulation;
  readonly hs: ServiceHomeserver;
  readonly entry: ServiceEntry;
  /** The homeserver's side: its queue of pushes to this service (none when url is null). */
  readonly pushes: AppServiceSender | undefined;
  /** A client of the homeserver acting as `userId` with the service's as_token. */
  newClient(userId: UserId, reachable: () => boolean): AppServiceClient;
}

export class AppService {
  readonly id: string;
  readonly hs: ServiceHomeserver;
  readonly entry: ServiceEntry;
  /** The node name in the simulated network (the registration's url); null: nothing is pushed. */
  readonly node: string | null;
  readonly pushes: AppServiceSender | undefined;
  up = true;
  /** Every event processed, in order (at most APPSERVICE_LIMITS.receivedEventsMax). */
  readonly received: ClientEvent[] = [];
  /**
   * Processed transaction ids. Kept across a crash of the service, as a bridge keeps
   * them in its database; so a retry after a restart is still recognised.
   */
  private readonly seenTxnIds = new Set<string>();
  private readonly seenOrder: string[] = [];
  private readonly clients = new Map<string, AppServiceClient>();
  private readonly sim: Simulation;
  private readonly newClient: AppServiceHost["newClient"];

  constructor(
    host: AppServiceHost,
    private readonly behaviour: AppServiceBehaviour = {},
  ) {
    this.sim = host.sim;
    this.hs = host.hs;
    this.entry = host.entry;
    this.id = host.entry.id;
    this.node = host.entry.node;
    this.pushes = host.pushes;
    this.newClient = host.newClient;
  }

  get senderUserId(): UserId {
    return this.entry.senderUserId;
  }

  /** The user id of a localpart on the service's homeserver. */
  userId(localpart: string): UserId {
    // Not parsed: registering a bad localpart answers M_INVALID_USERNAME, and the trace names the id asked for.
    return `@${localpart}:${this.hs.name}` as UserId;
  }

  /** Whether the user is the service's own: its sender or a user of its namespaces on its homeserver. */
  owns(userId: string): boolean {
    return (
      userId === this.senderUserId ||
      (userId.endsWith(`:${this.hs.name}`) && this.entry.namespaces.matches("users", userId))
    );
  }

  /** A client acting as the sender user, or (identity assertion) as `userId`. */
  client(userId?: string): AppServiceClient {
    const id = userId === undefined ? this.senderUserId : parseUserId(userId);
    let c = this.clients.get(id);
    if (!c) {
      c = this.newClient(id, () => this.reachable());
      this.clients.set(id, c);
    }
    return c;
  }

  /** POST /register with m.login.application_service: a user of the namespace, no password. */
  registerUser(localpart: string): Result<UserId> {
    const userId = this.userId(localpart);
    let result: Result<UserId>;
    if (!this.reachable())
      result = {
        ok: false,
        error: matrixError("M_UNKNOWN", `application service ${this.id} cannot reach ${this.hs.name}`, 502),
      };
    else {
      const entry = this.hs.appServices.byToken(this.entry.registration.as_token);
      result = entry
        ? this.hs.registerUser(localpart, entry)
        : fail("M_UNKNOWN_TOKEN", "unknown application service token");
    }
    this.hs.trace.add({
      kind: "as.action",
      server: this.hs.name,
      service: this.id,
      user: userId,
      action: "register",
      ok: result.ok,
      ...(result.ok ? { result: result.value } : { error: `${result.error.errcode}: ${result.error.error}` }),
    });
    return result;
  }

  /** The user, registered now unless it already was (a ghost created lazily). */
  ensureUser(localpart: string): Result<UserId> {
    const userId = this.userId(localpart);
    return this.hs.users.has(userId) ? { ok: true, value: userId } : this.registerUser(localpart);
  }

  /** Schedule work of the service (owned by its node: a crash of the service cancels it). */
  after(delayMs: number, label: string, run: () => void): void {
    this.sim.after(delayMs, label, run, this.node ?? `${this.hs.name}/${this.id}`);
  }

  /** No cut from the service to its homeserver, and the homeserver up. */
  reachable(): boolean {
    if (!this.hs.up || !this.up) return false;
    return this.node === null || this.sim.network.cuts.get(this.node, this.hs.name) === undefined;
  }

  /** The service stops answering; what it scheduled is lost. Processed txn ids are kept (see seenTxnIds). */
  crash(): void {
    if (!this.up) return;
    this.up = false;
    if (this.node) {
      this.sim.rpc.forget(this.node);
      this.sim.scheduler.cancelOwner(this.node);
    }
    this.hs.trace.add({ kind: "as.crash", server: this.hs.name, service: this.id, node: this.node ?? "" });
  }

  restart(): void {
    if (this.up) return;
    this.up = true;
    this.listen();
    this.hs.trace.add({ kind: "as.restart", server: this.hs.name, service: this.id, node: this.node ?? "" });
  }

  /** Answer requests at the service's node. */
  listen(): void {
    if (this.node) this.sim.rpc.listen(this.node, (origin, request, respond) => respond(this.handle(origin, request)));
  }

  /** One request from the homeserver. */
  handle(_origin: string, request: RpcRequest): RpcResponse {
    const path = request.path.split("?")[0] ?? "";
    const isTxn = path.startsWith(TRANSACTIONS_PATH);
    if (request.headers?.Authorization !== `Bearer ${this.entry.registration.hs_token}`) {
      // spec: the service MUST check the hs_token and refuse with M_FORBIDDEN.
      if (isTxn) this.traceTxn(decodeURIComponent(path.slice(TRANSACTIONS_PATH.length)), 0, false, 403);
      return errorResponse(403, "M_FORBIDDEN", "bad hs_token");
    }
    if (isTxn)
      return request.method === "PUT"
        ? this.transaction(decodeURIComponent(path.slice(TRANSACTIONS_PATH.length)), request.body)
        : unsupportedMethod(request);
    if (path.startsWith(USERS_PATH)) {
      if (request.method !== "GET") return unsupportedMethod(request);
      const userId = parseIdOrUndefined(decodeURIComponent(path.slice(USERS_PATH.length)));
      if (!userId) return errorResponse(400, "M_INVALID_PARAM", "not a user id");
      return this.behaviour.onUserQuery?.(userId, this)
        ? { status: 200, body: {} }
        : errorResponse(404, "M_NOT_FOUND", `no user ${userId}`);
    }
    if (path.startsWith(ROOMS_PATH)) {
      if (request.method !== "GET") return unsupportedMethod(request);
      const alias = decodeURIComponent(path.slice(ROOMS_PATH.length));
      return this.behaviour.onAliasQuery?.(alias, this)
        ? { status: 200, body: {} }
        : errorResponse(404, "M_NOT_FOUND", `no alias ${alias}`);
    }
    if (path === "/_matrix/app/v1/ping")
      return request.method === "POST" ? { status: 200, body: {} } : unsupportedMethod(request);
    // spec: "Unknown routes": 404 M_UNRECOGNIZED.
    return errorResponse(404, "M_UNRECOGNIZED", `unknown endpoint ${path}`);
  }

  private transaction(txnId: string, body: RpcRequest["body"]): RpcResponse {
    const events = (typeof body === "object" && body !== null && !Array.isArray(body) && Array.isArray(body.events)
      ? body.events
      : []) as unknown as ClientEvent[];
    if (this.seenTxnIds.has(txnId)) {
      this.traceTxn(txnId, events.length, true, 200);
      return { status: 200, body: {} };
    }
    this.remember(txnId);
    this.traceTxn(txnId, events.length, false, 200);
    for (const event of events) {
      if (this.received.length < APPSERVICE_LIMITS.receivedEventsMax) this.received.push(event);
      this.behaviour.onEvent?.(event, this);
    }
    return { status: 200, body: {} };
  }

  private remember(txnId: string): void {
    this.seenTxnIds.add(txnId);
    this.seenOrder.push(txnId);
    if (this.seenOrder.length > APPSERVICE_LIMITS.seenTxnIdsMax) this.seenTxnIds.delete(this.seenOrder.shift()!);
  }

  private traceTxn(txnId: string, events: number, duplicate: boolean, status: number): void {
    this.hs.trace.add({
      kind: "as.txn.received",
      server: this.hs.name,
      service: this.id,
      txnId,
      events,
      duplicate,
      status,
    });
  }
}

function parseIdOrUndefined(value: string): UserId | undefined {
  try {
    return parseUserId(value);
  } catch {
    return undefined;
  }
}

function errorResponse(status: number, errcode: string, error: string): RpcResponse {
  return { status, body: { errcode, error } };
}

/** spec: "Unknown routes": a known endpoint with the wrong method is 405 M_UNRECOGNIZED. */
function unsupportedMethod(request: RpcRequest): RpcResponse {
  return errorResponse(405, "M_UNRECOGNIZED", `${request.method} is not supported here`);
}
