// The day-long split of issue 12 (bench/day-long-split.ts) as a user runs it: the whole
// `netsplit run` process from the prebuilt CLI, start-up, set-up, run and report
// included. Wall time is the goal's measure: the median of a few runs, with min and max
// for spread, and the machine's load beside it. Also the median CPU seconds of the process
// (all its threads): on a shared machine the wall clock shows the neighbours, and a run
// that needs more CPU than the goal's second cannot meet it on any machine. Then the
// start-up alone (`netsplit run --help`: the CLI and the engine's code loaded, nothing
// run), and the run under each --trace-retention: its peak memory and its trace hash,
// which must not depend on what the trace keeps. Where the goal is not met, the verdict
// says why: the start-up, and the same run repeated in one process, which shows what the
// first run in a new process pays for V8's warm-up.

import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build, isFresh } from "../cli/prebuilt.js";
import { TRACE_RETENTIONS } from "../sim/index.ts";
import { dayLongSplit } from "./day-long-split.ts";
import { machineLoad, runNetsplit, spread, type ProcessRun } from "./process-run.ts";

const RUNS = Number(process.env.BENCH_DAY_LONG_RUNS ?? 5);
const GOAL_S = 1;
/** Runs of the same scenario in one process, for the verdict's reason (bench/day-long-repeat.mjs). */
const REPEATS = 4;
const REPEAT_SCRIPT = fileURLToPath(new URL("./day-long-repeat.mjs", import.meta.url));

/** Wall milliseconds of `netsplit ...args` run `runs` times in one process (bench/day-long-repeat.mjs). */
function repeatedInOneProcess(args: readonly string[], runs: number): number[] {
  const r = spawnSync(process.execPath, [REPEAT_SCRIPT, String(runs), ...args], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`day-long-repeat.mjs exited ${r.status ?? r.signal}:\n${r.stderr}`);
  return [...r.stderr.matchAll(/^run-ms ([\d.]+)$/gm)].map((m) => Number(m[1]));
}

/**
 * The goal's verdict for the unsigned run, and where it falls short, why: a new process
 * starts node and the CLI (`startUpS`, from run --help), then runs the scenario with V8
 * still cold, which the same run repeated in one process (`repeatedMs`) shows apart.
 */
export function warmUpVerdict(goalS: number, medianS: number, startUpS: number, repeatedMs: readonly number[]): string {
  const head = `run, signing off: ${medianS.toFixed(2)} s wall, goal < ${goalS} s: `;
  if (medianS < goalS) return head + "met";
  const runs = repeatedMs.map((ms) => (ms / 1000).toFixed(2)).join(", ");
  return (
    head +
    `NOT met. Start-up (run --help) takes ${startUpS.toFixed(2)} s, and the run itself pays for V8's warm-up: ` +
    `the same run repeated in one process took ${runs} s (each its own wall clock, start-up excluded)`
  );
}

function timed(args: readonly string[]): ProcessRun[] {
  runNetsplit(args); // warm the file cache
  return Array.from({ length: RUNS }, () => runNetsplit(args));
}

function row(label: string, runs: readonly ProcessRun[], goal: string): Record<string, string> {
  const wall = spread(runs.map((r) => r.wallS));
  const cpu = runs.every((r) => r.cpuS !== null) ? spread(runs.map((r) => r.cpuS!)).median.toFixed(2) : "n/a";
  const peak = runs.every((r) => r.peakRssBytes !== null)
    ? (spread(runs.map((r) => r.peakRssBytes!)).median / 1024 ** 2).toFixed(0)
    : "n/a";
  return {
    what: label,
    "median wall s": wall.median.toFixed(2),
    "min s": wall.min.toFixed(2),
    "max s": wall.max.toFixed(2),
    "median CPU s": cpu,
    "peak MiB": peak,
    goal,
  };
}

export async function runDayLongSplitBench(): Promise<void> {
  if (!isFresh()) await build();
  const file = join(mkdtempSync(join(tmpdir(), "netsplit-bench-")), "day-long-split.json");
  writeFileSync(file, JSON.stringify(dayLongSplit()));
  const rows: Array<Record<string, string>> = [];
  const startUp = timed(["run", "--help"]);
  rows.push(row("start-up (run --help)", startUp, "part of the second"));
  let unsignedS = 0;
  for (const signing of [false, true]) {
    const runs = timed(["run", file, ...(signing ? [] : ["--no-signing"])]);
    const median = spread(runs.map((r) => r.wallS)).median;
    if (!signing) unsignedS = median;
    rows.push(
      row(`run, signing ${signing ? "on" : "off"}`, runs, `< ${GOAL_S} s wall: ${median < GOAL_S ? "met" : "NOT met"}`),
    );
  }
  console.log(
    `netsplit run day-long-split (5 servers, split 24 h, a message a minute per side, then heal), whole process, ${RUNS} runs after one warm-up; ${machineLoad()} at the end`,
  );
  console.table(rows);
  const repeated = repeatedInOneProcess(["run", file, "--no-signing"], REPEATS);
  console.log(warmUpVerdict(GOAL_S, unsignedS, spread(startUp.map((r) => r.wallS)).median, repeated));

  const hashes = new Map<string, string>();
  const retention: Array<Record<string, string>> = [];
  for (const r of TRACE_RETENTIONS) {
    const runs = timed(["run", file, "--no-signing", "--trace-retention", r]);
    const hash = /hash (\S+)\n/.exec(runs[0]!.stdout)?.[1] ?? "none";
    hashes.set(r, hash);
    retention.push({ ...row(`--trace-retention ${r}`, runs, ""), "trace hash": hash });
  }
  const same = hashes.get("full") === hashes.get("hash-only");
  const goals = ["reference", same ? "same hash as full: met" : "same hash as full: NOT met", "no hash kept"];
  retention.forEach((r, i) => (r.goal = goals[i]!));
  console.log(`\nthe same run (signing off) under each trace retention; ${machineLoad()} at the end`);
  console.table(retention);
}
