// --check-determinism: run the same seed twice in one process and compare the traces
// record by record. Two runs of one seed must be identical; the first record where they
// are not is where some state leaked between runs or something unseeded crept in.

import { canonicalJson } from "../core/index.ts";
import { ScenarioRun, type RunOptions, type RunReport } from "../scenarios/runner/run.ts";
import type { Scenario } from "../scenarios/runner/types.ts";
import type { TraceRecord } from "../sim/index.ts";

export interface TraceDifference {
  /** Index (seq) of the first record that differs. */
  index: number;
  /** That record in each run (null when that run's trace had already ended). */
  first: TraceRecord | null;
  second: TraceRecord | null;
}

/** The first record where two traces differ, or null when they are the same. */
export function firstTraceDifference(a: readonly TraceRecord[], b: readonly TraceRecord[]): TraceDifference | null {
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined || y === undefined || canonicalJson(x) !== canonicalJson(y))
      return { index: i, first: x ?? null, second: y ?? null };
  }
  return null;
}

export interface Run {
  report: RunReport;
  /** Every record, or null when the run kept none (`traceRetention` hash-only or none). */
  trace: readonly TraceRecord[] | null;
}

export function runWithTrace(scenario: Scenario, options: RunOptions): Run {
  const run = new ScenarioRun(scenario, options);
  const report = run.runToEnd();
  const trace = run.world.trace;
  return { report, trace: trace.retention === "full" ? trace.all() : null };
}

/** Run twice, keeping the full trace; the first run's report and trace, and where the second run differed. */
export function runTwice(
  scenario: Scenario,
  options: RunOptions,
): { report: RunReport; trace: readonly TraceRecord[]; difference: TraceDifference | null } {
  const full = { ...options, traceRetention: "full" as const };
  const first = runWithTrace(scenario, full);
  const second = runWithTrace(scenario, full);
  const [a, b] = [first.trace!, second.trace!];
  const difference = first.report.traceHash === second.report.traceHash ? null : firstTraceDifference(a, b);
  return { report: first.report, trace: a, difference };
}

export function describeDifference(d: TraceDifference): string {
  const show = (r: TraceRecord | null) => (r === null ? "(the trace had ended)" : canonicalJson(r));
  return `the two runs differ from trace record ${d.index}:\n  first:  ${show(d.first)}\n  second: ${show(d.second)}`;
}
