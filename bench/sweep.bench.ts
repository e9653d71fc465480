// Sweep throughput: `netsplit sweep netsplit-heal` as a user runs it, from the prebuilt
// workers (dist-cli/, built first if stale), on 1 and 2 worker threads — seeds per
// wall-clock second, the speed-up with issue 12's goal beside it, and CPU seconds per seed
// (all threads: on a shared machine the wall clock shows the neighbours, CPU time less
// so). Workers are started and warmed by one seed each first; the measured sweep then
// starts its own workers, so start-up is in the figure, as it is for a user (a prebuilt
// worker starts in about a tenth of a second; through tsx it took about a second).

import { availableParallelism } from "node:os";
import { pathToFileURL } from "node:url";
import { build, isFresh, OUT_DIR } from "../cli/prebuilt.js";
import { runSeedsOnWorkers, type WorkerScript } from "../cli/sweep/pool.ts";
import { seedsOf } from "../cli/sweep/seed-range.ts";
import { millisecondsForAsync } from "./clock.ts";

const SCENARIO = "netsplit-heal";
const SEEDS = seedsOf({ first: 1, last: Number(process.env.BENCH_SWEEP_SEEDS ?? 16) });
const WORKER_COUNTS = [1, 2];
const GOAL_SPEED_UP = 1.8;

export async function runSweepBench(): Promise<void> {
  if (!isFresh()) await build();
  const script: WorkerScript = { file: pathToFileURL(`${OUT_DIR}/worker.js`) };
  const sweep = (seeds: readonly number[], workers: number) => runSeedsOnWorkers({ name: SCENARIO }, seeds, { checkDeterminism: false }, workers, () => {}, script);
  const rows: Array<Record<string, string>> = [];
  let single = 0;
  for (const workers of WORKER_COUNTS) {
    const startMs = await millisecondsForAsync(() => sweep(SEEDS.slice(0, workers), workers));
    const cpuBefore = process.cpuUsage();
    const ms = await millisecondsForAsync(() => sweep(SEEDS, workers));
    const cpu = process.cpuUsage(cpuBefore);
    const rate = (SEEDS.length * 1000) / ms;
    if (workers === 1) single = rate;
    rows.push({
      workers: String(workers),
      "seeds/s": rate.toFixed(2),
      "speed-up": (rate / single).toFixed(2),
      goal: workers === 1 ? "" : `≥ ${GOAL_SPEED_UP.toFixed(2)} ${rate / single >= GOAL_SPEED_UP ? "met" : "NOT met"}`,
      "CPU s per seed": ((cpu.user + cpu.system) / 1e6 / SEEDS.length).toFixed(3),
      "wall s": (ms / 1000).toFixed(2),
      "start-up + 1 seed per worker, s": (startMs / 1000).toFixed(2),
    });
  }
  console.log(`${SCENARIO}, seeds ${SEEDS[0]}..${SEEDS[SEEDS.length - 1]}, signing on, node:crypto, prebuilt workers; ${availableParallelism()} CPUs`);
  console.table(rows);
  console.log("The speed-up needs the CPUs to be free: on a machine shared with other work, compare CPU s per seed (equal for 1 and 2 workers when nothing is wasted).");
}
