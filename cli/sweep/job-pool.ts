// Jobs on worker threads: each worker starts once (loading what it needs from its
// workerData), then takes one job at a time, the next as soon as it is free, so slow
// jobs do not hold up the others. Replies come back in any order; `onReply` sees each as
// it arrives. A sweep's jobs are seeds (pool.ts); an experiment's are cells and seeds.

import { Worker } from "node:worker_threads";

/** A worker that cannot go on (its scenario or experiment did not load) says so once. */
export type FatalReply = { fatal: string };

export async function runJobsOnWorkers<Job, Reply extends object>(
  script: URL,
  workerData: unknown,
  jobs: readonly Job[],
  workers: number,
  onReply: (reply: Reply) => void,
): Promise<void> {
  if (jobs.length === 0) return;
  const queue = [...jobs];
  const count = Math.max(1, Math.min(workers, jobs.length));
  await new Promise<void>((resolve, reject) => {
    const threads: Worker[] = [];
    let outstanding = jobs.length;
    let failed = false;
    const stop = (error?: Error) => {
      if (failed) return;
      if (error) failed = true;
      for (const t of threads) void t.terminate();
      if (error) reject(error);
      else resolve();
    };
    for (let i = 0; i < count; i++) {
      const worker = new Worker(script, { workerData });
      threads.push(worker);
      const next = () => {
        const job = queue.shift();
        if (job !== undefined) worker.postMessage(job);
      };
      worker.on("message", (reply: Reply | FatalReply) => {
        if ("fatal" in reply) return stop(new Error(reply.fatal));
        try {
          onReply(reply);
        } catch (e) {
          // Writing the result failed (a full disk): stop the workers and report it, not crash.
          return stop(e as Error);
        }
        outstanding--;
        if (outstanding === 0) stop();
        else next();
      });
      worker.on("error", (e) => stop(e));
      worker.on("exit", (code) => {
        if (outstanding > 0 && !failed)
          stop(new Error(`a worker thread exited (code ${code}) with ${outstanding} job(s) left`));
      });
      next();
    }
  });
}
