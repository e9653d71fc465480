// One room of bench/state-res-growth.ts's pairs, in a process of its own: build the room
// named by the argument, warm up on it, say "ready", then resolve it (a fresh auth-chain
// index each time, as the table's fresh runs) as many times as each request asks and
// answer with the CPU milliseconds of each run.

import { parseRoomVersion, resolveState } from "../core/index.ts";
import { cpuMicrosecondsOf } from "./clock.ts";
import { BENCH_ROOM_VERSION, generateBenchRoom, ISSUE_ROOMS } from "./state-res-rooms.ts";

export interface GrowthRequest {
  runs: number;
}

export type GrowthReply = { kind: "ready" } | { kind: "ms"; ms: number[] };

const send = (reply: GrowthReply): void => void process.send!(reply);

const label = process.argv[2];
const room = ISSUE_ROOMS.find((r) => r.label === label);
if (room === undefined || process.send === undefined) {
  console.error(`usage (from bench/state-res-growth.ts, with IPC): state-res-growth-child.ts <room label>`);
  process.exit(2);
}
const version = parseRoomVersion(BENCH_ROOM_VERSION);
const forked = generateBenchRoom(room);
const once = (): number => cpuMicrosecondsOf(() => resolveState(version, forked.stateSets, forked.fetch)) / 1000;
// As many warm-up runs as the table gives the room, and at least two.
for (let w = 0; w < Math.max(room.warmups, 2); w++) once();
process.on("message", (request: GrowthRequest) => {
  const ms: number[] = [];
  for (let i = 0; i < request.runs; i++) ms.push(once());
  send({ kind: "ms", ms });
});
send({ kind: "ready" });
