// One line of a sweep's results file: a compact summary of one seed's RunReport, with
// its keys always in the same order, so that the same seeds give the same bytes
// whatever the number of workers, the machine or the shard that ran them.

import type { Outcome, RunReport } from "../../scenarios/runner/run.ts";
import type { SwarmDraw } from "../../scenarios/runner/swarm.ts";
import type { TraceDifference } from "../determinism.ts";

export interface SweepLine {
  seed: number;
  scenario: string;
  roomVersion: string;
  signing: boolean;
  /** "crashed": the run threw (an engine bug); `error` says what. */
  outcome: Outcome | "crashed";
  converged: boolean;
  /** Every check held (and, with --check-determinism, the two runs were identical). */
  passed: boolean;
  /** Names of the checks that failed. */
  failed: string[];
  timeToConvergeMs: number | null;
  virtualTimeMs: number;
  traceHash: string | null;
  pdusSent: number;
  pdusDelivered: number;
  swarm: SwarmDraw | null;
  /** With --check-determinism: the first trace record where a second run differed (null: identical). */
  firstDifference?: TraceDifference | null;
  error?: string;
}

export interface LineContext {
  seed: number;
  signing: boolean;
  checkDeterminism: boolean;
}

export function lineOfReport(r: RunReport, ctx: LineContext, difference: TraceDifference | null): SweepLine {
  const failed = r.checks.filter((c) => !c.ok).map((c) => c.name);
  return {
    seed: ctx.seed,
    scenario: r.scenario,
    roomVersion: r.roomVersion,
    signing: ctx.signing,
    outcome: r.outcome,
    converged: r.converged,
    passed: r.passed && difference === null,
    failed,
    timeToConvergeMs: r.timeToConvergeMs,
    virtualTimeMs: r.virtualTimeMs,
    // Empty when the run kept no hash (--trace-retention none).
    traceHash: r.traceHash === "" ? null : r.traceHash,
    pdusSent: r.pdusSent,
    pdusDelivered: r.pdusDelivered,
    swarm: r.swarm,
    ...(ctx.checkDeterminism ? { firstDifference: difference } : {}),
  };
}

export function lineOfCrash(scenario: string, roomVersion: string, ctx: LineContext, error: unknown): SweepLine {
  return {
    seed: ctx.seed,
    scenario,
    roomVersion,
    signing: ctx.signing,
    outcome: "crashed",
    converged: false,
    passed: false,
    failed: [],
    timeToConvergeMs: null,
    virtualTimeMs: 0,
    traceHash: null,
    pdusSent: 0,
    pdusDelivered: 0,
    swarm: null,
    error: error instanceof Error ? error.message : String(error),
  };
}

export function formatLine(line: SweepLine): string {
  return JSON.stringify(line);
}

/** What two lines of one sweep must share: the same scenario, room version and signing. */
export function sweepKind(line: Pick<SweepLine, "scenario" | "roomVersion" | "signing">): string {
  return `${line.scenario} (room version ${line.roomVersion}, signing ${line.signing ? "on" : "off"})`;
}

/** Read a line back; a problem is returned as a message (the caller names the file and line). */
export function parseLine(text: string): SweepLine | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return `not valid JSON (${(e as Error).message})`;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "not a JSON object";
  const v = value as Record<string, unknown>;
  if (!Number.isSafeInteger(v.seed)) return "no integer seed";
  for (const key of ["scenario", "roomVersion", "outcome"]) if (typeof v[key] !== "string") return `no ${key}`;
  for (const key of ["signing", "converged", "passed"]) if (typeof v[key] !== "boolean") return `no ${key}`;
  if (!Array.isArray(v.failed)) return "no list of failed checks";
  return value as SweepLine;
}
