// Wall-clock measurement for benchmarks only.
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { groupDigits } from "../cli/group-digits.ts";

/** Run `fn` repeatedly for about `budgetMs` (after a warm-up) and return operations per second. */
export function opsPerSecond(fn: () => void, budgetMs = 1000): number {
  const warmUntil = performance.now() + budgetMs / 5;
  while (performance.now() < warmUntil) fn();
  let count = 0;
  const start = performance.now();
  let now = start;
  while (now - start < budgetMs) {
    for (let i = 0; i < 16; i++) fn();
    count += 16;
    now = performance.now();
  }
  return (count * 1000) / (now - start);
}

/** Milliseconds taken by one call of `fn` (best of `repeats`). */
export function millisecondsFor(fn: () => void, repeats = 3): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    fn();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

/** Milliseconds taken by each of `repeats` calls of `fn`, in order. */
export function millisecondSamples(fn: () => void, repeats: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    fn();
    out.push(performance.now() - start);
  }
  return out;
}

export function formatRate(n: number): string {
  return groupDigits(n);
}

/** Milliseconds taken by one run of an asynchronous `fn` (worker threads, processes). */
export async function millisecondsForAsync(fn: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/**
 * CPU microseconds (user + system, all threads, GC included) taken by one call of `fn`:
 * on a shared machine CPU time is steadier than wall time.
 */
export function cpuMicrosecondsOf(fn: () => void): number {
  return cpuAndWallMicrosecondsOf(fn).cpuUs;
}

/**
 * The CPU microseconds of one call of `fn` (as cpuMicrosecondsOf) and its wall-clock
 * microseconds: the two part where V8's own threads (the optimising compiler, the
 * collector's helpers) run beside the work, since CPU time counts them and the wall clock
 * does not.
 */
export function cpuAndWallMicrosecondsOf(fn: () => void): { cpuUs: number; wallUs: number } {
  const start = process.cpuUsage();
  const wallStart = performance.now();
  fn();
  const wallUs = (performance.now() - wallStart) * 1000;
  const used = process.cpuUsage(start);
  return { cpuUs: used.user + used.system, wallUs };
}

/**
 * CPU milliseconds (user + system, all threads, GC included) of each of `repeats` calls of
 * `fn`: on a machine shared with other work, steadier than the wall clock.
 */
export function cpuMillisecondSamples(fn: () => void, repeats: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < repeats; i++) out.push(cpuMicrosecondsOf(fn) / 1000);
  return out;
}

/**
 * User + system seconds of the children this process has waited for (Linux: fields
 * cutime and cstime of /proc/self/stat), or null where that file does not exist.
 */
export function childrenCpuSeconds(): number | null {
  let stat: string;
  try {
    stat = readFileSync("/proc/self/stat", "utf8");
  } catch {
    return null;
  }
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticksPerSecond = 100; // USER_HZ, 100 on every Linux that Node supports
  return (Number(fields[13]) + Number(fields[14])) / ticksPerSecond;
}
