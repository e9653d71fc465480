// An experiment file (docs/experiments.md): a base world, its traffic, an optional
// partition, a grid of named parameters, seeds per cell, warm-up, horizon and sampling,
// plots, and an `expect` block. A string "$name" anywhere in `world`, `traffic` or
// `partition` stands for grid parameter `name`: each cell substitutes its values, and
// the scenario it builds (build-scenario.ts) is validated like any JSON scenario.

import type { FederationParams, PartitionSpec, TraceRetention, TrafficSpec } from "../../sim/index.ts";
import { TRACE_RETENTIONS } from "../../sim/index.ts";
import {
  array,
  dictionary,
  either,
  fail,
  JsonPathError,
  nonEmptyString,
  number,
  object,
  oneOf,
  optional,
  string,
  type Validator,
} from "../runner/json-validators.ts";
import { ScenarioError } from "../runner/scenario-error.ts";
import { parseFormula } from "./formula.ts";
import { METRIC_NAMES, type MetricName } from "./metric-names.ts";

export type GridValue = number | string;

/** The world every cell starts from. Numbers may be "$param" in the file. */
export interface WorldSpec {
  /** Servers hs1…hsN, each with usersPerServer users (@u1:hsK…); hs1's @u1 creates the room, the others join. */
  servers: number;
  usersPerServer?: number;
  roomVersion?: string;
  /** Every link: one-way latency (mean, uniform jitter either side, floor), loss. */
  latencyMsMean?: number;
  jitterMs?: number;
  latencyMsMin?: number;
  loss?: number;
  params?: Partial<FederationParams>;
  signing?: boolean;
  /** Time for the room to be created and joined before traffic starts (default 10 s). */
  setupMs?: number;
}

/** A partition put up at atMs and repaired forMs later; the run's convergence is timed from the repair. */
export type PartitionWindow = PartitionSpec & { atMs: number; forMs: number };

export interface PlotSpec {
  /** width: width over time, one line per cell (mean over seeds) with a band from the lowest to the highest seed. */
  kind: "width" | "metric";
  /** The file name (without .svg). */
  name: string;
  title?: string;
  /** width: which series (default union). */
  series?: "union" | "serverMean" | "serverMax";
  /** metric: the parameter on the x axis, the metric on y, one line per value of `by`. */
  x?: string;
  y?: MetricName;
  by?: string;
  /** metric: a formula of the cell's parameters drawn over the points (dashed). */
  formula?: string;
  /** Only cells whose parameters have these values. */
  where?: Record<string, GridValue>;
  logX?: boolean;
}

export interface ExpectSpec {
  metric: MetricName;
  /** What the mean over seeds should be, from the cell's parameters. */
  formula: string;
  /** Allowed distance in standard errors of the mean (default 3)... */
  toleranceSE?: number;
  /** ...plus this absolute slack (default 0). */
  toleranceAbs?: number;
  where?: Record<string, GridValue>;
}

export interface ExperimentSpec {
  name: string;
  description: string;
  world: WorldSpec;
  traffic: TrafficSpec[];
  partition?: PartitionWindow;
  grid: Record<string, GridValue[]>;
  seeds: number;
  /** Samples before this do not count in the means (the room forms, the width settles). */
  warmupMs: number;
  /** Traffic stops and the network heals here (or at the partition's repair); then the run converges. */
  horizonMs: number;
  sampleEveryMs: number;
  convergenceBudgetMs?: number;
  /** What each run's trace keeps (default hash-only: the hash is in each line, the records are not). */
  traceRetention?: TraceRetention;
  plots?: PlotSpec[];
  expect?: ExpectSpec[];
  /** Smaller sizes for tests (`--quick`): these fields replace the ones above. */
  quick?: Partial<Pick<ExperimentSpec, "grid" | "seeds" | "warmupMs" | "horizonMs" | "sampleEveryMs">>;
}

/** Limits, so that a mistaken file fails at once. */
export const EXPERIMENT_LIMITS = { cellsMax: 10_000, seedsMax: 100_000, samplesMax: 1_000_000 } as const;

const ms = number({ min: 0, max: 1e12, integer: true });
const positiveMs = number({ min: 1, max: 1e12, integer: true });
const gridValue: Validator<GridValue> = either(number(), string, "a number or a string");
/** Any JSON value: world, traffic and partition are checked per cell, after substitution. */
const anyJson: Validator<unknown> = (v) => v;
const where = optional(dictionary(gridValue));
const metric = oneOf(METRIC_NAMES, "metric");

const plot = object<PlotSpec>({
  kind: oneOf(["width", "metric"] as const, "plot kind"),
  name: nonEmptyString,
  title: optional(string),
  series: optional(oneOf(["union", "serverMean", "serverMax"] as const, "width series")),
  x: optional(string),
  y: optional(metric),
  by: optional(string),
  formula: optional(string),
  where,
  logX: optional((v, path) => (typeof v === "boolean" ? v : fail(path, "must be true or false"))),
});

const expectation = object<ExpectSpec>({
  metric,
  formula: string,
  toleranceSE: optional(number({ min: 0 })),
  toleranceAbs: optional(number({ min: 0 })),
  where,
});

const grid = dictionary(array(gridValue, { minLength: 1 }));

const shape = object<ExperimentSpec>({
  name: nonEmptyString,
  description: string,
  world: anyJson as Validator<WorldSpec>,
  traffic: array(anyJson) as Validator<TrafficSpec[]>,
  partition: optional(anyJson as Validator<PartitionWindow>),
  grid,
  seeds: number({ integer: true, min: 1, max: EXPERIMENT_LIMITS.seedsMax }),
  warmupMs: ms,
  horizonMs: positiveMs,
  sampleEveryMs: positiveMs,
  convergenceBudgetMs: optional(positiveMs),
  traceRetention: optional(oneOf(TRACE_RETENTIONS, "trace retention")),
  plots: optional(array(plot)),
  expect: optional(array(expectation)),
  quick: optional(
    object<NonNullable<ExperimentSpec["quick"]>>({
      grid: optional(grid),
      seeds: optional(number({ integer: true, min: 1, max: EXPERIMENT_LIMITS.seedsMax })),
      warmupMs: optional(ms),
      horizonMs: optional(positiveMs),
      sampleEveryMs: optional(positiveMs),
    }),
  ),
});

/** Validate an experiment file's shape and the names its formulas, plots and `where`s use. */
export function parseExperiment(value: unknown, source: string, options: { quick?: boolean } = {}): ExperimentSpec {
  try {
    const parsed = shape(value, "$");
    const spec = options.quick && parsed.quick ? { ...parsed, ...parsed.quick } : parsed;
    checkNames(spec);
    return spec;
  } catch (e) {
    if (e instanceof JsonPathError) throw new ScenarioError(source, e.path, e.problem);
    throw e;
  }
}

function checkNames(spec: ExperimentSpec): void {
  const params = Object.keys(spec.grid);
  if (spec.warmupMs >= spec.horizonMs) fail("$.warmupMs", "must be before horizonMs");
  if (spec.horizonMs / spec.sampleEveryMs > EXPERIMENT_LIMITS.samplesMax)
    fail("$.sampleEveryMs", `more than ${EXPERIMENT_LIMITS.samplesMax} samples per run`);
  if (cellCount(spec.grid) > EXPERIMENT_LIMITS.cellsMax)
    fail("$.grid", `${cellCount(spec.grid)} cells; at most ${EXPERIMENT_LIMITS.cellsMax}`);
  const used = new Set<string>();
  collectParams({ world: spec.world, traffic: spec.traffic, partition: spec.partition }, used);
  for (const name of [...used].sort())
    if (!params.includes(name)) fail("$.grid", `"$${name}" is used but the grid has no parameter ${name}`);
  const formula = (text: string, path: string) => {
    try {
      parseFormula(text, params);
    } catch (e) {
      fail(path, (e as Error).message);
    }
  };
  const whereNames = (w: Record<string, GridValue> | undefined, path: string) => {
    for (const k of Object.keys(w ?? {})) if (!params.includes(k)) fail(`${path}.where`, `no grid parameter ${k}`);
  };
  (spec.expect ?? []).forEach((x, i) => {
    formula(x.formula, `$.expect[${i}].formula`);
    whereNames(x.where, `$.expect[${i}]`);
  });
  (spec.plots ?? []).forEach((p, i) => {
    const path = `$.plots[${i}]`;
    whereNames(p.where, path);
    if (p.kind === "metric") {
      if (!p.x || !params.includes(p.x)) fail(`${path}.x`, `must name a grid parameter (${params.join(", ")})`);
      if (!p.y) fail(`${path}.y`, "a metric plot needs a metric");
      if (p.by !== undefined && !params.includes(p.by)) fail(`${path}.by`, `no grid parameter ${p.by}`);
      if (p.formula !== undefined) formula(p.formula, `${path}.formula`);
    }
  });
}

/** Every "$name" string inside a JSON value. */
function collectParams(v: unknown, into: Set<string>): void {
  if (typeof v === "string" && v.startsWith("$")) into.add(v.slice(1));
  else if (Array.isArray(v)) for (const x of v) collectParams(x, into);
  else if (v !== null && typeof v === "object") for (const x of Object.values(v)) collectParams(x, into);
}

/** A JSON value with every "$name" replaced by the cell's value. */
export function substitute<T>(v: T, cell: Readonly<Record<string, GridValue>>): T {
  if (typeof v === "string" && v.startsWith("$") && v.slice(1) in cell) return cell[v.slice(1)] as T;
  if (Array.isArray(v)) return v.map((x) => substitute(x, cell)) as T;
  if (v !== null && typeof v === "object")
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, substitute(x, cell)])) as T;
  return v;
}

export function cellCount(grid: Record<string, GridValue[]>): number {
  return Object.values(grid).reduce((n, values) => n * values.length, 1);
}

/** The cells of the grid: the cartesian product in the order the file lists the parameters, the last fastest. */
export function cellsOf(grid: Record<string, GridValue[]>): Array<Record<string, GridValue>> {
  let cells: Array<Record<string, GridValue>> = [{}];
  for (const [name, values] of Object.entries(grid))
    cells = cells.flatMap((c) => values.map((value) => ({ ...c, [name]: value })));
  return cells;
}

/** Whether a cell matches a `where` filter. */
export function matches(cell: Readonly<Record<string, GridValue>>, w: Record<string, GridValue> | undefined): boolean {
  return Object.entries(w ?? {}).every(([k, v]) => cell[k] === v);
}

/** The numeric parameters of a cell, for formulas. */
export function numericVars(cell: Readonly<Record<string, GridValue>>): Record<string, number> {
  return Object.fromEntries(Object.entries(cell).filter((e): e is [string, number] => typeof e[1] === "number"));
}
