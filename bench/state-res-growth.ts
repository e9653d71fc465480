// Issue 11's growth goal (11k → 45k events, at most ×5) measured in pairs. The table's
// growth line divides two minima taken minutes apart, and on a shared machine whose speed
// moves by a factor of two or more from one minute to the next (seen here: the same
// CPU-bound loop took 4.9 s, then 14 s) that quotient says more about the neighbours than
// about the code. Here each room lives in a process of its own (state-res-growth-child.ts),
// holding only that room, as the table's runs do (a heap holding both rooms slows the
// smaller one), and the two take turns: runs of the smaller room, one of the larger, runs
// of the smaller again. A pair's ratio is the larger's CPU time over the median of the
// smaller's around it (several, since one short run catches any hiccup). The bench prints
// the median ratio over the pairs, with their range.

import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { median } from "./state-res-report.ts";
import type { GrowthReply, GrowthRequest } from "./state-res-growth-child.ts";
import type { BenchRoom } from "./state-res-rooms.ts";

export interface PairedGrowth {
  /** The larger room's CPU ms over the smaller's, one per pair, in the order measured. */
  ratios: number[];
  smallMs: number[];
  largeMs: number[];
}

/** Runs of the smaller room on each side of one run of the larger. */
const SMALL_RUNS_PER_SIDE = 3;

const CHILD = fileURLToPath(new URL("./state-res-growth-child.ts", import.meta.url));

export async function pairedGrowth(small: BenchRoom, large: BenchRoom, pairs: number): Promise<PairedGrowth> {
  const [a, b] = [new RoomProcess(small), new RoomProcess(large)];
  try {
    // Each builds its room and warms up; the larger takes seconds.
    await Promise.all([a.ready, b.ready]);
    const out: PairedGrowth = { ratios: [], smallMs: [], largeMs: [] };
    for (let p = 0; p < pairs; p++) {
      const before = await a.resolve(SMALL_RUNS_PER_SIDE);
      const [largeMs] = await b.resolve(1);
      const after = await a.resolve(SMALL_RUNS_PER_SIDE);
      const smallMs = median([...before, ...after]);
      out.ratios.push(largeMs! / smallMs);
      out.smallMs.push(smallMs);
      out.largeMs.push(largeMs!);
    }
    return out;
  } finally {
    a.close();
    b.close();
  }
}

/** A child process holding one room, resolving it when asked. */
class RoomProcess {
  private readonly child: ChildProcess;
  /** The answer awaited: one at a time (the parent asks, then waits). */
  private pending: { resolve: (reply: GrowthReply) => void; reject: (e: Error) => void } | undefined;
  private failure: Error | undefined;
  readonly ready: Promise<void>;

  constructor(room: BenchRoom) {
    this.child = fork(CHILD, [room.label], {
      execArgv: ["--import", "tsx"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    this.child.on("message", (reply: GrowthReply) => this.settle()?.resolve(reply));
    this.child.on("exit", (code, signal) => {
      this.failure = new Error(`the ${room.label} room's process ended (${code ?? signal}) before it was asked to`);
      this.settle()?.reject(this.failure);
    });
    this.ready = this.next().then(() => undefined);
  }

  async resolve(runs: number): Promise<number[]> {
    const request: GrowthRequest = { runs };
    const reply = this.next();
    this.child.send(request);
    const answer = await reply;
    if (answer.kind !== "ms") throw new Error("the room's process did not answer with times");
    return answer.ms;
  }

  close(): void {
    this.child.removeAllListeners("exit");
    this.child.kill();
  }

  private next(): Promise<GrowthReply> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => (this.pending = { resolve, reject }));
  }

  private settle(): RoomProcess["pending"] {
    const pending = this.pending;
    this.pending = undefined;
    return pending;
  }
}
