// A scenario run the way the web view drives it: one simulation step at a time, with
// interventions applied between steps, and free play after the scenario's end — once a
// ScenarioRun is done it no longer steps, but a person may still cut a link, send a
// message and watch the servers converge again, so the world's own scheduler takes over.
//
// The recipe is (scenario, seed, interventions): each intervention is applied before the
// first step after `afterStep` steps, exactly as ScenarioRun applies the ones it is given
// (scenarios/runner/run.ts), so a run without free-play interventions gives ScenarioRun's trace
// byte for byte, and any run replays from its recipe. Platform-free: the worker runs it
// in the browser, the tests in Node.

import type { CryptoBackend } from "../../core/index.ts";
import { ScenarioRun, type Intervention } from "../../scenarios/runner/run.ts";
import type { Scenario, TimelineAction } from "../../scenarios/runner/types.ts";
import type { TraceRecord } from "../../sim/trace.ts";

export interface LiveRunOptions {
  seed: string;
  interventions?: readonly Intervention[];
  crypto?: CryptoBackend;
  roomVersion?: string;
}

/** A named limit so that "run to the end" of free play can never spin for ever. */
export const FREE_PLAY_STEPS_MAX = 1_000_000;

export class LiveRun {
  readonly run: ScenarioRun;
  /** stepEnds[k]: how many records the trace held after step k (k = 0: before the first). */
  readonly stepEnds: number[];
  private readonly pending: Intervention[];

  constructor(
    readonly scenario: Scenario,
    readonly options: LiveRunOptions,
  ) {
    // The interventions are kept here, not handed to ScenarioRun, so that those made
    // after the scenario's end (free play) replay too.
    this.run = new ScenarioRun(scenario, {
      seed: options.seed,
      ...(options.crypto ? { crypto: options.crypto } : {}),
      ...(options.roomVersion ? { roomVersion: options.roomVersion } : {}),
    });
    this.stepEnds = [this.run.world.trace.length];
    this.pending = [...(options.interventions ?? [])]
      .map((x, i) => ({ x, i }))
      .sort((a, b) => a.x.afterStep - b.x.afterStep || a.i - b.i)
      .map((p) => p.x);
  }

  get world() {
    return this.run.world;
  }

  get steps(): number {
    return this.run.world.sim.steps;
  }

  get nowMs(): number {
    return this.run.world.sim.nowMs;
  }

  get records(): readonly TraceRecord[] {
    return this.run.world.trace.all();
  }

  /** The scenario's run is over (its checks were decided); free play may go on. */
  get scenarioDone(): boolean {
    return this.run.phase === "done";
  }

  /** Every intervention so far: with the scenario and the seed, the run's recipe. */
  get interventions(): readonly Intervention[] {
    return this.run.interventions;
  }

  /** Virtual time of the next thing to do; null when nothing is left (the network is quiet). */
  nextAtMs(): number | null {
    if (this.pending.length > 0 && this.pending[0]!.afterStep <= this.steps) return this.nowMs;
    return this.run.world.sim.scheduler.peek()?.atMs ?? null;
  }

  /** Apply the interventions due now (those recorded after the steps taken so far). */
  applyDue(): void {
    while (this.pending.length > 0 && this.pending[0]!.afterStep <= this.steps) {
      const next = this.pending.shift()!;
      if ("fork" in next) this.run.fork(next.fork);
      else this.run.intervene(next.action);
    }
  }

  /** One step of the simulation. False when nothing was left to do. */
  step(): boolean {
    this.applyDue();
    const before = this.steps;
    if (this.scenarioDone) this.run.world.sim.step();
    else this.run.step();
    this.settleEnd();
    if (this.steps === before) return false;
    this.stepEnds.push(this.records.length);
    return true;
  }

  /**
   * ScenarioRun ends a run whose budget ran out, or whose scheduler emptied, on its next
   * step() without taking a step. Ending it right away makes the end part of the step
   * before it, so no intervention can land between the two — live or in a replay.
   */
  private settleEnd(): void {
    if (this.run.phase !== "converging") return;
    const next = this.run.world.sim.scheduler.peek();
    if (!next || next.atMs > this.run.healAtMs + this.run.budgetMs) this.run.step();
  }

  /** Step while the next step is due at or before `atMs` (at most `stepsMax` steps). */
  runUntil(atMs: number, stepsMax = FREE_PLAY_STEPS_MAX): number {
    let n = 0;
    while (n < stepsMax) {
      this.applyDue();
      const next = this.nextAtMs();
      if (next === null || next > atMs) break;
      if (!this.step()) break;
      n++;
    }
    return n;
  }

  /** Step until the step count reaches `step`, then apply what is due there. */
  advanceToStep(step: number): void {
    while (this.steps < step) if (!this.step()) break;
    this.applyDue();
  }

  /** Act now (between steps); recorded with the step count and the virtual time. */
  intervene(action: TimelineAction): void {
    this.applyDue();
    this.run.intervene({ ...action, at: this.nowMs });
  }

  fork(seed: string): void {
    this.applyDue();
    this.run.fork(seed);
  }
}
