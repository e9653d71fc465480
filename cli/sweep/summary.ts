// What a sweep (or a merge of shards) found: how often the servers converged, how long
// that took (percentiles over the converged seeds), and which seeds failed, with the
// command that replays one.

import { formatDuration } from "../../scenarios/runner/run.ts";
import { formatRange, type SeedRange } from "./seed-range.ts";
import { sweepKind, type SweepLine } from "./sweep-line.ts";

export interface SweepSummary {
  /** "netsplit-heal (room version 11, signing on)"; null when there are no lines. */
  kind: string | null;
  seeds: number;
  /** The range the summary covers; seeds in it without a line are `missing`. */
  range: SeedRange | null;
  missing: number[];
  converged: number;
  convergenceRate: number;
  passed: number;
  failedSeeds: number[];
  crashedSeeds: number[];
  nondeterministicSeeds: number[];
  /** How many seeds failed each check, by check name. */
  failedChecks: Record<string, number>;
  /** Over the converged seeds; null when none converged. */
  timeToConvergeMs: { p50: number; p95: number; p99: number; max: number } | null;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function summarise(lines: readonly SweepLine[], range: SeedRange | null): SweepSummary {
  const bySeed = [...lines].sort((a, b) => a.seed - b.seed);
  const present = new Set(bySeed.map((l) => l.seed));
  const missing: number[] = [];
  if (range) for (let s = range.first; s <= range.last; s++) if (!present.has(s)) missing.push(s);
  const times = bySeed
    .filter((l) => l.converged && l.timeToConvergeMs !== null)
    .map((l) => l.timeToConvergeMs!)
    .sort((a, b) => a - b);
  const failedChecks: Record<string, number> = {};
  for (const l of bySeed) for (const name of l.failed) failedChecks[name] = (failedChecks[name] ?? 0) + 1;
  const converged = bySeed.filter((l) => l.converged).length;
  return {
    kind: bySeed.length > 0 ? sweepKind(bySeed[0]!) : null,
    seeds: bySeed.length,
    range,
    missing,
    converged,
    convergenceRate: bySeed.length > 0 ? converged / bySeed.length : 0,
    passed: bySeed.filter((l) => l.passed).length,
    failedSeeds: bySeed.filter((l) => !l.passed).map((l) => l.seed),
    crashedSeeds: bySeed.filter((l) => l.outcome === "crashed").map((l) => l.seed),
    nondeterministicSeeds: bySeed.filter((l) => l.firstDifference).map((l) => l.seed),
    failedChecks,
    timeToConvergeMs:
      times.length > 0
        ? {
            p50: percentile(times, 50),
            p95: percentile(times, 95),
            p99: percentile(times, 99),
            max: times[times.length - 1]!,
          }
        : null,
  };
}

const SEEDS_SHOWN_MAX = 20;

function seedList(seeds: readonly number[]): string {
  const shown = seeds.slice(0, SEEDS_SHOWN_MAX).join(", ");
  return seeds.length > SEEDS_SHOWN_MAX ? `${shown}, … (${seeds.length - SEEDS_SHOWN_MAX} more)` : shown;
}

/** The readable summary; `reproduce(seed)` is the command that replays one seed. */
export function formatSummary(s: SweepSummary, reproduce: (seed: number) => string): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const lines = [
    `${s.kind ?? "(no runs)"}: ${s.seeds} seed${s.seeds === 1 ? "" : "s"}${s.range ? ` of ${formatRange(s.range)}` : ""}`,
  ];
  if (s.missing.length > 0)
    lines.push(`  missing:     ${s.missing.length} seed(s) of the range have no line: ${seedList(s.missing)}`);
  lines.push(`  converged:   ${s.converged}/${s.seeds} (${pct(s.convergenceRate)})`);
  const t = s.timeToConvergeMs;
  if (t)
    lines.push(
      `  time to converge after the heal: p50 ${formatDuration(t.p50)}, p95 ${formatDuration(t.p95)}, p99 ${formatDuration(t.p99)}, max ${formatDuration(t.max)}`,
    );
  lines.push(`  passed:      ${s.passed}/${s.seeds}`);
  if (s.failedSeeds.length > 0) {
    lines.push(`  failed:      ${seedList(s.failedSeeds)}`);
    for (const [name, count] of Object.entries(s.failedChecks).sort(([a], [b]) => (a < b ? -1 : 1)))
      lines.push(`    ✗ ${name}: ${count} seed(s)`);
    if (s.crashedSeeds.length > 0) lines.push(`    ✗ the run crashed: ${seedList(s.crashedSeeds)}`);
    if (s.nondeterministicSeeds.length > 0)
      lines.push(`    ✗ a second run differed: ${seedList(s.nondeterministicSeeds)}`);
    lines.push(`  replay one:  ${reproduce(s.failedSeeds[0]!)}`);
  }
  return lines.join("\n");
}
