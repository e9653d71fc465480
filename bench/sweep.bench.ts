// Sweep throughput: `netsplit sweep netsplit-heal` as a user runs it, on 1 and 2 worker
// threads — seeds per wall-clock second and the speed-up. Each figure includes starting
// the workers (each loads the engine through tsx, about a second), which a long sweep
// amortises; what the start-up costs is shown beside it (a sweep of one seed per worker).
// The speed-up is bounded by the CPUs, and by whatever else the machine is running.

import { availableParallelism } from "node:os";
import { runSeedsOnWorkers } from "../cli/sweep/pool.ts";
import { seedsOf } from "../cli/sweep/seed-range.ts";
import { millisecondsForAsync } from "./clock.ts";

const SCENARIO = "netsplit-heal";
const SEEDS = seedsOf({ first: 1, last: 16 });
const WORKER_COUNTS = [1, 2];

export async function runSweepBench(): Promise<void> {
  const rows: Array<Record<string, string>> = [];
  let single = 0;
  for (const workers of WORKER_COUNTS) {
    // One seed per worker first: about what starting the workers costs.
    const startMs = await millisecondsForAsync(() => runSeedsOnWorkers({ name: SCENARIO }, SEEDS.slice(0, workers), { checkDeterminism: false }, workers, () => {}));
    const ms = await millisecondsForAsync(() => runSeedsOnWorkers({ name: SCENARIO }, SEEDS, { checkDeterminism: false }, workers, () => {}));
    const rate = (SEEDS.length * 1000) / ms;
    if (workers === 1) single = rate;
    rows.push({
      workers: String(workers),
      "seeds/s": rate.toFixed(2),
      "speed-up": (rate / single).toFixed(2),
      "wall s": (ms / 1000).toFixed(1),
      "start-up + 1 seed per worker, s": (startMs / 1000).toFixed(1),
    });
  }
  console.log(`${SCENARIO}, seeds ${SEEDS[0]}..${SEEDS[SEEDS.length - 1]}, signing on, node:crypto; ${availableParallelism()} CPUs`);
  console.table(rows);
}
