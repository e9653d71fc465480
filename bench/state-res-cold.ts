// The cold measurement of bench/state-res.bench.ts, run as a child process so that no
// resolver code has been compiled yet: read a room (JSON Lines: one event per line, then
// the state sets), resolve it once, then a new copy of it once more, write the CPU
// milliseconds of both and the memory of the first as JSON to the file named third. Reading the room touches none of the resolver. The parent runs this
// with --trace-gc: V8 prints every collection's heap size before and after on stdout, and
// the largest "before" after the last forced collection is resolution's peak heap.

import { readFileSync, writeFileSync } from "node:fs";
import { getHeapStatistics } from "node:v8";
import { parseRoomVersion, resolveState, type EventId, type Pdu, type StateKey } from "../core/index.ts";
import { SECOND_RUN_MARK } from "./state-res-rooms.ts";

const [path, roomVersion, out] = process.argv.slice(2);
if (path === undefined || roomVersion === undefined || out === undefined)
  throw new Error("usage: state-res-cold.ts <room.jsonl> <room version> <result.json>");
/** The room as new objects: its events by id, and its state sets. */
function readRoom(): { events: Map<EventId, Pdu>; stateSets: Array<Map<StateKey, EventId>> } {
  const lines = readFileSync(path!, "utf8")
    .split("\n")
    .filter((l) => l !== "");
  const sets = JSON.parse(lines.pop()!) as Array<Array<[StateKey, EventId]>>;
  const events = new Map<EventId, Pdu>();
  for (const line of lines) {
    const pdu = JSON.parse(line) as Pdu;
    events.set(pdu.event_id as EventId, pdu);
  }
  return { events, stateSets: sets.map((entries) => new Map(entries)) };
}

const cpuMs = (start: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};

let room: ReturnType<typeof readRoom> | undefined = readRoom();
// Run with --expose-gc: what the room itself takes, without the garbage of reading it.
// This forced collection is also the parent's mark that resolution starts.
(globalThis as { gc?: () => void }).gc?.();
const rssRoomMb = process.memoryUsage().rss / 1e6;
const heapRoomMb = getHeapStatistics().used_heap_size / 1e6;
const version = parseRoomVersion(roomVersion);
// CPU time, as the parent measures the warm runs (the machine is shared).
const start = process.cpuUsage();
resolveState(version, room.stateSets, (id) => room!.events.get(id));
const ms = cpuMs(start);
// The heap at the end, before any collection: the peak when no collection ran during resolution.
const heapEndMb = getHeapStatistics().used_heap_size / 1e6;
// The process's peak resident memory: the room, the code, and resolution's peak.
const peakRssMb = process.resourceUsage().maxRSS / 1e3;

// The floor of a first resolution: the same process resolves a new copy of the room (read
// again outside the clock). The code has run once, so what it still costs beyond a warm
// resolution is what new event objects cost (each PL event's users read once, memos per
// object empty) and compilation: the forced collection below throws V8's compiled code
// away (bench/state-res.bench.ts's new-object samples compile it again first; this does not). The marker line ends
// the stretch of --trace-gc output the parent reads the first resolution's peak heap from.
room = undefined;
console.log(SECOND_RUN_MARK);
room = readRoom();
(globalThis as { gc?: () => void }).gc?.();
const secondStart = process.cpuUsage();
resolveState(version, room.stateSets, (id) => room!.events.get(id));
const secondMs = cpuMs(secondStart);
writeFileSync(out, JSON.stringify({ ms, secondMs, heapRoomMb, heapEndMb, rssRoomMb, peakRssMb }));
