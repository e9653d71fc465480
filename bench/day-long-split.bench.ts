// The day-long split of issue 12 (bench/day-long-split.ts) as a user runs it: the whole
// `netsplit run` process, start-up, set-up and report included, from the prebuilt CLI.
// Wall time is the goal's measure; the median of a few runs, with min and max for spread.
// Beside it the median CPU seconds of the process (all its threads): on a shared machine
// the wall clock shows the neighbours, and a run that needs more CPU than the goal's
// second of wall time cannot meet it on any machine.

import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build, isFresh } from "../cli/prebuilt.js";
import { childrenCpuSeconds, millisecondsFor } from "./clock.ts";
import { dayLongSplit } from "./day-long-split.ts";

const BIN = fileURLToPath(new URL("../cli/bin.js", import.meta.url));
const RUNS = 5;
const GOAL_S = 1;

export async function runDayLongSplitBench(): Promise<void> {
  if (!isFresh()) await build();
  const file = join(mkdtempSync(join(tmpdir(), "netsplit-bench-")), "day-long-split.json");
  writeFileSync(file, JSON.stringify(dayLongSplit()));
  const rows: Array<Record<string, string>> = [];
  for (const signing of [false, true]) {
    const args = [BIN, "run", file, ...(signing ? [] : ["--no-signing"])];
    const times: number[] = [];
    const cpus: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const cpuBefore = childrenCpuSeconds();
      times.push(
        millisecondsFor(() => {
          const r = spawnSync(process.execPath, args, { encoding: "utf8" });
          if (r.status !== 0) throw new Error(`netsplit run ${file} exited ${r.status}:\n${r.stdout}${r.stderr}`);
        }, 1),
      );
      const cpuAfter = childrenCpuSeconds();
      if (cpuBefore !== null && cpuAfter !== null) cpus.push(cpuAfter - cpuBefore);
    }
    times.sort((a, b) => a - b);
    cpus.sort((a, b) => a - b);
    const median = times[Math.floor(RUNS / 2)]! / 1000;
    rows.push({
      signing: signing ? "on" : "off",
      "median wall s": median.toFixed(2),
      "min s": (times[0]! / 1000).toFixed(2),
      "max s": (times[RUNS - 1]! / 1000).toFixed(2),
      "median CPU s": cpus.length === RUNS ? cpus[Math.floor(RUNS / 2)]!.toFixed(2) : "n/a",
      goal: `< ${GOAL_S} s ${median < GOAL_S ? "met" : "NOT met"}`,
    });
  }
  console.log(
    `netsplit run day-long-split (5 servers, split 24 h, a message a minute per side, then heal), whole process, ${RUNS} runs`,
  );
  console.table(rows);
}
