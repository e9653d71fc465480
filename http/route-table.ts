// How a request finds its handler: a table of (method, path pattern) rows, where a
// pattern's `{name}` segments capture one percent-decoded path segment each. The
// Client-Server API's version prefixes (r0, v3, v1, unstable) are all accepted: clients
// and bots ask for whichever their release was written against.

import type { JsonObject } from "../core/index.ts";
import type { clientServerApi, Homeserver, World } from "../sim/index.ts";
import type { HttpServerState } from "./server-state.ts";
import type { SyncWaiters } from "./sync-waiters.ts";
import type { HttpResponse } from "./types.ts";

export interface RouteContext {
  world: World;
  hs: Homeserver;
  state: HttpServerState;
  params: Readonly<Record<string, string>>;
  query: URLSearchParams;
  /** The JSON body (an empty object when there is none). */
  body: JsonObject;
  /** Set on routes that need authentication. */
  session: clientServerApi.Session;
  accessToken: string;
  /** The access token the request carries, valid or not (for routes that check it themselves). */
  presentedToken: string | undefined;
  /** Replaying a recording: answer long-polls at once, nobody is listening. */
  replaying: boolean;
  syncs: SyncWaiters;
}

export type Handler = (ctx: RouteContext) => HttpResponse | Promise<HttpResponse>;

export interface Route {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** Path after the API prefix, e.g. `/rooms/{roomId}/send/{type}/{txnId}`. */
  path: string;
  /** false: answered without an access token (versions, login, register). */
  auth: boolean;
  handle: Handler;
}

const CLIENT_PREFIX = /^\/_matrix\/client\/(?:r0|v1|v3|unstable)(?=\/)/;

/** The path a route table matches: `/v3/…` of the Client-Server API, or the path itself. */
export function routePath(pathname: string): { api: "client" | "other"; path: string } {
  // The one unversioned endpoint: which versions the server speaks.
  if (pathname === "/_matrix/client/versions") return { api: "client", path: "/versions" };
  const m = CLIENT_PREFIX.exec(pathname);
  return m ? { api: "client", path: pathname.slice(m[0].length) } : { api: "other", path: pathname };
}

interface Compiled {
  route: Route;
  regex: RegExp;
  names: string[];
}

export class RouteTable {
  private readonly compiled: Compiled[];

  constructor(routes: readonly Route[]) {
    this.compiled = routes.map((route) => {
      const names: string[] = [];
      const source = route.path
        .split("/")
        .map((segment) => {
          const m = /^\{(\w+)\}$/.exec(segment);
          if (!m) return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
          names.push(m[1]!);
          return "([^/]+)";
        })
        .join("/");
      return { route, regex: new RegExp(`^${source}/?$`), names };
    });
  }

  /** The route for a method and path, its captured parameters; or whether the path exists under another method. */
  find(
    method: string,
    path: string,
  ): { route: Route; params: Record<string, string> } | { route: undefined; pathKnown: boolean } {
    let pathKnown = false;
    for (const { route, regex, names } of this.compiled) {
      const m = regex.exec(path);
      if (!m) continue;
      pathKnown = true;
      if (route.method !== method) continue;
      const params: Record<string, string> = {};
      names.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1]!)));
      return { route, params };
    }
    return { route: undefined, pathKnown };
  }
}
