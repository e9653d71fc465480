// How virtual time moves while real clients are connected. Two modes:
//
// - wall: the virtual clock follows the real one (times `speed`): every tick runs what
//   is due up to now and moves the clock there, so a client sees federation take the
//   virtual latencies in real time.
// - lockstep: the same, except that whenever every client that syncs is waiting in a
//   long-poll (none is about to act), the world runs ahead to its next scheduled action
//   at once instead of waiting for the real clock: tests run faster than real time.
//
// Either way every request is applied between two steps, at a virtual time the
// front end reports with it, so a recording replays exactly (http/recording.ts).

import type { FrontEnd } from "./front-end.ts";

export type ClockMode = "wall" | "lockstep";
export const CLOCK_MODES: readonly ClockMode[] = ["wall", "lockstep"];

export interface ClockDriverOptions {
  mode: ClockMode;
  /** Virtual milliseconds per real millisecond (wall mode, and lockstep while clients act). */
  speed?: number;
  /** Real milliseconds between ticks. */
  tickMs?: number;
  /** Lockstep: a client that synced less than this long ago (real ms) and has not synced again is still acting. */
  thinkMs?: number;
  /** Lockstep: at most this many steps between two looks at the clients. */
  stepsPerTickMax?: number;
  /** The real clock (ms). */
  realNowMs: () => number;
}

export class ClockDriver {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private realStartMs = 0;
  private virtualStartMs = 0;
  private readonly options: Required<ClockDriverOptions>;

  constructor(
    private readonly frontEnd: FrontEnd,
    options: ClockDriverOptions,
  ) {
    this.options = { speed: 1, tickMs: 10, thinkMs: 200, stepsPerTickMax: 2_000, ...options };
    frontEnd.syncs.realNowMs = options.realNowMs;
  }

  start(): void {
    this.realStartMs = this.options.realNowMs();
    this.virtualStartMs = this.frontEnd.world.sim.nowMs;
    const loop = () => {
      this.tick();
      this.timer = setTimeout(loop, this.options.tickMs);
    };
    this.timer = setTimeout(loop, 0);
  }

  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** One tick: lockstep's run-ahead when everyone waits, then the clock catches up with real time. */
  tick(): void {
    const { sim } = this.frontEnd.world;
    const syncs = this.frontEnd.syncs;
    syncs.wake();
    if (this.options.mode === "lockstep") this.runAhead();
    // Whole milliseconds: virtual time is an integer (the trace is canonical JSON, which has no floats).
    const target = Math.floor(this.virtualStartMs + (this.options.realNowMs() - this.realStartMs) * this.options.speed);
    if (target > sim.nowMs) {
      sim.runUntil(() => false, { virtualTimeMsMax: target });
      if (sim.nowMs < target) sim.advanceClockTo(target);
    }
    syncs.wake();
  }

  /** Lockstep: step while every syncing client waits and the world has work; stop once a long-poll is answered. */
  private runAhead(): void {
    const { sim } = this.frontEnd.world;
    const syncs = this.frontEnd.syncs;
    for (let i = 0; i < this.options.stepsPerTickMax; i++) {
      const everyoneWaits =
        syncs.allWaiting(this.options.thinkMs) || (syncs.waiting === 0 && this.frontEnd.pendingOnSimulation > 0);
      if (!everyoneWaits || !sim.scheduler.peek()) break;
      sim.step();
      const before = syncs.waiting;
      syncs.wake();
      if (syncs.waiting < before) break;
    }
    // Ahead of the real clock now: the wall clock starts counting again from here.
    const realElapsed = this.options.realNowMs() - this.realStartMs;
    if (sim.nowMs > this.virtualStartMs + realElapsed * this.options.speed)
      this.virtualStartMs = sim.nowMs - realElapsed * this.options.speed;
  }
}
