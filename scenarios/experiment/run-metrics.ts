// One run of an experiment (a cell and a seed): build the cell's scenario, run it with
// the metrics observer, and reduce what it saw to one line of figures. The line holds
// nothing of the machine (no wall-clock time), so the same cell and seed give the same
// line whatever the number of workers or shards.

import type { CryptoBackend, RoomId } from "../../core/index.ts";
import { ScenarioRun } from "../runner/run.ts";
import { buildCellScenario, EXPERIMENT_ROOM } from "./build-scenario.ts";
import type { MetricName } from "./metric-names.ts";
import { MetricsObserver, type WidthSeries } from "./metrics.ts";
import type { ExperimentSpec, GridValue } from "./spec.ts";

export interface ExperimentLine {
  experiment: string;
  /** Index of the cell in the grid's order, and its parameters. */
  cell: number;
  params: Record<string, GridValue>;
  seed: number;
  outcome: string;
  /** null: the run has none (it did not converge, or never reached width 1). */
  metrics: Record<MetricName, number | null>;
  /** Width over time (every sampleEveryMs up to the horizon). */
  width: WidthSeries;
  traceHash: string;
  steps: number;
}

export function runExperimentCell(
  spec: ExperimentSpec,
  cellIndex: number,
  params: Record<string, GridValue>,
  seed: number,
  crypto?: CryptoBackend,
): ExperimentLine {
  const built = buildCellScenario(spec, params);
  const run = new ScenarioRun(built.scenario, {
    seed,
    ...(crypto ? { crypto } : {}),
    traceRetention: spec.traceRetention ?? "hash-only",
  });
  const observer = new MetricsObserver(run.world, {
    everyMs: spec.sampleEveryMs,
    roomId: (): RoomId | undefined => run.rooms.get(EXPERIMENT_ROOM),
  });
  observer.markHeal(built.healAtMs);
  const sim = run.world.sim;
  // Sampled between steps, up to the horizon; the run then goes on to converge.
  for (;;) {
    const next = sim.scheduler.peek();
    observer.beforeStep(Math.min(next ? next.atMs : Infinity, spec.horizonMs + 1));
    if (!run.step()) break;
  }
  const report = run.report();
  const m = observer.finish(spec.horizonMs);
  const after = (values: number[]) => values.filter((_, i) => m.width.atMs[i]! >= spec.warmupMs);
  const mean = (xs: number[]) => (xs.length ? round3(xs.reduce((a, b) => a + b, 0) / xs.length) : null);
  const max = (xs: number[]) => (xs.length ? xs.reduce((a, b) => Math.max(a, b)) : null);
  return {
    experiment: spec.name,
    cell: cellIndex,
    params,
    seed,
    outcome: report.outcome,
    metrics: {
      unionWidthMean: mean(after(m.width.union)),
      unionWidthMax: max(after(m.width.union)),
      serverWidthMean: mean(after(m.width.serverMean)),
      serverWidthMax: max(after(m.width.serverMax)),
      prevEventsMean: m.prevEventsMean,
      eventsCreated: m.eventsCreated,
      dummyEvents: m.dummyEvents,
      latencyMsMean: m.latencyMs.mean,
      latencyMsP95: m.latencyMs.p95,
      getMissingEvents: m.getMissingEvents,
      stateIds: m.stateIds,
      messagesSent: m.messagesSent,
      pduBytesSent: m.pduBytesSent,
      converged: report.converged ? 1 : 0,
      timeToConvergeMs: report.timeToConvergeMs,
      widthOneAfterHealMs: m.widthOneAfterHealMs,
    },
    width: m.width,
    traceHash: report.traceHash,
    steps: report.steps,
  };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
