// A served world for tests: the front end on free ports of 127.0.0.1 with its clock
// driver, and matrix-js-sdk clients logged in to it. Loads the Node 22 compatibility
// module first: both SDKs need it on Node 20.

import "../../http/node22-compat.ts";
import { logger as sdkLogger } from "matrix-js-sdk/lib/logger.js";
import * as sdk from "matrix-js-sdk";
import { nodeCrypto } from "../../cli/node-crypto.ts";
import {
  ClockDriver,
  EMPTY_SCENARIO,
  FrontEnd,
  serveOnPorts,
  servedWorld,
  type AppliedRequest,
  type ClockMode,
  type InProcessSession,
  type Listening,
} from "../../http/index.ts";
import type { Scenario } from "../../scenarios/index.ts";

// The SDK logs every request and sync at info level; the tests read their own assertions.
(sdkLogger as unknown as { setLevel(level: string): void }).setLevel("silent");
const quiet = () => undefined;
export const SILENT_LOGGER = {
  trace: quiet,
  debug: quiet,
  info: quiet,
  warn: quiet,
  error: quiet,
  getChild: () => SILENT_LOGGER,
};

export interface Served {
  frontEnd: FrontEnd;
  urls: Map<string, string>;
  applied: AppliedRequest[];
  url(server: string): string;
  control(path: string, body?: unknown): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

export async function serve(
  options: { scenario?: Scenario; seed?: number; mode?: ClockMode; speed?: number } = {},
): Promise<Served> {
  const frontEnd = new FrontEnd(servedWorld(options.scenario ?? EMPTY_SCENARIO, options.seed ?? 1, nodeCrypto));
  const applied: AppliedRequest[] = [];
  frontEnd.onApplied((r) => applied.push(r));
  const listening: Listening = await serveOnPorts(frontEnd, 0);
  const driver = new ClockDriver(frontEnd, {
    mode: options.mode ?? "lockstep",
    speed: options.speed ?? 1,
    realNowMs: () => performance.now(),
  });
  driver.start();
  const first = [...listening.urls.values()][0]!;
  return {
    frontEnd,
    urls: listening.urls,
    applied,
    url: (server) => listening.urls.get(server)!,
    control: async (path, body) => {
      const response = await fetch(`${first}/_netsplit/${path}`, {
        method: body === undefined ? "GET" : "POST",
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return (await response.json()) as Record<string, unknown>;
    },
    close: async () => {
      // Requests still being answered finish first, with the clock running.
      await listening.drain();
      driver.stop();
      await listening.close();
    },
  };
}

/** Register `localpart` on the server (m.login.dummy), log in with the password, and start syncing. */
export async function startUser(baseUrl: string, localpart: string): Promise<sdk.MatrixClient> {
  const anonymous = sdk.createClient({ baseUrl, logger: SILENT_LOGGER });
  await anonymous.registerRequest({
    username: localpart,
    password: `${localpart}-pw`,
    auth: { type: "m.login.dummy" },
  });
  const login = await anonymous.loginRequest({
    type: "m.login.password",
    identifier: { type: "m.id.user", user: localpart },
    password: `${localpart}-pw`,
  });
  const client = sdk.createClient({
    baseUrl,
    accessToken: login.access_token,
    userId: login.user_id,
    deviceId: login.device_id,
    logger: SILENT_LOGGER,
  });
  const prepared = new Promise<void>((resolve) => {
    client.on(sdk.ClientEvent.Sync, (state) => {
      if (state === sdk.SyncState.Prepared) resolve();
    });
  });
  await client.startClient({ initialSyncLimit: 20, disablePresence: true, pollTimeout: 30_000 });
  await prepared;
  return client;
}

/** Poll `condition` (real time) until it holds; fail with `what` after `timeoutMs`. */
export async function eventually(what: string, condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const start = performance.now();
  while (!condition()) {
    if (performance.now() - start > timeoutMs) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The bodies of the m.room.message events in a client's live timeline of a room. */
export function bodies(client: sdk.MatrixClient, roomId: string): string[] {
  const room = client.getRoom(roomId);
  if (!room) return [];
  return room
    .getLiveTimeline()
    .getEvents()
    .filter((e) => e.getType() === "m.room.message")
    .map((e) => String(e.getContent().body));
}

/** A matrix-js-sdk client registered in process (fetch into the front end), synced once. */
export async function inProcessUser(
  session: InProcessSession,
  server: string,
  name: string,
): Promise<sdk.MatrixClient> {
  const baseUrl = session.baseUrl(server);
  const anonymous = sdk.createClient({ baseUrl, fetchFn: session.fetch, logger: SILENT_LOGGER });
  const login = await session.settled(
    anonymous.registerRequest({ username: name, password: "pw", auth: { type: "m.login.dummy" } }),
  );
  const client = sdk.createClient({
    baseUrl,
    fetchFn: session.fetch,
    accessToken: login.access_token!,
    userId: login.user_id,
    deviceId: login.device_id!,
    logger: SILENT_LOGGER,
  });
  let prepared = false;
  client.on(sdk.ClientEvent.Sync, (state) => (prepared ||= state === sdk.SyncState.Prepared));
  await session.settled(client.startClient({ initialSyncLimit: 20, disablePresence: true, pollTimeout: 30_000 }));
  await session.runUntil(() => prepared);
  return client;
}

/** A response body read field by field. */
export type LooseJson = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- bodies are read field by field

/**
 * Plain Client-Server API calls, without an SDK: `register` a user (password, dummy auth) on
 * the server `homeOf` names, then `call` as them with their access token.
 */
export function rawClient(homeOf: (user: string) => string) {
  const tokens: Record<string, string> = {};
  const url = (user: string, path: string) => `${homeOf(user)}/_matrix/client/v3${path}`;
  return {
    async register(user: string): Promise<void> {
      const r = await fetch(url(user, "/register"), {
        method: "POST",
        body: JSON.stringify({ username: user, password: "pw", auth: { type: "m.login.dummy" } }),
      });
      tokens[user] = String(((await r.json()) as LooseJson).access_token);
    },
    async call(user: string, method: string, path: string, body?: unknown): Promise<LooseJson> {
      const r = await fetch(url(user, path), {
        method,
        headers: { Authorization: `Bearer ${tokens[user]}` },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return (await r.json()) as LooseJson;
    },
  };
}
