// What the runs of each cell add up to: per metric the mean over seeds, its standard
// error, the median, the 95th percentile and the largest; the CSV of those; and the
// `expect` block's verdict per cell. Pure functions of the lines, so a merged set of
// shards summarises exactly as a single run would.

import { parseFormula } from "./formula.ts";
import { METRIC_NAMES, type MetricName } from "./metric-names.ts";
import type { ExperimentLine } from "./run-metrics.ts";
import { cellsOf, matches, numericVars, type ExperimentSpec, type GridValue } from "./spec.ts";

export interface Stats {
  /** Runs that have a value (a run that never converged has no time to converge). */
  n: number;
  mean: number;
  /** Standard error of the mean: sample standard deviation / √n (0 with one run). */
  se: number;
  p50: number;
  p95: number;
  max: number;
}

export interface CellSummary {
  cell: number;
  params: Record<string, GridValue>;
  seeds: number;
  metrics: Partial<Record<MetricName, Stats>>;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export function stats(values: readonly number[]): Stats | undefined {
  if (values.length === 0) return undefined;
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? values.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1) : 0;
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n,
    mean,
    se: Math.sqrt(variance / n),
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    max: sorted[n - 1]!,
  };
}

/** One summary per cell of the grid that has lines, in the grid's order. */
export function summariseCells(spec: ExperimentSpec, lines: readonly ExperimentLine[]): CellSummary[] {
  const byCell = new Map<number, ExperimentLine[]>();
  for (const l of lines) byCell.set(l.cell, [...(byCell.get(l.cell) ?? []), l]);
  return cellsOf(spec.grid).flatMap((params, cell) => {
    const runs = byCell.get(cell);
    if (!runs) return [];
    const metrics: CellSummary["metrics"] = {};
    for (const name of METRIC_NAMES) {
      const s = stats(runs.map((r) => r.metrics[name]).filter((v): v is number => v !== null));
      if (s) metrics[name] = s;
    }
    return [{ cell, params, seeds: runs.length, metrics }];
  });
}

const STAT_COLUMNS = ["n", "mean", "se", "p50", "p95", "max"] as const;

/** The summary as CSV: a row per cell, its parameters, then n/mean/se/p50/p95/max of every metric. */
export function summaryCsv(spec: ExperimentSpec, cells: readonly CellSummary[]): string {
  const params = Object.keys(spec.grid);
  const header = ["cell", ...params, "seeds", ...METRIC_NAMES.flatMap((m) => STAT_COLUMNS.map((s) => `${m}_${s}`))];
  const rows = cells.map((c) => [
    String(c.cell),
    ...params.map((p) => csvField(String(c.params[p]))),
    String(c.seeds),
    ...METRIC_NAMES.flatMap((m) => STAT_COLUMNS.map((s) => (c.metrics[m] ? formatNumber(c.metrics[m]![s]) : ""))),
  ]);
  return [header, ...rows].map((r) => r.join(",")).join("\n") + "\n";
}

export interface ExpectVerdict {
  cell: number;
  params: Record<string, GridValue>;
  metric: MetricName;
  expected: number;
  mean: number;
  se: number;
  /** |mean − expected| in standard errors (Infinity when se is 0 and they differ). */
  distanceSE: number;
  ok: boolean;
}

/** Every cell the `expect` block covers, with whether its mean is within tolerance of the formula. */
export function checkExpectations(spec: ExperimentSpec, cells: readonly CellSummary[]): ExpectVerdict[] {
  const names = Object.keys(spec.grid);
  return (spec.expect ?? []).flatMap((x) => {
    const f = parseFormula(x.formula, names);
    return cells
      .filter((c) => matches(c.params, x.where))
      .map((c) => {
        const s = c.metrics[x.metric];
        const expected = f(numericVars(c.params));
        const mean = s?.mean ?? Number.NaN;
        const se = s?.se ?? 0;
        const diff = Math.abs(mean - expected);
        const distanceSE = se > 0 ? diff / se : diff === 0 ? 0 : Infinity;
        const ok = diff <= (x.toleranceSE ?? 3) * se + (x.toleranceAbs ?? 0);
        return { cell: c.cell, params: c.params, metric: x.metric, expected, mean, se, distanceSE, ok };
      });
  });
}

export function formatNumber(x: number): string {
  if (Number.isInteger(x)) return String(x);
  const t = x.toPrecision(6);
  return t.includes(".") && !t.includes("e") ? t.replace(/0+$/, "").replace(/\.$/, "") : t;
}

function csvField(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
