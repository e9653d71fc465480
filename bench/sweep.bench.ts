// Sweep throughput: `netsplit sweep netsplit-heal` as a user runs it — the real command in
// a process of its own (prebuilt workers, single-threaded GC), on 1 and 2 worker threads:
// seeds per wall-clock second, the speed-up with issue 12's goal beside it, and CPU
// seconds per seed (all the processes' threads). Start-up is in the figures, as it is for
// a user. Each worker warms up V8's compiler on its own (about 1.5 CPU s: its first seeds
// run slower than later ones), so 2 workers pay that twice, and the shorter the sweep the
// bigger its share: the bench runs a short sweep (48 seeds) and a longer one (240), the
// size researchers sweep at being thousands; from the two it also works out the speed-up
// once warm (the seeds the longer sweep has beyond the shorter). On a shared machine the
// wall clock shows the neighbours (the load is printed with the table): compare CPU s per
// seed there. Each speed-up is a ratio of two sweeps run one after the other, taken in
// several rounds (BENCH_SWEEP_ROUNDS, 3) whose median is the figure. Beside it, the
// reference the goal is held against: two separate `netsplit sweep` processes of one
// worker each, each given half the seeds, run at once (what this machine gives two
// independent runs of the same work).

import { availableParallelism } from "node:os";
import { build, isFresh } from "../cli/prebuilt.js";
import { machineLoad, runNetsplit, runNetsplitTogether, spread, type ProcessRun } from "./process-run.ts";

const SCENARIO = "netsplit-heal";
/** Sweep sizes, e.g. BENCH_SWEEP_SEEDS=8 for a quick look. */
const SWEEP_SIZES = (process.env.BENCH_SWEEP_SEEDS ?? "48,240").split(",").map(Number);
/**
 * Rounds, each running every sweep once (BENCH_SWEEP_ROUNDS): a speed-up is a ratio of two
 * sweeps run one after the other, and on a shared machine one pair can catch a change of
 * speed between them; the median over rounds cannot be moved by one such pair.
 */
const ROUNDS = positiveInteger(process.env.BENCH_SWEEP_ROUNDS ?? "3", "BENCH_SWEEP_ROUNDS");
const WORKER_COUNTS = [1, 2];
const GOAL_SPEED_UP = 1.8;
/** The reference row's key: two processes of one worker each, half the seeds each, at once. */
const TWO_PROCESSES = 0;

export async function runSweepBench(): Promise<void> {
  if (!isFresh()) await build();
  /** Runs by sweep size and worker count, one per round. */
  const runs = new Map<string, ProcessRun[]>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const seeds of SWEEP_SIZES) {
      // Alternate which goes first, so that neither always follows the other's warm machine.
      const order = round % 2 === 0 ? WORKER_COUNTS : [...WORKER_COUNTS].reverse();
      for (const workers of order) {
        const run = runNetsplit(["sweep", SCENARIO, "--seeds", `1..${seeds}`, "--workers", String(workers), "--json"]);
        const key = `${seeds}/${workers}`;
        runs.set(key, [...(runs.get(key) ?? []), run]);
      }
      // The machine's own limit for two at once: two separate processes of one worker each,
      // each sweeping half the seeds, nothing shared but the machine.
      const half = Math.ceil(seeds / 2);
      const pair = await runNetsplitTogether([
        ["sweep", SCENARIO, "--seeds", `1..${half}`, "--workers", "1", "--json"],
        ["sweep", SCENARIO, "--seeds", `${half + 1}..${seeds}`, "--workers", "1", "--json"],
      ]);
      runs.set(`${seeds}/${TWO_PROCESSES}`, [...(runs.get(`${seeds}/${TWO_PROCESSES}`) ?? []), pair]);
    }
  }
  const rows: Array<Record<string, string>> = [];
  for (const seeds of SWEEP_SIZES) {
    const single = runs.get(`${seeds}/1`)!;
    for (const workers of [...WORKER_COUNTS, TWO_PROCESSES]) {
      const these = runs.get(`${seeds}/${workers}`)!;
      // Each round's speed-up compares two sweeps run one after the other.
      const speedUps = these.map((run, i) => single[i]!.wallS / run.wallS);
      const speedUp = spread(speedUps);
      const cpu = these.map((r) => r.cpuS).filter((c): c is number => c !== null);
      const peaks = these.map((r) => r.peakRssBytes).filter((p): p is number => p !== null);
      rows.push({
        seeds: String(seeds),
        workers: workers === TWO_PROCESSES ? "2 processes × 1" : String(workers),
        "seeds/s (median)": (seeds / spread(these.map((r) => r.wallS)).median).toFixed(2),
        "speed-up median (rounds)":
          workers === 1 ? "1.00" : `${speedUp.median.toFixed(2)} (${speedUps.map((x) => x.toFixed(2)).join(", ")})`,
        goal:
          workers === 1
            ? ""
            : workers === TWO_PROCESSES
              ? "the machine's limit for two at once"
              : `≥ ${GOAL_SPEED_UP.toFixed(2)}: ${speedUp.median >= GOAL_SPEED_UP ? "met" : "NOT met"}`,
        "CPU s per seed": cpu.length === 0 ? "n/a" : (spread(cpu).median / seeds).toFixed(3),
        "peak MiB": peaks.length === 0 ? "n/a" : (spread(peaks).max / 1024 ** 2).toFixed(0),
      });
    }
  }
  console.log(
    `netsplit sweep ${SCENARIO} --seeds 1..N (signing on), the whole process; ${availableParallelism()} CPUs; ` +
      `${ROUNDS} round(s), each running every sweep once; ${machineLoad()} at the end`,
  );
  console.table(rows);
  const warm = warmSpeedUp(runs);
  if (warm !== undefined) console.log(warm);
  console.log(
    "The speed-up needs free CPUs: with a load near the CPU count or above it, read CPU s per seed (equal for 1 and 2 workers when nothing is wasted).",
  );
}

/**
 * The speed-up once the workers are warm: seeds per second over the seeds the largest sweep
 * has beyond the smallest (the difference of the two sweeps' wall times), on 1 and on 2
 * workers. Start-up and each worker's JIT warm-up are in both sweeps alike, so they cancel:
 * what is left is the rate a sweep of thousands of seeds runs at for most of its length.
 */
function warmSpeedUp(runs: ReadonlyMap<string, ProcessRun[]>): string | undefined {
  const sizes = [...SWEEP_SIZES].sort((a, b) => a - b);
  const small = sizes[0]!;
  const large = sizes[sizes.length - 1]!;
  if (small === large) return undefined;
  const rateOf = (workers: number, round: number): number =>
    (large - small) / (runs.get(`${large}/${workers}`)![round]!.wallS - runs.get(`${small}/${workers}`)![round]!.wallS);
  const rounds = Array.from({ length: ROUNDS }, (_, round) => {
    const [one, two] = WORKER_COUNTS.map((w) => rateOf(w, round)) as [number, number];
    return { one, two, speedUp: two / one };
  });
  const speedUp = spread(rounds.map((r) => r.speedUp)).median;
  return (
    `once warm (seeds ${small + 1}..${large}, the difference of the two sweeps of a round): ` +
    `${spread(rounds.map((r) => r.one)).median.toFixed(2)} seeds/s on 1 worker, ` +
    `${spread(rounds.map((r) => r.two)).median.toFixed(2)} on 2 (medians), speed-up median ${speedUp.toFixed(2)} ` +
    `(rounds ${rounds.map((r) => r.speedUp.toFixed(2)).join(", ")}; goal ≥ ${GOAL_SPEED_UP.toFixed(2)}: ` +
    `${speedUp >= GOAL_SPEED_UP ? "met" : "NOT met"}); the whole sweeps above also pay each worker's warm-up`
  );
}

function positiveInteger(text: string, name: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name}: ${JSON.stringify(text)} is not a positive integer`);
  return n;
}
