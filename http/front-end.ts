// The HTTP front end of a world: one handler per virtual homeserver that turns
// Client-Server API requests into calls on sim/'s homeserver API (and /_netsplit/…
// requests into faults), answering in the spec's JSON shapes. It knows nothing of
// sockets: http/node-server.ts feeds it from real ports, a test's fetchFn feeds it in
// process, and a replay feeds it a recording. Every request that reaches a handler is
// reported to `onApplied` listeners with the step and virtual time it was applied at,
// which is all a replay needs to reproduce the run.

import { isJsonObject, type JsonObject } from "../core/index.ts";
import type { World } from "../sim/index.ts";
import { accessTokenOf, authenticate, NOBODY } from "./authenticate.ts";
import { CLIENT_ROUTES } from "./routes/index.ts";
import { CONTROL_ROUTES } from "./routes/control.ts";
import { RouteTable, routePath, type Route, type RouteContext } from "./route-table.ts";
import { HttpServerState } from "./server-state.ts";
import { SyncWaiters } from "./sync-waiters.ts";
import {
  CORS_HEADERS,
  errorResponse,
  HttpError,
  REQUEST_BYTES_MAX,
  type HttpRequest,
  type HttpResponse,
} from "./types.ts";

/** One request as it was applied: what a recording holds and a replay feeds back. */
export interface AppliedRequest {
  step: number;
  atMs: number;
  server: string;
  method: string;
  url: string;
  authorization?: string;
  body: string;
}

export class FrontEnd {
  readonly syncs: SyncWaiters;
  private readonly states = new Map<string, HttpServerState>();
  private readonly clientRoutes = new RouteTable(CLIENT_ROUTES);
  private readonly controlRoutes = new RouteTable(CONTROL_ROUTES);
  private readonly listeners: Array<(r: AppliedRequest) => void> = [];
  /** Replaying a recording: long-polls answer at once and nobody reads the answers. */
  replaying = false;
  /** Requests waiting for the simulation to answer them (a join over federation, …). */
  private waitingOnSim = 0;

  constructor(readonly world: World) {
    for (const name of world.serverNames()) this.states.set(name, new HttpServerState(name));
    this.syncs = new SyncWaiters(world, (server) => this.state(server));
  }

  state(server: string): HttpServerState {
    const s = this.states.get(server);
    if (!s) throw new Error(`no server ${server}`);
    return s;
  }

  onApplied(listener: (r: AppliedRequest) => void): void {
    this.listeners.push(listener);
  }

  /** Requests other than long-polls that wait on the simulation. */
  get pendingOnSimulation(): number {
    return this.waitingOnSim;
  }

  /** Answer one request made to `server`'s port. */
  async handle(server: string, request: HttpRequest): Promise<HttpResponse> {
    if (request.method === "OPTIONS") return { status: 204, headers: { ...CORS_HEADERS }, body: "" };
    if (utf8Length(request.body) > REQUEST_BYTES_MAX)
      return errorResponse(413, "M_TOO_LARGE", `the request body is over ${REQUEST_BYTES_MAX} bytes`);
    let url: URL;
    try {
      url = new URL(request.url, "http://localhost");
    } catch {
      return errorResponse(400, "M_UNRECOGNIZED", `cannot parse the request path ${JSON.stringify(request.url)}`);
    }
    const { api, path } = routePath(url.pathname);
    const table =
      api === "client" ? this.clientRoutes : path.startsWith("/_netsplit/") ? this.controlRoutes : undefined;
    let found: ReturnType<RouteTable["find"]> | undefined;
    try {
      found = table?.find(request.method, api === "client" ? path : path.slice("/_netsplit".length));
    } catch {
      return errorResponse(400, "M_INVALID_PARAM", "a path segment is not valid percent-encoding");
    }
    if (!found?.route) {
      return errorResponse(
        found?.pathKnown ? 405 : 404,
        "M_UNRECOGNIZED",
        `${request.method} ${url.pathname} is not an endpoint netsplit serves`,
      );
    }
    this.report(server, request);
    const { route, params } = found;
    // A crashed homeserver answers nothing; a client sees its gateway give up.
    if (api === "client" && !this.world.server(server).up)
      return errorResponse(503, "M_UNKNOWN", `${server} is down (crashed); restart it with POST /_netsplit/restart`);
    try {
      const response = this.run(server, route, params, url, request);
      if (!(response instanceof Promise)) return response;
      this.waitingOnSim += route.path === "/sync" ? 0 : 1;
      try {
        return await response;
      } finally {
        this.waitingOnSim -= route.path === "/sync" ? 0 : 1;
      }
    } catch (e) {
      if (e instanceof HttpError) return errorResponse(e.status, e.errcode, e.message);
      return errorResponse(500, "M_UNKNOWN", `internal error: ${(e as Error).message}`);
    }
  }

  private run(
    server: string,
    route: Route,
    params: Record<string, string>,
    url: URL,
    request: HttpRequest,
  ): HttpResponse | Promise<HttpResponse> {
    const hs = this.world.server(server);
    const body = parseBody(request);
    const auth = route.auth ? authenticate(hs, request, url.searchParams) : undefined;
    const ctx: RouteContext = {
      world: this.world,
      hs,
      state: this.state(server),
      params,
      query: url.searchParams,
      body,
      session: auth?.session ?? NOBODY,
      accessToken: auth?.accessToken ?? "",
      presentedToken: accessTokenOf(request, url.searchParams),
      replaying: this.replaying,
      syncs: this.syncs,
    };
    return route.handle(ctx);
  }

  private report(server: string, request: HttpRequest): void {
    const sim = this.world.sim;
    const applied: AppliedRequest = {
      step: sim.steps,
      atMs: sim.nowMs,
      server,
      method: request.method,
      url: request.url,
      ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}),
      body: request.body,
    };
    for (const l of this.listeners) l(applied);
  }
}

/** The JSON body: M_NOT_JSON when it does not parse, M_BAD_JSON when it is not an object. */
function parseBody(request: HttpRequest): JsonObject {
  if (request.body.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(request.body);
  } catch {
    throw new HttpError(400, "M_NOT_JSON", "the request body is not JSON");
  }
  if (!isJsonObject(parsed)) throw new HttpError(400, "M_BAD_JSON", "the request body must be a JSON object");
  return parsed as JsonObject;
}

function utf8Length(text: string): number {
  // An upper bound is enough to refuse early; the exact count only when close.
  return text.length * 3 <= REQUEST_BYTES_MAX ? text.length : new TextEncoder().encode(text).length;
}
