// How many cases each fuzz target tries: a small seeded slice in `npm test` (seconds), many
// more in `npm run fuzz` (FUZZ_RUNS). The seed is fixed unless FUZZ_SEED is set, and
// fast-check prints the seed and path of any failure, so each is replayable:
//   FUZZ_SEED=<seed> FUZZ_RUNS=<n> npx vitest run test/fuzz
export function fuzzRuns(slice: number): number {
  const runs = Number(process.env.FUZZ_RUNS);
  return Number.isSafeInteger(runs) && runs > 0 ? Math.max(slice, Math.round((runs * slice) / 20)) : slice;
}

export function fuzzSeed(fixed: number): number {
  const seed = Number(process.env.FUZZ_SEED);
  return Number.isSafeInteger(seed) ? seed : fixed;
}

/** The contract of a command-line answer: 0/1 with a report on stdout, or 2 and one line; never a stack trace. */
export function contractBroken(r: { status: number; stdout: string; stderr: string }): string | undefined {
  if (/\n\s+at .+:\d+:\d+\)?/.test(r.stderr) || /\n\s+at .+:\d+:\d+\)?/.test(r.stdout))
    return `a stack trace (exit ${r.status}):\n${r.stderr}`;
  if (r.status === 2)
    return /^[^\n]+\n$/.test(r.stderr) ? undefined : `exit 2 without exactly one line on stderr:\n${r.stderr}`;
  if (r.status === 0 || r.status === 1)
    return r.stdout.length > 0 || r.stderr.length > 0 ? undefined : `exit ${r.status} with no report`;
  return `exit ${r.status}`;
}

/**
 * How the cases of one fuzz target ended (exit codes, Matrix errors), printed at its end in
 * `npm run fuzz` (FUZZ_RUNS set) so a run says what it tried; quiet in `npm test`.
 */
export class Tally {
  private readonly counts = new Map<string, number>();

  add(outcome: string): void {
    this.counts.set(outcome, (this.counts.get(outcome) ?? 0) + 1);
  }

  print(target: string): void {
    if (!process.env.FUZZ_RUNS) return;
    const total = [...this.counts.values()].reduce((a, b) => a + b, 0);
    const parts = [...this.counts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, n]) => `${k} ×${n}`);
    console.log(`fuzz ${target}: ${total} cases (${parts.join(", ")})`);
  }
}
