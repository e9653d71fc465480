// The cold measurement of bench/state-res.bench.ts, run as a child process so that no
// resolver code has been compiled yet: read a room (JSON Lines: one event per line, then
// the state sets), resolve it once, print the milliseconds and the memory as JSON.
// Reading the room touches none of the resolver.

import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { getHeapStatistics } from "node:v8";
import { parseRoomVersion, resolveState, type EventId, type Pdu, type StateKey } from "../core/index.ts";

const [path, roomVersion] = process.argv.slice(2);
if (path === undefined || roomVersion === undefined)
  throw new Error("usage: state-res-cold.ts <room.jsonl> <room version>");
const lines = readFileSync(path, "utf8")
  .split("\n")
  .filter((l) => l !== "");
const sets = JSON.parse(lines.pop()!) as Array<Array<[StateKey, EventId]>>;
const events = new Map<EventId, Pdu>();
for (const line of lines) {
  const pdu = JSON.parse(line) as Pdu;
  events.set(pdu.event_id as EventId, pdu);
}
const stateSets = sets.map((entries) => new Map(entries));
// Run with --expose-gc: what the room itself takes, without the garbage of reading it.
(globalThis as { gc?: () => void }).gc?.();
const rssRoomMb = process.memoryUsage().rss / 1e6;
const heapRoomMb = getHeapStatistics().used_heap_size / 1e6;
const version = parseRoomVersion(roomVersion);
const start = performance.now();
resolveState(version, stateSets, (id) => events.get(id));
const ms = performance.now() - start;
process.stdout.write(
  JSON.stringify({
    ms,
    heapRoomMb,
    rssRoomMb,
    // The process's peak resident memory: the room, the code, and resolution's peak.
    peakRssMb: process.resourceUsage().maxRSS / 1e3,
  }),
);
