// Running a scenario: build the world it describes, put its timeline (and, for swarm
// runs, the faults its seed drew) on the scheduler, then step. A run has three phases:
//
//   chaos       the timeline and the swarm's faults, until chaosMs;
//   heal        at chaosMs: repair every cut, deliver what was held, restart the crashed;
//   converging  until every honest server holds the same state of every room and the
//               network is quiet (liveness holds), or the budget runs out (a liveness
//               failure), or nothing is left to do while servers still disagree (a
//               safety failure: they never will).
//
// The CLI calls runScenario(); the web view drives a ScenarioRun step by step and may
// intervene between steps. Interventions are recorded with the step they followed, so
// a run replays exactly from (scenario, seed, interventions).

import { nobleCrypto, type CryptoBackend, type EventId, type RoomId } from "../../core/index.ts";
import {
  checkAcyclic,
  checkAuthSafety,
  checkSignatureSafety,
  DEFAULT_ROOM_VERSION,
  DEFAULT_RUN_LIMITS,
  startTraffic,
  traceNumbers,
  withVerificationCache,
  World,
  type NetworkStats,
  type TraceRetention,
  type TrafficSpec,
} from "../../sim/index.ts";
import { heal, runAction, type ActionContext, type Settling } from "./actions.ts";
import type { CheckContext } from "./check-context.ts";
import { checkConverged, evaluateCheck, result, type CheckResult } from "./checks.ts";
import { drawSwarm, planSwarm, type SwarmDraw } from "./swarm.ts";
import type { Scenario, TimelineAction } from "./types.ts";

export interface RunOptions {
  seed: string | number;
  /** Overrides the scenario's room version (rooms that name their own keep it). */
  roomVersion?: string;
  /** Hashing and signing: node:crypto in Node, the pure-JS default in the browser. */
  crypto?: CryptoBackend;
  /** Overrides the scenario's `signing`. */
  signing?: boolean;
  /** Interventions to replay (from a permalink or a recorded run). */
  interventions?: readonly Intervention[];
  /** At most this many steps (default: the simulation's). */
  stepsMax?: number;
  /** What the trace keeps (default full): long runs keep hash-only or none; checks that read records need full. */
  traceRetention?: TraceRetention;
}

/** Something done by hand between two steps: an action, or a fork of the random streams. */
export type Intervention = { afterStep: number; action: TimelineAction } | { afterStep: number; fork: string };

export type Phase = "chaos" | "converging" | "done";

export type Outcome = "converged" | "liveness-failure" | "safety-failure" | "step-limit";

export interface RunReport {
  scenario: string;
  seed: string;
  roomVersion: string;
  /** Every honest server agreed on every room, with the network quiet, within the budget. */
  converged: boolean;
  outcome: Outcome;
  /** A liveness failure where nothing was left to do: servers held different forward extremities, and nobody spoke. */
  stalled: boolean;
  /** Every check held. */
  passed: boolean;
  checks: CheckResult[];
  traceHash: string;
  traceRecords: number;
  virtualTimeMs: number;
  /** From the heal until the servers agreed (null when they did not). */
  timeToConvergeMs: number | null;
  healAtMs: number;
  steps: number;
  servers: string[];
  rooms: Record<string, { roomId: string; events: number; extremities: number }>;
  /** PDUs put in federation transactions (retries count again). */
  pdusSent: number;
  /** PDUs that reached a receiving server's pipeline. */
  pdusDelivered: number;
  pdus: { accepted: number; rejected: number; softFailed: number };
  partitions: number;
  crashes: number;
  /** What a swarm seed drew (null for runs without open fault rates). */
  swarm: SwarmDraw | null;
  network: NetworkStats;
}

/** Default virtual time allowed for convergence after the heal. */
export const DEFAULT_CONVERGENCE_BUDGET_MS = 2 * 3600_000;

/** Servers that follow the protocol: no adversary, or only a skewed clock. */
export function honestServers(scenario: Scenario): string[] {
  return scenario.servers
    .filter((s) => !s.adversary || s.adversary.kind === "clock-ahead")
    .map((s) => s.name)
    .sort();
}

export class ScenarioRun {
  readonly world: World;
  readonly seed: string;
  readonly roomVersion: string;
  readonly rooms = new Map<string, RoomId>();
  readonly events = new Map<string, EventId>();
  readonly swarm: SwarmDraw | null;
  readonly healAtMs: number;
  readonly budgetMs: number;
  readonly honest: string[];
  /** Every intervention so far, replayed ones included: with the seed, the run's recipe. */
  readonly interventions: Intervention[] = [];
  phase: Phase = "chaos";
  private outcome: Outcome | undefined;
  /** Quiet, yet some servers lack events the others hold (see checkConvergence). */
  private stalled = false;
  private convergedAtMs: number | null = null;
  private readonly problems: string[] = [];
  private readonly unsettled = new Set<TimelineAction>();
  private readonly replay: Intervention[];
  private readonly stepsMax: number;
  private readonly actions: ActionContext;
  /** Messages each user's traffic sent so far (their bodies are numbered). */
  private readonly trafficSent = new Map<string, number>();

  constructor(
    readonly scenario: Scenario,
    options: RunOptions,
  ) {
    this.seed = String(options.seed);
    this.roomVersion = options.roomVersion ?? scenario.roomVersion ?? DEFAULT_ROOM_VERSION;
    this.stepsMax = options.stepsMax ?? DEFAULT_RUN_LIMITS.stepsMax;
    this.replay = [...(options.interventions ?? [])].sort((a, b) => a.afterStep - b.afterStep);
    this.honest = honestServers(scenario);
    // One verification cache for the whole run, under each server's own: every receiving
    // server checks the same signature on the same bytes, and the end-of-run safety check
    // checks them all again; a verification's answer never changes, so it is computed once.
    const crypto = withVerificationCache(options.crypto ?? nobleCrypto);
    const world = new World({
      seed: this.seed,
      crypto,
      signing: options.signing ?? scenario.signing ?? true,
      ...(options.traceRetention ? { traceRetention: options.traceRetention } : {}),
    });
    this.world = world;
    const names = scenario.servers.map((s) => s.name);
    world.trace.add({
      kind: "run.start",
      seed: this.seed,
      scenario: scenario.name,
      roomVersion: this.roomVersion,
      servers: [...names].sort(),
    });

    this.swarm = scenario.swarm ? drawSwarm(scenario.swarm, names, world.sim.stream("swarm")) : null;
    if (this.swarm) {
      const { skew, ...rates } = this.swarm;
      world.trace.add({ kind: "run.swarm", draw: { ...traceNumbers(rates), skew } });
    }
    for (const s of scenario.servers) {
      const skew = { ...s.skew, ...(this.swarm ? addSkew(s.skew, this.swarm.skew[s.name]) : {}) };
      world.addServer(s.name, {
        skew,
        ...(s.params ? { params: s.params } : {}),
        ...(s.adversary ? { adversary: s.adversary } : {}),
        ...(s.roomVersions ? { roomVersions: s.roomVersions } : {}),
      });
    }
    for (const u of scenario.users) world.addClient(u);
    this.actions = this.actionContext();
    for (const link of scenario.network ?? []) runAction(this.actions, { at: 0, do: "link", ...link });
    scenario.setup?.({ world, scenario, rooms: this.rooms, events: this.events });

    const lastAt = Math.max(0, ...scenario.timeline.map((a) => a.at), ...(scenario.annotations ?? []).map((a) => a.at));
    this.healAtMs = scenario.chaosMs ?? lastAt;
    this.budgetMs = scenario.convergenceBudgetMs ?? DEFAULT_CONVERGENCE_BUDGET_MS;
    const planned = this.swarm
      ? planSwarm(
          scenario.swarm!,
          this.swarm,
          scenario,
          { startMs: scenario.swarm?.startMs ?? 0, endMs: this.healAtMs },
          world.sim.stream("swarm:plan"),
        )
      : [];
    world.trace.add({ kind: "run.phase", phase: "chaos" });
    const timeline = [
      ...scenario.timeline.map((a, i) => ({ a, i })),
      ...(scenario.annotations ?? []).map((n, i) => ({
        a: { at: n.at, do: "note", text: n.text } as TimelineAction,
        i: scenario.timeline.length + i,
      })),
      ...planned.map((a, i) => ({ a, i: 1e9 + i })),
    ].sort((x, y) => x.a.at - y.a.at || x.i - y.i);
    if (this.swarm) {
      const { loss, duplication, reorder } = this.swarm;
      timeline.unshift({
        a: { at: scenario.swarm!.startMs ?? 0, do: "link", config: { loss, duplication, reorder } },
        i: -1,
      });
      timeline.sort((x, y) => x.a.at - y.a.at || x.i - y.i);
    }
    for (const { a } of timeline) world.sim.at(a.at, `timeline ${a.do}`, () => this.apply(a));
    world.sim.at(this.healAtMs, "heal", () => this.startConverging());
    if (scenario.traffic)
      startTraffic(world.sim, scenario.traffic, scenario.users, this.healAtMs, (spec, user) =>
        this.sendTraffic(spec, user),
      );
  }

  /** The recipe for checks: what they may look at. */
  checkContext(): CheckContext {
    return {
      world: this.world,
      scenario: this.scenario,
      rooms: this.rooms,
      events: this.events,
      honestServers: this.honest,
    };
  }

  /** Run one step (applying interventions due before it). False once the run is over. */
  step(): boolean {
    if (this.phase === "done") return false;
    this.applyDueInterventions();
    const sim = this.world.sim;
    if (sim.steps >= this.stepsMax) return this.finish("step-limit");
    if (this.phase === "converging") {
      const next = sim.scheduler.peek();
      if (next && next.atMs > this.healAtMs + this.budgetMs) return this.finish("liveness-failure");
    }
    const stepped = sim.step();
    if (this.phase === "converging") this.checkConvergence(stepped);
    return (this.phase as Phase) !== "done";
  }

  /** Step until the run is over; return the report. */
  runToEnd(): RunReport {
    while (this.step());
    return this.report();
  }

  /** Apply an action now (between steps) and record it, so that a replay does the same. */
  intervene(action: TimelineAction): void {
    const afterStep = this.world.sim.steps;
    this.interventions.push({ afterStep, action });
    // A copy with the same fields: the trace, which sim/ owns, holds actions as plain records.
    this.world.trace.add({ kind: "run.intervention", afterStep, action: { ...action } });
    this.apply(action);
  }

  /** From now on, draw every random number from another seed. */
  fork(seed: string): void {
    const afterStep = this.world.sim.steps;
    this.interventions.push({ afterStep, fork: seed });
    this.world.trace.add({ kind: "run.fork", afterStep, seed });
    this.world.sim.random.fork(seed);
  }

  /** The result of the run so far (final once the phase is "done"). */
  report(): RunReport {
    const world = this.world;
    const summary = world.summary();
    const ctx = this.checkContext();
    const checks = this.evaluateChecks(ctx);
    const rooms: RunReport["rooms"] = {};
    for (const [label, roomId] of [...this.rooms].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const holder = this.honest.map((s) => world.server(s).room(roomId)).find((r) => r !== undefined);
      rooms[label] = { roomId, events: holder?.events.size ?? 0, extremities: holder?.extremityIds().length ?? 0 };
    }
    return {
      scenario: this.scenario.name,
      seed: this.seed,
      roomVersion: this.roomVersion,
      converged: this.outcome === "converged",
      outcome: this.outcome ?? (this.phase === "done" ? "converged" : "step-limit"),
      stalled: this.stalled,
      passed: checks.every((c) => c.ok),
      checks,
      traceHash: world.trace.hash() ?? "",
      traceRecords: world.trace.length,
      virtualTimeMs: world.sim.nowMs,
      timeToConvergeMs: this.convergedAtMs === null ? null : this.convergedAtMs - this.healAtMs,
      healAtMs: this.healAtMs,
      steps: world.sim.steps,
      servers: world.serverNames(),
      rooms,
      pdusSent: summary.pdusSent,
      pdusDelivered: summary.pdusReceived,
      pdus: summary.pdus,
      partitions: world.trace.count("fault.partition"),
      crashes: world.trace.count("server.crash"),
      swarm: this.swarm,
      network: summary.network,
    };
  }

  private evaluateChecks(ctx: CheckContext): CheckResult[] {
    const world = this.world;
    const budget = `${formatDuration(this.budgetMs)} after the heal`;
    const divergence = checkConverged(ctx);
    const checks: CheckResult[] = [
      result(
        `liveness: converged within ${budget}`,
        this.outcome === "converged"
          ? []
          : [
              `${this.stalled ? "stalled: the network is quiet but servers hold different forward extremities" : (this.outcome ?? "still running")}` +
                `${divergence.length ? `: ${divergence.join("; ")}` : ""} (seed ${this.seed})`,
            ],
      ),
      result("safety: no divergence once the network is quiet", this.outcome === "safety-failure" ? divergence : []),
      result("safety: every accepted event passes auth against its auth events", checkAuthSafety(world, this.honest)),
      result("safety: no accepted event has a bad signature or hash", checkSignatureSafety(world, this.honest)),
      result("safety: the DAG is acyclic", checkAcyclic(world)),
    ];
    const unsettled = [...this.unsettled].map((a) => `${describeAction(a)}: never completed`);
    if (this.problems.length > 0 || unsettled.length > 0 || this.scenario.timeline.some((a) => a.expect)) {
      checks.push(result("timeline: every action ran as expected", [...this.problems, ...unsettled]));
    }
    for (const c of this.scenario.checks ?? []) checks.push(evaluateCheck(ctx, c));
    for (const c of this.scenario.customChecks ?? []) checks.push(result(c.name, c.run(ctx)));
    return checks;
  }

  private apply(a: TimelineAction): void {
    runAction(this.actions, a);
  }

  /** One send of a traffic model: quiet while the user's server is down or the user is not in the room. */
  private sendTraffic(spec: TrafficSpec, user: string): void {
    const client = this.world.client(user);
    const roomId = this.rooms.get(spec.room);
    const room = roomId ? client.hs.room(roomId) : undefined;
    if (!client.hs.up || !room || client.hs.membership(room, user) !== "join") return;
    const n = (this.trafficSent.get(user) ?? 0) + 1;
    this.trafficSent.set(user, n);
    this.apply({ at: this.world.sim.nowMs, do: "message", user, room: spec.room, body: `${user} ${n}` });
  }

  private applyDueInterventions(): void {
    const steps = this.world.sim.steps;
    while (this.replay.length > 0 && this.replay[0]!.afterStep <= steps) {
      const next = this.replay.shift()!;
      if ("fork" in next) this.fork(next.fork);
      else this.intervene(next.action);
    }
  }

  private startConverging(): void {
    const world = this.world;
    if (this.scenario.heal !== false) {
      world.trace.add({ kind: "run.phase", phase: "heal" });
      heal(this.actions);
      // Swarm rates are part of the chaos: the heal restores the scenario's own links.
      if (this.swarm) world.sim.network.links.setGlobal({ loss: 0, duplication: 0, reorder: 0 });
    }
    world.trace.add({ kind: "run.phase", phase: "converging", budgetMs: this.budgetMs });
    this.phase = "converging";
  }

  private checkConvergence(stepped: boolean): void {
    const world = this.world;
    if (!world.quiescent()) return;
    const agreed = [...this.rooms.values()].every((r) => world.divergentServers(r, this.honest).length === 0);
    if (agreed) {
      this.convergedAtMs = world.sim.nowMs;
      this.finish("converged");
    } else if (!stepped || world.sim.scheduler.size === 0) {
      // Nothing is left to do. Servers with the same forward extremities but different
      // states would be a resolver bug: a safety failure. Servers with different
      // extremities lack events others hold, and Matrix sends nothing to close that gap
      // until someone speaks (no server forwards another's events): the run is stalled,
      // a liveness failure.
      this.stalled = !this.sameHeadsDifferentState();
      this.finish(this.stalled ? "liveness-failure" : "safety-failure");
    }
  }

  /** Whether two honest residents of some room hold the same forward extremities yet different states. */
  private sameHeadsDifferentState(): boolean {
    for (const roomId of this.rooms.values()) {
      const seen = new Map<string, string>();
      for (const name of this.honest) {
        const hs = this.world.server(name);
        const room = hs.room(roomId);
        if (!hs.up || !room || !hs.serversInRoom(room).includes(name)) continue;
        const heads = room.extremityIds().join(",");
        const state = JSON.stringify([...room.currentState.entries()].sort());
        if (seen.has(heads) && seen.get(heads) !== state) return true;
        seen.set(heads, state);
      }
    }
    return false;
  }

  private finish(outcome: Outcome): false {
    this.outcome = outcome;
    this.phase = "done";
    this.world.trace.add({ kind: "run.phase", phase: "done" });
    this.world.trace.add({ kind: "run.end", reason: outcome, steps: this.world.sim.steps });
    return false;
  }

  private actionContext(): ActionContext {
    return {
      world: this.world,
      roomVersion: this.roomVersion,
      rooms: this.rooms,
      events: this.events,
      crashed: new Set(),
      fail: (a, problem) => this.problems.push(`${describeAction(a)}: ${problem}`),
      issued: (a, pending) => this.track(a, pending),
    };
  }

  private track(a: TimelineAction, pending: Settling): void {
    this.unsettled.add(a);
    pending.then((r) => {
      this.unsettled.delete(a);
      if (r.ok && a.label && typeof r.value === "string") this.events.set(a.label, r.value as EventId);
      const expected = a.expect;
      if (expected === undefined) return;
      if (expected === "ok" && !r.ok)
        this.problems.push(`${describeAction(a)}: expected success, got ${r.error.errcode}: ${r.error.error}`);
      if (expected !== "ok" && (r.ok || r.error.errcode !== expected)) {
        this.problems.push(`${describeAction(a)}: expected ${expected}, got ${r.ok ? "success" : r.error.errcode}`);
      }
    });
  }
}

/** Build a run and step it to the end. */
export function runScenario(scenario: Scenario, options: RunOptions): RunReport {
  return new ScenarioRun(scenario, options).runToEnd();
}

/** "message by @alice:hs1 at 1000ms" */
export function describeAction(a: TimelineAction): string {
  const who = "user" in a ? ` by ${a.user}` : "server" in a ? ` of ${a.server}` : "";
  return `${a.do}${who} at ${a.at}ms${a.label ? ` (${a.label})` : ""}`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 2 * 3600_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 3600_000).toFixed(1)} h`;
}

function addSkew(
  base: { offsetMs?: number; driftPpm?: number } | undefined,
  drawn: { offsetMs: number; driftPpm: number } | undefined,
) {
  return {
    offsetMs: (base?.offsetMs ?? 0) + (drawn?.offsetMs ?? 0),
    driftPpm: (base?.driftPpm ?? 0) + (drawn?.driftPpm ?? 0),
  };
}
