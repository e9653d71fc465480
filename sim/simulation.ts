// The world: one virtual clock, one scheduler, named random streams from one seed, the
// network and the trace. Everything that happens is a scheduled action; step() runs
// exactly one, and runUntil() steps until a predicate holds or a named limit is hit.
//
// The phases of one step(), always in this order:
//   1. take the earliest pending action (by virtual time, then by scheduling order);
//   2. move the clock to its time (the clock never goes back);
//   3. run it — it may send messages, schedule further actions and add trace records;
//   4. count the step.
// Interventions between steps (partition, repair, client actions) run "now", in the
// order they are called, and are recorded in the trace like everything else.

import { assert } from "./assert.ts";
import { RandomStreams, type Rng } from "./random.ts";
import { Scheduler } from "./scheduler.ts";
import { Trace, type CutMode, type TraceOptions } from "./trace.ts";
import { pairsBetween, pairsOneWay } from "./network/cuts.ts";
import { Network } from "./network/network.ts";
import { Rpc } from "./network/rpc.ts";
import { partitionPairs, type Partition } from "./partitions.ts";

export interface RunLimits {
  /** Stop when the clock would pass this virtual time. */
  virtualTimeMsMax?: number;
  /** Stop after this many steps of this call. */
  stepsMax?: number;
}

export type RunResult =
  | { reason: "done"; steps: number; nowMs: number }
  /** Nothing is scheduled any more, and the predicate still does not hold. */
  | { reason: "idle"; steps: number; nowMs: number }
  | { reason: "virtualTimeLimit"; steps: number; nowMs: number }
  | { reason: "stepLimit"; steps: number; nowMs: number };

/** Defaults that stop a runaway run; every run can set its own. */
export const DEFAULT_RUN_LIMITS: Required<RunLimits> = { virtualTimeMsMax: 7 * 24 * 3600 * 1000, stepsMax: 10_000_000 };

export class Simulation {
  private clockMs = 0;
  private stepCount = 0;
  readonly scheduler = new Scheduler();
  readonly random: RandomStreams;
  readonly trace: Trace;
  readonly network: Network;
  readonly rpc: Rpc;

  constructor(
    readonly seed: string | number,
    traceOptions: TraceOptions = {},
  ) {
    this.random = new RandomStreams(seed);
    this.trace = new Trace(() => this.clockMs, traceOptions);
    this.network = new Network({
      scheduler: this.scheduler,
      now: () => this.clockMs,
      rng: this.random.stream("network"),
      trace: this.trace,
    });
    this.rpc = new Rpc(this.network, this.scheduler, this.trace, () => this.clockMs);
  }

  /** Virtual time in milliseconds since the start of the run. */
  get nowMs(): number {
    return this.clockMs;
  }

  get steps(): number {
    return this.stepCount;
  }

  stream(name: string): Rng {
    return this.random.stream(name);
  }

  /** Run `action` at `atMs` (at least now). */
  at(atMs: number, label: string, action: () => void, owner?: string) {
    return this.scheduler.schedule(Math.max(atMs, this.clockMs), label, action, owner);
  }

  /** Run `action` after `delayMs`. */
  after(delayMs: number, label: string, action: () => void, owner?: string) {
    return this.at(this.clockMs + delayMs, label, action, owner);
  }

  /** Run one scheduled action. Returns false when nothing is scheduled. */
  step(): boolean {
    const action = this.scheduler.pop();
    if (!action) return false;
    assert(
      action.atMs >= this.clockMs,
      () =>
        `the scheduler never goes back in time (${action.label} due at ${action.atMs} ms, clock at ${this.clockMs} ms)`,
    );
    this.clockMs = Math.max(this.clockMs, action.atMs);
    action.run();
    this.stepCount++;
    return true;
  }

  /** Step until `done()` holds, nothing is left to do, or a limit is hit. Never hangs. */
  runUntil(done: () => boolean, limits: RunLimits = {}): RunResult {
    const { virtualTimeMsMax, stepsMax } = { ...DEFAULT_RUN_LIMITS, ...limits };
    let steps = 0;
    for (;;) {
      if (done()) return { reason: "done", steps, nowMs: this.clockMs };
      if (steps >= stepsMax) return { reason: "stepLimit", steps, nowMs: this.clockMs };
      const next = this.scheduler.peek();
      if (!next) return { reason: "idle", steps, nowMs: this.clockMs };
      if (next.atMs > virtualTimeMsMax) {
        this.clockMs = Math.max(this.clockMs, virtualTimeMsMax);
        return { reason: "virtualTimeLimit", steps, nowMs: this.clockMs };
      }
      this.step();
      steps++;
    }
  }

  /**
   * Move the clock forward to `atMs` without running anything: a front end that applies
   * an outside request at a recorded virtual time (http/). Nothing may be due before it.
   */
  advanceClockTo(atMs: number): void {
    const next = this.scheduler.peek();
    assert(
      atMs >= this.clockMs && (!next || next.atMs >= atMs),
      () =>
        `the clock moves to ${atMs} ms only forward and past nothing due (clock ${this.clockMs} ms, next ${next?.atMs} ms)`,
    );
    this.clockMs = atMs;
  }

  /** Run until virtual time `untilMs`, leaving the clock there. */
  runFor(durationMs: number, stepsMax = DEFAULT_RUN_LIMITS.stepsMax): RunResult {
    const untilMs = this.clockMs + durationMs;
    const result = this.runUntil(() => false, { virtualTimeMsMax: untilMs, stepsMax });
    if (result.reason === "idle") this.clockMs = untilMs;
    return result.reason === "idle" ? { ...result, nowMs: untilMs } : result;
  }

  // ---- faults, symmetric pairs over sets of servers -------------------------------

  /** Cut every link between the two groups, both ways. */
  partition(groupA: readonly string[], groupB: readonly string[], mode: CutMode = "drop"): void {
    this.cut(pairsBetween(groupA, groupB), mode);
  }

  /** Cut the links from `from` to `to` only; replies still flow the other way. */
  partitionOneWay(from: readonly string[] | string, to: readonly string[] | string, mode: CutMode = "drop"): void {
    this.cut(pairsOneWay(list(from), list(to)), mode);
  }

  /** Cut one server off from all the others. */
  isolate(server: string, others: readonly string[], mode: CutMode = "drop"): void {
    this.partition(
      [server],
      others.filter((s) => s !== server),
      mode,
    );
  }

  /** Apply a partition built from a spec (sim/partitions.ts): every directed cut in its map. */
  applyPartition(p: Partition): void {
    this.cut(partitionPairs(p), p.mode);
  }

  /** Repair exactly the cuts of a partition (held messages on them are delivered). */
  repairPartition(p: Partition): void {
    this.repairPairs(partitionPairs(p));
  }

  /** Park messages between the groups (both ways) until release(). */
  hold(groupA: readonly string[], groupB: readonly string[]): void {
    this.partition(groupA, groupB, "hold");
  }

  /** Repair the given groups' links (all cuts when called without groups). Held messages on them are delivered. */
  repair(groupA?: readonly string[], groupB?: readonly string[]): void {
    this.repairPairs(groupA && groupB ? pairsBetween(groupA, groupB) : this.network.cuts.list());
  }

  private repairPairs(pairs: ReadonlyArray<{ from: string; to: string }>): void {
    const removed = this.network.cuts.remove(pairs);
    if (removed.length > 0) {
      this.trace.add({
        kind: "fault.repair",
        cuts: removed.map(({ from, to }) => ({ from, to, ...this.network.takeCutEffects(from, to) })),
      });
    }
    const released = this.network.releaseHeld(removed.filter((c) => c.mode === "hold"));
    if (released > 0)
      this.trace.add({
        kind: "fault.release",
        cuts: removed.filter((c) => c.mode === "hold").map(({ from, to }) => ({ from, to })),
        released,
      });
  }

  /** Lift a hold: deliver what was parked and reopen the links. */
  release(groupA?: readonly string[], groupB?: readonly string[]): void {
    this.repair(groupA, groupB);
  }

  private cut(pairs: Array<{ from: string; to: string }>, mode: CutMode): void {
    const added = this.network.cuts.add(pairs, mode);
    if (added.length > 0)
      this.trace.add({ kind: "fault.partition", cuts: added.map(({ from, to }) => ({ from, to })), mode });
  }
}

function list(x: readonly string[] | string): readonly string[] {
  return typeof x === "string" ? [x] : x;
}
