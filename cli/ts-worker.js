// Entry point of every worker thread. A worker does not inherit the tsx loader that
// cli/bin.js registered on the main thread (Node 20 keeps module hooks per thread, and
// `--import tsx` in a Worker's execArgv does not reach its entry module), so each worker
// registers tsx itself and then imports its TypeScript entry, given in workerData.entry.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.entry);
