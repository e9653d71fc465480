// An experiment's jobs: one per (cell, seed), numbered cell by cell (job = cell·seeds +
// seed − 1), so that --shard I/N slices the numbers as a sweep slices its seeds, and
// runs.jsonl is sorted by that number whatever the workers or shards.

import type { ExperimentLine } from "../../scenarios/experiment/run-metrics.ts";
import type { ExperimentSpec } from "../../scenarios/experiment/spec.ts";

export interface ExperimentJob {
  cell: number;
  seed: number;
}

export interface ExperimentWorkerInput {
  /** The TypeScript module cli/ts-worker.js imports (absent when the worker is prebuilt). */
  entry?: string;
  spec: ExperimentSpec;
}

export type ExperimentReply = { line: ExperimentLine };

export function jobNumber(job: ExperimentJob, seeds: number): number {
  return job.cell * seeds + job.seed - 1;
}

export function jobOf(n: number, seeds: number): ExperimentJob {
  return { cell: Math.floor(n / seeds), seed: (n % seeds) + 1 };
}

/** The worker script: the prebuilt bundle's experiment-worker.cjs, or the TypeScript one through the tsx shim. */
export function experimentWorkerScript(): { file: URL; entry?: string } {
  if (import.meta.url.endsWith(".cjs")) return { file: new URL("./experiment-worker.cjs", import.meta.url) };
  return { file: new URL("../ts-worker.js", import.meta.url), entry: new URL("./worker.ts", import.meta.url).href };
}
