// Running seeds on worker threads: each worker loads the scenario once, then takes one
// seed at a time (the next one as soon as it is free), so slow seeds do not hold up the
// others. Results come back in any order; `onLine` sees them as they finish.

import { Worker } from "node:worker_threads";
import type { ScenarioRef } from "../load-scenario.ts";
import type { SweepOptions } from "./run-seed.ts";
import type { SweepLine } from "./sweep-line.ts";

/** What a worker thread receives (cli/sweep/worker.ts). */
export interface WorkerInput {
  /** The TypeScript module cli/ts-worker.js imports (absent when the worker is prebuilt). */
  entry?: string;
  ref: ScenarioRef;
  options: SweepOptions;
}

/** The file a worker thread starts from, and the TypeScript entry it loads if it is the tsx shim. */
export interface WorkerScript {
  file: URL;
  entry?: string;
}

export type WorkerReply = { seed: number; line: SweepLine } | { fatal: string };

/**
 * Run from the prebuilt bundle (dist-cli/, cli/prebuilt.js), this code is JavaScript and the
 * worker is the bundle's worker.js beside it; run from the TypeScript source (tests, tsx),
 * each worker compiles worker.ts through cli/ts-worker.js.
 */
export function defaultWorkerScript(): WorkerScript {
  if (import.meta.url.endsWith(".js")) return { file: new URL("./worker.js", import.meta.url) };
  return { file: new URL("../ts-worker.js", import.meta.url), entry: new URL("./worker.ts", import.meta.url).href };
}

export async function runSeedsOnWorkers(
  ref: ScenarioRef,
  seeds: readonly number[],
  options: SweepOptions,
  workers: number,
  onLine: (line: SweepLine) => void,
  script: WorkerScript = defaultWorkerScript(),
): Promise<void> {
  if (seeds.length === 0) return;
  const queue = [...seeds];
  const count = Math.max(1, Math.min(workers, seeds.length));
  const input: WorkerInput = { ...(script.entry ? { entry: script.entry } : {}), ref, options };
  await new Promise<void>((resolve, reject) => {
    const threads: Worker[] = [];
    let outstanding = seeds.length;
    let failed = false;
    const stop = (error?: Error) => {
      if (failed) return;
      if (error) failed = true;
      for (const t of threads) void t.terminate();
      if (error) reject(error);
      else resolve();
    };
    for (let i = 0; i < count; i++) {
      const worker = new Worker(script.file, { workerData: input });
      threads.push(worker);
      const next = () => {
        const seed = queue.shift();
        if (seed !== undefined) worker.postMessage({ seed });
      };
      worker.on("message", (reply: WorkerReply) => {
        if ("fatal" in reply) return stop(new Error(reply.fatal));
        try {
          onLine(reply.line);
        } catch (e) {
          // Writing the line failed (a full disk): stop the workers and report it, not crash.
          return stop(e as Error);
        }
        outstanding--;
        if (outstanding === 0) stop();
        else next();
      });
      worker.on("error", (e) => stop(e));
      worker.on("exit", (code) => {
        if (outstanding > 0 && !failed)
          stop(new Error(`a worker thread exited (code ${code}) with ${outstanding} seed(s) left`));
      });
      next();
    }
  });
}
