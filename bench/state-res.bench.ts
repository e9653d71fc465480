// State resolution on issue 11's rooms (bench/state-res-rooms.ts): per room the events,
// conflicted keys, auth difference, and milliseconds per resolution with a fresh
// auth-chain index, with one built beforehand (as a homeserver holds it), and cold (the
// first resolution in a fresh process), with the issue's goals and Synapse figures beside
// them. Times are CPU milliseconds of the process (user + system, GC threads included):
// the machine is shared, and CPU time moves less with other work than the wall clock does
// (unloaded, the two are close: resolution runs on one thread). Warm figures are the
// median and the minimum of several runs: the minimum is the better estimate of the
// code's speed, the median of what a caller sees.
//
// "fresh" resolves the same event objects every time, so what the authorization rules
// remember per content object (a power-levels event's keys, its differences from another)
// is already known after the first run, as in a homeserver that resolves the same room
// again. "new objects" resolves a new copy of the room each time (parsed from JSON outside
// the clock): a warm JIT with nothing remembered, which is what a first resolution of new
// events costs once the code is compiled; cold ÷ new objects is the JIT's share.
//
// Beside the cold run, its floor: the same fresh process resolving a new copy of the room
// right after (the code has run once, but the forced collection before it throws V8's
// compiled code away, so this run compiles much of it again), and "new objects" (a warm
// JIT, recompiled after each forced collection: what new event objects cost, mostly
// reading each PL event's users once; the table counts those entries). Each
// goal of issue 11 gets a line saying whether it is met (bench/state-res-report.ts).
//
// The growth goal gets a second line measured in pairs (bench/state-res-growth.ts): the two
// rooms in processes of their own, taking turns, so that the machine's changing speed
// (shared with other work) falls on both sides of each ratio.
//
// Memory comes from the cold process: its peak heap (the largest heap V8 reports before a
// collection during resolution, or at the end; --trace-gc) beside the heap with the room
// loaded, and its peak resident size. A second, shorter table checks v2.1 (room version
// 12) on the same rooms. The 200k-event chain takes about a minute; STATE_RES_ROOMS=1.2k,11k
// (labels, comma-separated) runs only those rooms.

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  AuthChainIndex,
  conflictedStateSet,
  parseRoomVersion,
  resolveState,
  type EventId,
  type Pdu,
  type StateKey,
} from "../core/index.ts";
import type { ForkedRoom } from "../scenarios/generators/forked-room.ts";
import { cpuMillisecondSamples } from "./clock.ts";
import { pairedGrowth } from "./state-res-growth.ts";
import {
  coldRow,
  count,
  issueRow,
  median,
  min,
  ms,
  pairedGrowthVerdict,
  verdicts,
  type ColdRun,
  type Measured,
} from "./state-res-report.ts";
import {
  BENCH_ROOM_VERSION,
  generateBenchRoom,
  ISSUE_ROOMS,
  SECOND_RUN_MARK,
  type BenchRoom,
} from "./state-res-rooms.ts";

const COLD_SCRIPT = fileURLToPath(new URL("./state-res-cold.ts", import.meta.url));

function measure(room: BenchRoom, roomVersionId: string, cold: boolean): Measured {
  const roomVersion = parseRoomVersion(roomVersionId);
  const forked = generateBenchRoom(room, roomVersionId);
  const prebuiltIndex = new AuthChainIndex();
  const { explanation } = resolveState(roomVersion, forked.stateSets, forked.fetch, {
    explain: true,
    authChains: prebuiltIndex,
  });
  // Warm-up, fresh and prebuilt, so that the timed runs do not compile the code.
  for (let i = 0; i < room.warmups; i++) {
    resolveState(roomVersion, forked.stateSets, forked.fetch);
    resolveState(roomVersion, forked.stateSets, forked.fetch, { authChains: prebuiltIndex });
  }
  const fresh = cpuMillisecondSamples(() => resolveState(roomVersion, forked.stateSets, forked.fetch), room.repeats);
  const prebuilt = cpuMillisecondSamples(
    () => resolveState(roomVersion, forked.stateSets, forked.fetch, { authChains: prebuiltIndex }),
    room.repeats,
  );
  const newObjects =
    room.newObjectRepeats > 0
      ? newObjectSamples(forked, roomVersionId, room.newObjectRepeats, Math.max(NEW_OBJECT_REWARMS_MIN, room.warmups))
      : [];
  const conflicted = conflictedStateSet(forked.stateSets);
  let plUserEntries = 0;
  for (const check of explanation.authChecks) {
    const pdu = forked.events.get(check.eventId)!;
    const users = pdu.type === "m.room.power_levels" ? pdu.content.users : undefined;
    if (typeof users === "object" && users !== null) plUserEntries += Object.keys(users).length;
  }
  return {
    room,
    events: forked.events.size,
    conflictedKeys: conflicted.size,
    conflictedEvents: explanation.conflictedStateSet.length,
    authDifference: explanation.authDifference.length,
    authChainEvents: prebuiltIndex.size,
    plUserEntries,
    fresh,
    prebuilt,
    newObjects,
    cold: cold ? coldRun(forked, roomVersionId) : undefined,
  };
}

/**
 * CPU milliseconds of resolutions of a new copy of the room each: parsed from JSON, as a
 * server's events are; the copy is made, and the last one collected, outside the clock.
 * A forced collection (`gc()`) throws V8's compiled code away, so `rewarms` resolutions of
 * the room already known (as many as its warm-up) compile it again before the clock starts:
 * without them this figure was mostly recompilation (at 11k, 4.8× warm instead of about 2.8×).
 */
function newObjectSamples(room: ForkedRoom, roomVersionId: string, repeats: number, rewarms: number): number[] {
  const roomVersion = parseRoomVersion(roomVersionId);
  const text = JSON.stringify({ events: [...room.events.values()], stateSets: room.stateSets.map((s) => [...s]) });
  const out: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const copy = JSON.parse(text) as { events: Pdu[]; stateSets: Array<Array<[StateKey, EventId]>> };
    const events = new Map(copy.events.map((pdu) => [pdu.event_id as EventId, pdu]));
    const stateSets = copy.stateSets.map((entries) => new Map(entries));
    (globalThis as { gc?: () => void }).gc?.();
    for (let w = 0; w < rewarms; w++) resolveState(roomVersion, room.stateSets, room.fetch);
    out.push(...cpuMillisecondSamples(() => resolveState(roomVersion, stateSets, (id) => events.get(id)), 1));
  }
  return out;
}

/** Pairs of the growth measured in turn (bench/state-res-growth.ts): about 5 s at 45k. */
const GROWTH_PAIRS = 9;

/** The fewest resolutions of the known room between a forced collection and a timed new copy (see above). */
const NEW_OBJECT_REWARMS_MIN = 2;

/** One resolution in a fresh Node process (tsx compiles the TypeScript before the clock starts). */
function coldRun(room: ForkedRoom, roomVersion: string): ColdRun {
  const dir = mkdtempSync(join(tmpdir(), "netsplit-bench-"));
  try {
    const path = join(dir, "room.jsonl");
    const result = join(dir, "result.json");
    const lines: string[] = [];
    for (const pdu of room.events.values()) lines.push(JSON.stringify(pdu));
    lines.push(JSON.stringify(room.stateSets.map((s) => [...s])));
    writeFileSync(path, lines.join("\n") + "\n");
    const r = spawnSync(
      process.execPath,
      ["--expose-gc", "--trace-gc", "--import", "tsx", COLD_SCRIPT, path, roomVersion, result],
      { encoding: "utf8", maxBuffer: 1 << 26 },
    );
    if (r.status !== 0) throw new Error(`cold run failed (${r.status ?? r.signal}): ${r.stderr}`);
    const run = JSON.parse(readFileSync(result, "utf8")) as Omit<ColdRun, "peakHeapMb"> & { heapEndMb: number };
    return { ...run, peakHeapMb: Math.max(run.heapEndMb, peakHeapBeforeCollections(r.stdout)) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The largest heap (MB used) before a collection, among those after the last forced one
 * (`gc()`, "testing" in V8's --trace-gc lines: the cold script's mark that resolution starts).
 */
function peakHeapBeforeCollections(traceGc: string): number {
  const all = traceGc.split("\n");
  const mark = all.indexOf(SECOND_RUN_MARK);
  const lines = mark < 0 ? all : all.slice(0, mark);
  let start = 0;
  lines.forEach((line, i) => {
    if (line.includes(" testing;")) start = i + 1;
  });
  let peak = 0;
  for (const line of lines.slice(start)) {
    const m = / ([\d.]+) \([\d.]+\) -> [\d.]+ \([\d.]+\) MB/.exec(line);
    if (m) peak = Math.max(peak, Number(m[1]));
  }
  return peak;
}

export async function runStateResBench(): Promise<void> {
  console.log(
    `room version ${BENCH_ROOM_VERSION} (state resolution v2); CPU ms; warm = the minimum of the fresh runs; Synapse 1.150 figures from issue 11 (its author's runs, not ours)`,
  );
  const rooms = selectedRooms();
  const rows = rooms.map((room) => measure(room, BENCH_ROOM_VERSION, true));
  console.table(rows.map(issueRow));
  console.log(
    "\nthe cold run and its floor: a fresh process's first resolution, its second (new objects: the code has run once), and new objects in a warm process",
  );
  console.table(rows.filter((m) => m.cold).map(coldRow));
  for (const line of verdicts(rows)) console.log(line);
  const small = rooms.find((r) => r.label === "11k");
  const large = rooms.find((r) => r.label === "45k");
  if (small && large) console.log(pairedGrowthVerdict(await pairedGrowth(small, large, GROWTH_PAIRS)));
  console.log(`\nroom version 12 (state resolution v2.1), same rooms`);
  console.table(
    rooms
      .filter((room) => room.goalMs !== undefined)
      .map((room) => {
        const m = measure({ ...room, newObjectRepeats: 0 }, "12", false);
        return {
          room: room.label,
          events: count(m.events),
          "conflicted keys": count(m.conflictedKeys),
          "fresh ms median/min": `${ms(median(m.fresh))} / ${ms(min(m.fresh))}`,
          "prebuilt ms median/min": `${ms(median(m.prebuilt))} / ${ms(min(m.prebuilt))}`,
        };
      }),
  );
}

/** ISSUE_ROOMS, or those named in STATE_RES_ROOMS (labels, comma-separated). */
function selectedRooms(): readonly BenchRoom[] {
  const wanted = process.env.STATE_RES_ROOMS;
  if (wanted === undefined || wanted === "") return ISSUE_ROOMS;
  const labels = wanted.split(",").map((l) => l.trim());
  const unknown = labels.filter((l) => !ISSUE_ROOMS.some((r) => r.label === l));
  if (unknown.length > 0)
    throw new Error(
      `STATE_RES_ROOMS: no room ${unknown.join(", ")} (rooms: ${ISSUE_ROOMS.map((r) => r.label).join(", ")})`,
    );
  return ISSUE_ROOMS.filter((r) => labels.includes(r.label));
}
