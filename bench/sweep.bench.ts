// Sweep throughput: `netsplit sweep netsplit-heal` as a user runs it — the real command in
// a process of its own (prebuilt workers, single-threaded GC), on 1 and 2 worker threads:
// seeds per wall-clock second, the speed-up with issue 12's goal beside it, and CPU
// seconds per seed (all the process's threads; on a shared machine the wall clock shows
// the neighbours, CPU time less so). Start-up is in the figures, as it is for a user: a
// prebuilt worker starts in about a tenth of a second (through tsx it took about a second).

import { spawnSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { build, isFresh } from "../cli/prebuilt.js";
import { childrenCpuSeconds, millisecondsFor } from "./clock.ts";

const BIN = fileURLToPath(new URL("../cli/bin.js", import.meta.url));
const SCENARIO = "netsplit-heal";
const SEEDS = Number(process.env.BENCH_SWEEP_SEEDS ?? 16);
const WORKER_COUNTS = [1, 2];
const GOAL_SPEED_UP = 1.8;

export async function runSweepBench(): Promise<void> {
  if (!isFresh()) await build();
  const rows: Array<Record<string, string>> = [];
  let single = 0;
  for (const workers of WORKER_COUNTS) {
    const cpuBefore = childrenCpuSeconds();
    const ms = millisecondsFor(() => {
      const r = spawnSync(
        process.execPath,
        [BIN, "sweep", SCENARIO, "--seeds", `1..${SEEDS}`, "--workers", String(workers), "--json"],
        { encoding: "utf8" },
      );
      if (r.status !== 0) throw new Error(`netsplit sweep exited ${r.status ?? r.signal}:\n${r.stderr}`);
    }, 1);
    const cpuAfter = childrenCpuSeconds();
    const rate = (SEEDS * 1000) / ms;
    if (workers === 1) single = rate;
    rows.push({
      workers: String(workers),
      "seeds/s": rate.toFixed(2),
      "speed-up": (rate / single).toFixed(2),
      goal: workers === 1 ? "" : `≥ ${GOAL_SPEED_UP.toFixed(2)} ${rate / single >= GOAL_SPEED_UP ? "met" : "NOT met"}`,
      "CPU s per seed": cpuBefore === null || cpuAfter === null ? "n/a" : ((cpuAfter - cpuBefore) / SEEDS).toFixed(3),
      "wall s": (ms / 1000).toFixed(2),
    });
  }
  console.log(
    `netsplit sweep ${SCENARIO} --seeds 1..${SEEDS} (signing on), the whole process; ${availableParallelism()} CPUs`,
  );
  console.table(rows);
  console.log(
    "The speed-up needs free CPUs: on a shared machine compare CPU s per seed (about equal for 1 and 2 workers when nothing is wasted).",
  );
}
