// An experiment's worker thread: takes one (cell, seed) at a time and sends back its line.

import { parentPort, workerData } from "node:worker_threads";
import { cellsOf } from "../../scenarios/experiment/spec.ts";
import { runExperimentCell } from "../../scenarios/experiment/run-metrics.ts";
import { nodeCrypto } from "../node-crypto.ts";
import type { ExperimentJob, ExperimentWorkerInput, ExperimentReply } from "./jobs.ts";

const { spec } = workerData as ExperimentWorkerInput;
const port = parentPort!;
const reply = (r: ExperimentReply | { fatal: string }) => port.postMessage(r);

try {
  const cells = cellsOf(spec.grid);
  port.on("message", (job: ExperimentJob) => {
    try {
      reply({ line: runExperimentCell(spec, job.cell, cells[job.cell]!, job.seed, nodeCrypto) });
    } catch (e) {
      reply({
        fatal: `cell ${job.cell} ${JSON.stringify(cells[job.cell])} seed ${job.seed}: ${(e as Error).stack ?? (e as Error).message}`,
      });
    }
  });
} catch (e) {
  reply({ fatal: (e as Error).message });
}
