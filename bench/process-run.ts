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
    result = spawnSync(process.execPath, ["--import", PEAK_MEMORY, BIN, ...args], { encoding: "utf8" });
  }, 1);
  const cpuAfter = childrenCpuSeconds();
  const r = result!;
  const stderr = String(r.stderr);
  if (r.status !== 0)
    throw new Error(`netsplit ${args.join(" ")} exited ${r.status ?? r.signal}:\n${r.stdout}${stderr}`);
  return {
    wallS: ms / 1000,
    cpuS: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore,
    peakRssBytes: peakRssOf(stderr),
    stdout: String(r.stdout),
  };
}

/**
 * Several `netsplit` processes at once (each `node cli/bin.js ...args`), to their ends:
 * the wall seconds until the last ends and the CPU seconds of them all. Throws when one
 * exits non-zero.
 */
export async function runNetsplitTogether(argLists: ReadonlyArray<readonly string[]>): Promise<ProcessRun> {
  const cpuBefore = childrenCpuSeconds();
  const start = performance.now();
  const ends = argLists.map(
    (args) =>
      new Promise<{ stdout: string; peak: number | null }>((resolve, reject) => {
        const child = spawn(process.execPath, ["--import", PEAK_MEMORY, BIN, ...args]);
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("error", reject);
        child.on("close", (code, signal) => {
          if (code !== 0)
            return reject(new Error(`netsplit ${args.join(" ")} exited ${code ?? signal}:\n${stdout}${stderr}`));
          resolve({ stdout, peak: peakRssOf(stderr) });
        });
      }),
  );
  const done = await Promise.all(ends);
  const wallS = (performance.now() - start) / 1000;
  const cpuAfter = childrenCpuSeconds();
  const peaks = done.map((d) => d.peak).filter((p): p is number => p !== null);
  return {
    wallS,
    cpuS: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore,
    peakRssBytes: peaks.length > 0 ? spread(peaks).max : null,
    stdout: done.map((d) => d.stdout).join(""),
  };
}

/**
 * The largest peak resident size bench/peak-memory.mjs reported on `stderr`, or null: a
 * sweep starts node again (single-threaded GC), and the largest process is the one to show.
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
