// One benchmarked run of a whole `netsplit` process: wall seconds, CPU seconds of the
// process (all its threads, from the parent's accounting of its children) and its peak
// resident memory (bench/peak-memory.mjs), for the suites that time the CLI as a user
// runs it. Also the machine's load, printed beside figures taken on a shared machine.

import { spawn, spawnSync } from "node:child_process";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { childrenCpuSeconds, millisecondsFor } from "./clock.ts";

export const BIN = fileURLToPath(new URL("../cli/bin.js", import.meta.url));
const PEAK_MEMORY = fileURLToPath(new URL("./peak-memory.mjs", import.meta.url));

export interface ProcessRun {
  wallS: number;
  /** null where the platform does not say (no /proc). */
  cpuS: number | null;
  peakRssBytes: number | null;
  stdout: string;
}

/** Run `node cli/bin.js ...args` to its end; throws with its output when it exits non-zero. */
export function runNetsplit(args: readonly string[]): ProcessRun {
  const cpuBefore = childrenCpuSeconds();
  let result: ReturnType<typeof spawnSync> | undefined;
  const ms = millisecondsFor(() => {
    result = spawnSync(process.execPath, netsplitArgv(args), { encoding: "utf8" });
  }, 1);
  const cpuAfter = childrenCpuSeconds();
  const r = result!;
  const [stdout, stderr] = [String(r.stdout), String(r.stderr)];
  if (r.status !== 0) throw exitError(args, r.status ?? r.signal, stdout, stderr);
  return { wallS: ms / 1000, cpuS: cpuBetween(cpuBefore, cpuAfter), peakRssBytes: peakRssOf(stderr), stdout };
}

/**
 * Several `netsplit` processes at once (each `node cli/bin.js ...args`), to their ends:
 * the wall seconds until the last ends, the CPU seconds of them all and the largest peak.
 * Throws when one exits non-zero.
 */
export async function runNetsplitTogether(argLists: ReadonlyArray<readonly string[]>): Promise<ProcessRun> {
  const cpuBefore = childrenCpuSeconds();
  const start = performance.now();
  const outputs = await Promise.all(
    argLists.map(
      (args) =>
        new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
          const child = spawn(process.execPath, netsplitArgv(args));
          let stdout = "";
          let stderr = "";
          child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
          child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
          child.on("error", reject);
          child.on("close", (code, signal) =>
            code === 0 ? resolve({ stdout, stderr }) : reject(exitError(args, code ?? signal, stdout, stderr)),
          );
        }),
    ),
  );
  const wallS = (performance.now() - start) / 1000;
  return {
    wallS,
    cpuS: cpuBetween(cpuBefore, childrenCpuSeconds()),
    peakRssBytes: peakRssOf(outputs.map((o) => o.stderr).join("\n")),
    stdout: outputs.map((o) => o.stdout).join(""),
  };
}

/** node's arguments for `netsplit ...args`, its peak memory reported on stderr (bench/peak-memory.mjs). */
function netsplitArgv(args: readonly string[]): string[] {
  return ["--import", PEAK_MEMORY, BIN, ...args];
}

function exitError(args: readonly string[], how: number | string | null, stdout: string, stderr: string): Error {
  return new Error(`netsplit ${args.join(" ")} exited ${how}:\n${stdout}${stderr}`);
}

/** CPU seconds of the children waited for between two readings, or null where the platform does not say. */
function cpuBetween(before: number | null, after: number | null): number | null {
  return before === null || after === null ? null : after - before;
}

/**
 * The largest peak resident size bench/peak-memory.mjs reported on `stderr`, or null: a
 * sweep starts node again (single-threaded GC), and the largest process is the one to show
 * (of processes run together, too).
 */
function peakRssOf(stderr: string): number | null {
  const peaks = [...stderr.matchAll(/peak-rss-bytes (\d+)/g)].map((m) => Number(m[1]));
  return peaks.length > 0 ? spread(peaks).max : null;
}

/** The median (of an even count, the mean of the middle two), minimum and maximum of some figures. */
export function spread(values: readonly number[]): { median: number; min: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const median = Number.isInteger(mid) ? (sorted[mid - 1]! + sorted[mid]!) / 2 : sorted[Math.floor(mid)]!;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

/** "load 1.23 / 0.98 / 0.75": the 1, 5 and 15 minute load averages, to read a wall-clock figure by. */
export function machineLoad(): string {
  return `load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" / ")}`;
}
