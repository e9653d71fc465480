// Entry point of a worker thread when the CLI runs from its TypeScript source (tests,
// the bench under tsx); the prebuilt CLI starts its workers from dist-cli/worker.cjs
// instead (cli/prebuilt.js). A worker does not inherit the tsx loader of its parent
// (Node 20 keeps module hooks per thread, and `--import tsx` in a Worker's execArgv does
// not reach its entry module), so it registers tsx itself and then imports its
// TypeScript entry, given in workerData.entry.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.entry);
