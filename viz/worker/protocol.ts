// The messages between the page and the engine's Web Worker. Requests carry an id and
// get exactly one reply with that id ("ok" with a head, or "error"); trace records
// stream separately, in order, as "records" messages, each with the head it reached.

import type { Intervention } from "../../scenarios/runner/run.ts";
import type { Annotation, TimelineAction } from "../../scenarios/runner/types.ts";
import type { TraceRecord } from "../../sim/trace.ts";
import type { ExplainRequest, ExplainResult } from "../engine/explain.ts";

/** Which scenario to run: a shipped one by name, or a JSON scenario (docs/scenarios.md). */
export type ScenarioSource = { name: string } | { json: unknown };

export type Advance =
  /** Run until the next step would be after this virtual time. */
  | { untilMs: number }
  /** Run this many steps. */
  | { steps: number }
  /** Run until the scenario's end — or, after it, until the network is quiet (at most FREE_PLAY_HORIZON_MS on). */
  | { toEnd: true; /** Filled in by the engine: the horizon of free play. */ untilMs?: number }
  /** Run until the step count reaches this (a permalink's cursor). */
  | { toStep: number }
  /** Run until the trace holds this many records (re-running a trace file). */
  | { toRecords: number };

export type ToWorker = { id: number } & (
  | { type: "load"; source: ScenarioSource; seed: string; interventions: Intervention[]; roomVersion?: string }
  | { type: "advance"; advance: Advance }
  /** Act after step `atStep` (earlier than the run's head: the run is re-made up to there first). */
  | { type: "intervene"; atStep: number; action: TimelineAction }
  | { type: "fork"; atStep: number; seed: string }
  | { type: "explain"; atStep: number; request: ExplainRequest }
  /** Stop the advance in progress (its reply comes as usual). */
  | { type: "stop" }
);

/** What the page knows about the engine's run. */
export interface Head {
  steps: number;
  nowMs: number;
  /** Virtual time of the next step; null: nothing left to do. */
  nextAtMs: number | null;
  records: number;
  scenarioDone: boolean;
  interventions: Intervention[];
  /** Room labels of the scenario → room ids. */
  rooms: Record<string, string>;
}

export interface RunInfo {
  scenario: string;
  description: string;
  seed: string;
  roomVersion: string;
  servers: string[];
  users: string[];
  annotations: Annotation[];
  /** Servers the scenario set up to misbehave (marked on the page; the verdict leaves them out). */
  adversarial: string[];
  /** server → its clock's constant offset in ms, for servers whose clock is skewed. */
  skewed: Record<string, number>;
  /** Whether the scenario injects faults (cuts, crashes, link changes, a swarm): else its first phase is no "chaos". */
  faults: boolean;
  /** Every shipped scenario, for the picker. */
  scenarios: Array<{ name: string; description: string }>;
}

export type FromWorker =
  | {
      type: "records";
      /** Forget the page's records from here on first (a re-made run). */ truncateTo?: number;
      records: TraceRecord[];
      /** Record counts after each new step, from step `firstStep`. */ stepEnds: number[];
      firstStep: number;
      head: Head;
    }
  | { type: "ok"; id: number; head: Head; info?: RunInfo; explained?: ExplainResult }
  | { type: "error"; id: number; message: string };
