// Sweep throughput: `netsplit sweep netsplit-heal` as a user runs it — the real command in
// a process of its own (prebuilt workers, single-threaded GC), on 1 and 2 worker threads:
// seeds per wall-clock second, the speed-up with issue 12's goal beside it, and CPU
// seconds per seed (all the processes' threads). Start-up is in the figures, as it is for
// a user. Each worker warms up V8's compiler on its own (about 1.5 CPU s: its first seeds
// run slower than later ones), so 2 workers pay that twice, and the shorter the sweep the
// bigger its share: the bench runs a short sweep (48 seeds) and a longer one (240), the
// size researchers sweep at being thousands; from the two it also works out the speed-up
// once warm (the seeds the longer sweep has beyond the shorter). On a shared machine the
// wall clock shows the neighbours (the load is printed beside it): compare CPU s per seed
// there.

import { availableParallelism } from "node:os";
import { build, isFresh } from "../cli/prebuilt.js";
import { machineLoad, runNetsplit } from "./process-run.ts";

const SCENARIO = "netsplit-heal";
/** Sweep sizes, e.g. BENCH_SWEEP_SEEDS=8 for a quick look. */
const SWEEP_SIZES = (process.env.BENCH_SWEEP_SEEDS ?? "48,240").split(",").map(Number);
const WORKER_COUNTS = [1, 2];
const GOAL_SPEED_UP = 1.8;

export async function runSweepBench(): Promise<void> {
  if (!isFresh()) await build();
  const rows: Array<Record<string, string>> = [];
  /** Wall seconds by sweep size and worker count, for the warm speed-up below. */
  const wall = new Map<string, number>();
  for (const seeds of SWEEP_SIZES) {
    let single = 0;
    for (const workers of WORKER_COUNTS) {
      const run = runNetsplit(["sweep", SCENARIO, "--seeds", `1..${seeds}`, "--workers", String(workers), "--json"]);
      const rate = seeds / run.wallS;
      wall.set(`${seeds}/${workers}`, run.wallS);
      if (workers === 1) single = rate;
      rows.push({
        seeds: String(seeds),
        workers: String(workers),
        "seeds/s": rate.toFixed(2),
        "speed-up": (rate / single).toFixed(2),
        goal:
          workers === 1 ? "" : `≥ ${GOAL_SPEED_UP.toFixed(2)}: ${rate / single >= GOAL_SPEED_UP ? "met" : "NOT met"}`,
        "CPU s per seed": run.cpuS === null ? "n/a" : (run.cpuS / seeds).toFixed(3),
        "wall s": run.wallS.toFixed(2),
        "peak MiB": run.peakRssBytes === null ? "n/a" : (run.peakRssBytes / 1024 ** 2).toFixed(0),
        load: machineLoad(),
      });
    }
  }
  console.log(
    `netsplit sweep ${SCENARIO} --seeds 1..N (signing on), the whole process; ${availableParallelism()} CPUs`,
  );
  console.table(rows);
  const warm = warmSpeedUp(wall);
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
function warmSpeedUp(wall: ReadonlyMap<string, number>): string | undefined {
  const sizes = [...SWEEP_SIZES].sort((a, b) => a - b);
  const small = sizes[0]!;
  const large = sizes[sizes.length - 1]!;
  if (small === large) return undefined;
  const rateOf = (workers: number): number =>
    (large - small) / (wall.get(`${large}/${workers}`)! - wall.get(`${small}/${workers}`)!);
  const [one, two] = WORKER_COUNTS.map(rateOf) as [number, number];
  const speedUp = two / one;
  return (
    `once warm (seeds ${small + 1}..${large}, the difference of the two sweeps): ` +
    `${one.toFixed(2)} seeds/s on 1 worker, ${two.toFixed(2)} on 2, speed-up ${speedUp.toFixed(2)} ` +
    `(goal ≥ ${GOAL_SPEED_UP.toFixed(2)}: ${speedUp >= GOAL_SPEED_UP ? "met" : "NOT met"}); ` +
    "the whole sweeps above also pay each worker's warm-up"
  );
}
