// The engine side of the worker protocol (viz/worker/protocol.ts), without the worker:
// it holds the LiveRun, turns requests into steps, interventions and explanations, and
// posts the new trace records after each piece of work. The worker shell only slices
// long advances so that "stop" and the page's other requests get through; keeping the
// logic here lets the tests drive it in Node.

import { nobleCrypto, type CryptoBackend } from "../../core/index.ts";
import { parseScenario } from "../../scenarios/runner/parse-scenario.ts";
import { findScenario, SCENARIOS } from "../../scenarios/index.ts";
import type { Intervention } from "../../scenarios/runner/run.ts";
import type { Scenario } from "../../scenarios/runner/types.ts";
import type { Advance, FromWorker, Head, RunInfo, ScenarioSource } from "../worker/protocol.ts";
import { explainState, type ExplainRequest, type ExplainResult } from "./explain.ts";
import { LiveRun } from "./live-run.ts";

/**
 * After the scenario's end, "run to the end" means "until the network is quiet" — which
 * never comes while a cut stands (the senders keep retrying), so it stops this much
 * virtual time later.
 */
export const FREE_PLAY_HORIZON_MS = 6 * 3600_000;

interface Recipe {
  scenario: Scenario;
  seed: string;
  roomVersion?: string;
}

export function resolveScenario(source: ScenarioSource): Scenario {
  if ("name" in source) {
    const found = findScenario(source.name);
    if (!found)
      throw new Error(
        `no scenario ${JSON.stringify(source.name)}: known are ${SCENARIOS.map((s) => s.name).join(", ")}`,
      );
    return found;
  }
  return parseScenario(source.json, "scenario");
}

/** The most records one message to the page carries (see flush). */
export const RECORDS_PER_MESSAGE = 1_000;

export class EngineSession {
  private live: LiveRun | null = null;
  private recipe: Recipe | null = null;
  /** Records and step ends already posted to the page. */
  private sentRecords = 0;
  private sentSteps = 0;
  private truncateTo: number | undefined;

  constructor(
    private readonly post: (message: FromWorker) => void,
    private readonly crypto: CryptoBackend = nobleCrypto,
  ) {}

  load(source: ScenarioSource, seed: string, interventions: readonly Intervention[], roomVersion?: string): RunInfo {
    const scenario = resolveScenario(source);
    this.recipe = { scenario, seed, ...(roomVersion ? { roomVersion } : {}) };
    this.live = this.makeRun(interventions);
    this.sentRecords = 0;
    this.sentSteps = 0;
    this.truncateTo = 0;
    this.flush();
    return {
      scenario: scenario.name,
      description: scenario.description,
      seed,
      roomVersion: this.live.run.roomVersion,
      servers: scenario.servers.map((s) => s.name).sort(),
      users: [...scenario.users].sort(),
      annotations: [...(scenario.annotations ?? [])],
      ...misfitsOf(scenario),
      faults:
        scenario.swarm !== undefined ||
        scenario.timeline.some((a) => ["partition", "crash", "link"].includes(a.do)) ||
        scenario.servers.some((s) => s.adversary !== undefined),
      scenarios: SCENARIOS.map((s) => ({ name: s.name, description: s.description })),
    };
  }

  /** Do at most `stepsMax` steps of an advance. True when the advance is complete. */
  advance(advance: Advance, stepsMax: number): boolean {
    const live = this.need();
    let n = 0;
    if ("toEnd" in advance && live.scenarioDone && advance.untilMs === undefined)
      advance.untilMs = live.nowMs + FREE_PLAY_HORIZON_MS;
    const more = (): boolean => {
      if ("toEnd" in advance) {
        // The scenario's end, or (once it is over) a quiet network within the horizon.
        if (!live.scenarioDone) return true;
        const next = live.nextAtMs();
        return next !== null && next <= (advance.untilMs ?? Infinity);
      }
      if ("untilMs" in advance) {
        live.applyDue();
        const next = live.nextAtMs();
        return next !== null && next <= advance.untilMs;
      }
      if ("steps" in advance) return n < advance.steps;
      if ("toStep" in advance) return live.steps < advance.toStep;
      return live.records.length < advance.toRecords;
    };
    let complete = false;
    for (;;) {
      if (!more()) {
        complete = true;
        break;
      }
      if (n >= stepsMax) break;
      const wasDone = live.scenarioDone;
      if (!live.step()) {
        complete = true;
        break;
      }
      n++;
      if ("toEnd" in advance && !wasDone && live.scenarioDone) {
        complete = true;
        break;
      }
    }
    if ("steps" in advance && !complete) advance.steps -= n;
    if (complete) live.applyDue();
    this.flush();
    return complete;
  }

  intervene(atStep: number, action: Parameters<LiveRun["intervene"]>[0]): void {
    this.rewindTo(atStep).intervene(action);
    this.flush();
  }

  fork(atStep: number, seed: string): void {
    this.rewindTo(atStep).fork(seed);
    this.flush();
  }

  /** Explain a server's state as it stood after `atStep` (re-running a copy when that is in the past). */
  explain(atStep: number, request: ExplainRequest): ExplainResult {
    const live = this.need();
    if (atStep >= live.steps) return explainState(live.world, request);
    const copy = this.makeRun(live.interventions.filter((i) => i.afterStep <= atStep));
    copy.advanceToStep(atStep);
    return explainState(copy.world, request);
  }

  head(): Head {
    const live = this.need();
    return {
      steps: live.steps,
      nowMs: live.nowMs,
      nextAtMs: live.nextAtMs(),
      records: live.records.length,
      scenarioDone: live.scenarioDone,
      interventions: [...live.interventions],
      rooms: Object.fromEntries([...live.run.rooms].sort(([a], [b]) => (a < b ? -1 : 1))),
    };
  }

  /** The run as it is (tests; the page gets records through post). */
  get run(): LiveRun {
    return this.need();
  }

  /**
   * Make the run stand after step `atStep`: when that is behind the head, re-make it from
   * the recipe with the interventions up to there, and tell the page to forget the rest.
   */
  private rewindTo(atStep: number): LiveRun {
    const live = this.need();
    if (atStep >= live.steps) return live;
    const again = this.makeRun(live.interventions.filter((i) => i.afterStep <= atStep));
    again.advanceToStep(atStep);
    this.live = again;
    this.truncateTo = again.records.length;
    this.sentRecords = again.records.length;
    this.sentSteps = again.stepEnds.length;
    return again;
  }

  private makeRun(interventions: readonly Intervention[]): LiveRun {
    const r = this.recipe!;
    return new LiveRun(r.scenario, {
      seed: r.seed,
      interventions,
      crypto: this.crypto,
      ...(r.roomVersion ? { roomVersion: r.roomVersion } : {}),
    });
  }

  private need(): LiveRun {
    if (!this.live) throw new Error("no run loaded");
    return this.live;
  }

  /**
   * Post what the page has not seen yet, at most RECORDS_PER_MESSAGE records a message:
   * the page takes each message in a task of its own (copying the records out and folding
   * them into its model), and one message of a busy stretch of thirty servers was a task
   * of over 50 ms. The step ends go with the last message, once every record they count
   * has been sent.
   */
  private flush(): void {
    const live = this.need();
    const records = live.records.slice(this.sentRecords);
    const stepEnds = live.stepEnds.slice(this.sentSteps);
    if (records.length === 0 && stepEnds.length === 0 && this.truncateTo === undefined) return;
    const head = this.head();
    for (let from = 0; from === 0 || from < records.length; from += RECORDS_PER_MESSAGE) {
      const last = from + RECORDS_PER_MESSAGE >= records.length;
      this.post({
        type: "records",
        ...(this.truncateTo !== undefined ? { truncateTo: this.truncateTo } : {}),
        records: records.slice(from, from + RECORDS_PER_MESSAGE),
        stepEnds: last ? stepEnds : [],
        firstStep: this.sentSteps,
        head,
      });
      this.truncateTo = undefined;
    }
    this.sentRecords = live.records.length;
    this.sentSteps = live.stepEnds.length;
  }
}

/** Who the scenario set up to misbehave, and whose clock it skewed (a clock-ahead adversary counts as both). */
export function misfitsOf(scenario: Scenario): { adversarial: string[]; skewed: Record<string, number> } {
  const adversarial: string[] = [];
  const skewed: Record<string, number> = {};
  for (const s of [...scenario.servers].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (s.adversary) adversarial.push(s.name);
    const offset = (s.skew?.offsetMs ?? 0) + (s.adversary?.kind === "clock-ahead" ? s.adversary.offsetMs : 0);
    if (offset !== 0 || (s.skew?.driftPpm ?? 0) !== 0) skewed[s.name] = offset;
  }
  return { adversarial, skewed };
}
