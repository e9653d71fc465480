// A sweep's worker thread: resolve the scenario once, then run each seed it is sent.

import { parentPort, workerData } from "node:worker_threads";
import { resolveScenario } from "../load-scenario.ts";
import type { WorkerInput, WorkerReply } from "./pool.ts";
import { runSeed } from "./run-seed.ts";

const { ref, options } = workerData as WorkerInput;
const port = parentPort!;
const reply = (r: WorkerReply) => port.postMessage(r);

try {
  const scenario = resolveScenario(ref);
  port.on("message", (msg: { seed: number }) => reply({ seed: msg.seed, line: runSeed(scenario, msg.seed, options) }));
} catch (e) {
  reply({ fatal: (e as Error).message });
}
