// The in-process mode (docs/http.md "Time"): SDK clients whose fetch goes straight into
// the front end (in-process-fetch.ts) and whose timers run on the simulation's clock
// (simulated-timers.ts), driven by one loop that interleaves the simulation's steps, the
// clients' timers and the long-polls in virtual-time order. Nothing waits on the real
// clock, so a session of real SDK code is part of a seeded run: the same seed and the
// same session code give the same trace, byte for byte.

import type { FrontEnd } from "./front-end.ts";
import { inProcessBaseUrl, inProcessFetch } from "./in-process-fetch.ts";
import { SimulatedTimers } from "./simulated-timers.ts";

/** Limits of one runUntil: virtual time and rounds of the loop. */
export interface SessionLimits {
  virtualMsMax?: number;
  roundsMax?: number;
}

export class SessionStalled extends Error {
  override name = "SessionStalled";
}

export class InProcessSession {
  readonly fetch: typeof fetch;
  private readonly timers: SimulatedTimers;
  /** setImmediate as it was before timers were installed: a full turn of the event loop. */
  private readonly turn: () => Promise<void>;

  constructor(readonly frontEnd: FrontEnd) {
    this.fetch = inProcessFetch(frontEnd);
    this.timers = new SimulatedTimers(() => frontEnd.world.sim.nowMs);
    const immediate = setImmediate;
    this.turn = () => new Promise((resolve) => immediate(resolve));
  }

  baseUrl(server: string): string {
    return inProcessBaseUrl(server);
  }

  /** From now on the global timers and Date.now follow virtual time. */
  start(): void {
    this.timers.install();
  }

  stop(): void {
    this.timers.uninstall();
  }

  /** Let every promise chain that waits on nothing settle (responses being read, handlers continuing). */
  private async settle(): Promise<void> {
    for (let i = 0; i < 3; i++) await this.turn();
  }

  /**
   * Advance the world, the clients' timers and the long-polls together, in virtual-time
   * order, until `done()` holds. The simulation's action goes first when it is due at the
   * same millisecond as a timer.
   */
  async runUntil(done: () => boolean, limits: SessionLimits = {}): Promise<void> {
    const { sim } = this.frontEnd.world;
    const syncs = this.frontEnd.syncs;
    const virtualMsMax = limits.virtualMsMax ?? sim.nowMs + 3_600_000;
    const roundsMax = limits.roundsMax ?? 1_000_000;
    for (let round = 0; round < roundsMax; round++) {
      await this.settle();
      syncs.wake();
      await this.settle();
      if (done()) return;
      const nextSim = sim.scheduler.peek()?.atMs;
      const candidates = [nextSim, this.timers.nextAtMs(), syncs.nextDeadlineMs()].filter(
        (t): t is number => t !== undefined,
      );
      if (candidates.length === 0) throw new SessionStalled("nothing is scheduled and the condition does not hold");
      const at = Math.max(sim.nowMs, Math.min(...candidates));
      if (at > virtualMsMax)
        throw new SessionStalled(`the condition does not hold by ${virtualMsMax} ms of virtual time`);
      if (nextSim !== undefined && nextSim <= at) sim.step();
      else sim.advanceClockTo(at);
      this.timers.runDue(sim.nowMs);
    }
    throw new SessionStalled(`the condition does not hold after ${roundsMax} rounds`);
  }

  /** Wait for a promise of client code, advancing virtual time until it settles. */
  async settled<T>(promise: Promise<T>, limits?: SessionLimits): Promise<T> {
    let state: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
    promise.then(
      (value) => (state = { ok: true, value }),
      (error: unknown) => (state = { ok: false, error }),
    );
    await this.runUntil(() => state !== undefined, limits);
    if (!state!.ok) throw state!.error;
    return state!.value;
  }
}
