// Running seeds on worker threads (job-pool.ts): each worker loads the scenario once,
// then takes one seed at a time. Results come back in any order; `onLine` sees them as
// they finish.

import { runJobsOnWorkers, type FatalReply } from "./job-pool.ts";
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

export type WorkerReply = { seed: number; line: SweepLine } | FatalReply;

/**
 * Run from the prebuilt bundle (dist-cli/, cli/prebuilt.js), this code is JavaScript and the
 * worker is the bundle's worker.cjs beside it; run from the TypeScript source (tests, tsx),
 * each worker compiles worker.ts through cli/ts-worker.js.
 */
export function defaultWorkerScript(): WorkerScript {
  if (import.meta.url.endsWith(".cjs")) return { file: new URL("./worker.cjs", import.meta.url) };
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
  const input: WorkerInput = { ...(script.entry ? { entry: script.entry } : {}), ref, options };
  await runJobsOnWorkers<{ seed: number }, { seed: number; line: SweepLine }>(
    script.file,
    input,
    seeds.map((seed) => ({ seed })),
    workers,
    (reply) => onLine(reply.line),
  );
}
