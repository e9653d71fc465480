// Long-polling /sync (spec: "timeout": how long the server may wait for something new):
// a sync with nothing to report waits here until the world changes for its user or its
// timeout passes in virtual time. The clock driver (http/clock-driver.ts) calls wake()
// after every advance of the simulation and after every request; lockstep mode asks
// whether every client that syncs is waiting (then nobody is about to act, and virtual
// time may jump ahead).

import type { UserId } from "../core/index.ts";
import type { World } from "../sim/index.ts";
import { buildSync, type SyncOptions } from "./sync-builder.ts";
import type { HttpServerState, KnownState } from "./server-state.ts";
import { jsonResponse, type HttpResponse } from "./types.ts";

export interface SyncRequest {
  server: string;
  accessToken: string;
  userId: UserId;
  since: KnownState | undefined;
  options: SyncOptions;
}

interface Waiter extends SyncRequest {
  deadlineMs: number;
  resolve: (response: HttpResponse) => void;
}

/** At most this many long-polls wait at once; more are answered at once. */
export const SYNC_WAITERS_MAX = 10_000;

export class SyncWaiters {
  private waiters: Waiter[] = [];
  /** Access token → when (real ms) its last sync was answered: the clients that sync. */
  private readonly answeredAt = new Map<string, number>();
  private seenTraceLength = -1;
  /** The real clock, for lockstep's notion of a client that is still thinking (set by the driver). */
  realNowMs: () => number = () => 0;

  constructor(
    private readonly world: World,
    private readonly stateOf: (server: string) => HttpServerState,
  ) {}

  /** Answer now when there is something to say (or no time to wait); otherwise wait. */
  sync(request: SyncRequest, timeoutMs: number, replaying: boolean): HttpResponse | Promise<HttpResponse> {
    const built = this.respond(request, false);
    if (built || replaying || timeoutMs <= 0 || this.waiters.length >= SYNC_WAITERS_MAX)
      return built ?? this.respond(request, true)!;
    return new Promise((resolve) => {
      this.waiters.push({ ...request, deadlineMs: this.world.sim.nowMs + timeoutMs, resolve });
    });
  }

  /** Answer the waiting syncs that have something new, or whose time is up. */
  wake(): void {
    if (this.waiters.length === 0) return;
    const now = this.world.sim.nowMs;
    const changed = this.world.trace.length !== this.seenTraceLength;
    this.seenTraceLength = this.world.trace.length;
    const still: Waiter[] = [];
    for (const w of this.waiters) {
      const response = changed || now >= w.deadlineMs ? this.respond(w, now >= w.deadlineMs) : undefined;
      if (response) w.resolve(response);
      else still.push(w);
    }
    this.waiters = still;
  }

  /** The earliest virtual time a waiting sync times out. */
  nextDeadlineMs(): number | undefined {
    return this.waiters.length === 0 ? undefined : Math.min(...this.waiters.map((w) => w.deadlineMs));
  }

  get waiting(): number {
    return this.waiters.length;
  }

  /**
   * Every client that syncs is waiting in a long-poll, or has not synced again for
   * `thinkMs` of real time (it stopped, or it is busy elsewhere): none is about to act.
   */
  allWaiting(thinkMs: number): boolean {
    const waitingTokens = new Set(this.waiters.map((w) => w.accessToken));
    const now = this.realNowMs();
    for (const [token, at] of this.answeredAt) if (!waitingTokens.has(token) && now - at < thinkMs) return false;
    return this.waiters.length > 0;
  }

  forget(accessToken: string): void {
    this.answeredAt.delete(accessToken);
    for (const w of this.waiters.filter((x) => x.accessToken === accessToken))
      w.resolve(
        jsonResponse(401, {
          errcode: "M_UNKNOWN_TOKEN",
          error: "logged out",
        }),
      );
    this.waiters = this.waiters.filter((w) => w.accessToken !== accessToken);
  }

  /** The response, or undefined when there is nothing new and `evenIfEmpty` is false. */
  private respond(request: SyncRequest, evenIfEmpty: boolean): HttpResponse | undefined {
    const hs = this.world.server(request.server);
    if (hs.userForToken(request.accessToken) === undefined && !hs.appServices.byToken(request.accessToken))
      return jsonResponse(401, { errcode: "M_UNKNOWN_TOKEN", error: "logged out" });
    const built = buildSync(hs, request.userId, request.since, request.options);
    if (built.empty && !evenIfEmpty && request.since !== undefined) return undefined;
    const nextBatch = this.stateOf(request.server).rememberSync(request.accessToken, built.known);
    this.answeredAt.set(request.accessToken, this.realNowMs());
    return jsonResponse(200, {
      next_batch: nextBatch,
      rooms: built.rooms,
      presence: { events: built.presence },
      account_data: { events: [] },
      to_device: { events: [] },
      device_lists: { changed: [], left: [] },
      device_one_time_keys_count: {},
    });
  }
}
