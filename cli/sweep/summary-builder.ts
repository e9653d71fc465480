// A sweep's summary built one line at a time, in seed order, so that merging millions of
// seeds keeps only what the summary shows (the times to converge, for percentiles, in a
// typed array; the failing seeds) rather than every line. Gives what summarise() gives.

import { percentile, type SweepSummary } from "./summary.ts";
import { sweepKind, type SweepLine } from "./sweep-line.ts";

export class SummaryBuilder {
  private kind: string | null = null;
  private first: number | undefined;
  private last: number | undefined;
  private seeds = 0;
  private converged = 0;
  private passed = 0;
  private readonly missing: number[] = [];
  private readonly failedSeeds: number[] = [];
  private readonly crashedSeeds: number[] = [];
  private readonly nondeterministicSeeds: number[] = [];
  private readonly failedChecks: Record<string, number> = {};
  private times = new Float64Array(1024);
  private timeCount = 0;

  /** The next line; seeds must come in strictly increasing order. */
  add(line: SweepLine): void {
    if (this.last !== undefined && line.seed <= this.last)
      throw new Error(`SummaryBuilder: seed ${line.seed} after ${this.last}`);
    if (this.last !== undefined) for (let s = this.last + 1; s < line.seed; s++) this.missing.push(s);
    this.first ??= line.seed;
    this.last = line.seed;
    this.kind ??= sweepKind(line);
    this.seeds++;
    if (line.converged) {
      this.converged++;
      if (line.timeToConvergeMs !== null) this.addTime(line.timeToConvergeMs);
    }
    if (line.passed) this.passed++;
    else this.failedSeeds.push(line.seed);
    if (line.outcome === "crashed") this.crashedSeeds.push(line.seed);
    if (line.firstDifference) this.nondeterministicSeeds.push(line.seed);
    for (const name of line.failed) this.failedChecks[name] = (this.failedChecks[name] ?? 0) + 1;
  }

  private addTime(ms: number): void {
    if (this.timeCount === this.times.length) {
      const grown = new Float64Array(this.times.length * 2);
      grown.set(this.times);
      this.times = grown;
    }
    this.times[this.timeCount++] = ms;
  }

  /** The summary over the range from the first seed to the last (gaps are `missing`). */
  summary(): SweepSummary {
    const times = this.times.subarray(0, this.timeCount).sort();
    const at = (p: number) => percentile(times, p);
    return {
      kind: this.kind,
      seeds: this.seeds,
      range: this.first === undefined ? null : { first: this.first, last: this.last! },
      missing: this.missing,
      converged: this.converged,
      convergenceRate: this.seeds > 0 ? this.converged / this.seeds : 0,
      passed: this.passed,
      failedSeeds: this.failedSeeds,
      crashedSeeds: this.crashedSeeds,
      nondeterministicSeeds: this.nondeterministicSeeds,
      failedChecks: this.failedChecks,
      timeToConvergeMs:
        this.timeCount > 0 ? { p50: at(50), p95: at(95), p99: at(99), max: times[this.timeCount - 1]! } : null,
    };
  }
}
