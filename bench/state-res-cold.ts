// The cold measurement of bench/state-res.bench.ts, run as a child process so that no
// resolver code has been compiled yet: read a room (JSON Lines: one event per line, then
// the state sets), resolve it once, write the CPU milliseconds and the memory as JSON to the
// file named third. Reading the room touches none of the resolver. The parent runs this
// with --trace-gc: V8 prints every collection's heap size before and after on stdout, and
// the largest "before" after the last forced collection is resolution's peak heap.

import { readFileSync, writeFileSync } from "node:fs";
import { getHeapStatistics } from "node:v8";
import { parseRoomVersion, resolveState, type EventId, type Pdu, type StateKey } from "../core/index.ts";

const [path, roomVersion, out] = process.argv.slice(2);
if (path === undefined || roomVersion === undefined || out === undefined)
  throw new Error("usage: state-res-cold.ts <room.jsonl> <room version> <result.json>");
const lines = readFileSync(path, "utf8")
  .split("\n")
  .filter((l) => l !== "");
const sets = JSON.parse(lines.pop()!) as Array<Array<[StateKey, EventId]>>;
const events = new Map<EventId, Pdu>();
for (const line of lines) {
  const pdu = JSON.parse(line) as Pdu;
  events.set(pdu.event_id as EventId, pdu);
}
lines.length = 0;
const stateSets = sets.map((entries) => new Map(entries));
// Run with --expose-gc: what the room itself takes, without the garbage of reading it.
// This forced collection is also the parent's mark that resolution starts.
(globalThis as { gc?: () => void }).gc?.();
const rssRoomMb = process.memoryUsage().rss / 1e6;
const heapRoomMb = getHeapStatistics().used_heap_size / 1e6;
const version = parseRoomVersion(roomVersion);
// CPU time, as the parent measures the warm runs (the machine is shared).
const start = process.cpuUsage();
resolveState(version, stateSets, (id) => events.get(id));
const used = process.cpuUsage(start);
const ms = (used.user + used.system) / 1000;
writeFileSync(
  out,
  JSON.stringify({
    ms,
    heapRoomMb,
    // The heap at the end, before any collection: the peak when no collection ran during resolution.
    heapEndMb: getHeapStatistics().used_heap_size / 1e6,
    rssRoomMb,
    // The process's peak resident memory: the room, the code, and resolution's peak.
    peakRssMb: process.resourceUsage().maxRSS / 1e3,
  }),
);
