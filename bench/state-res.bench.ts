// State resolution on issue 11's rooms (bench/state-res-rooms.ts): per room the events,
// conflicted keys, auth difference, and milliseconds per resolution with a fresh
// auth-chain index, with one built beforehand (as a homeserver holds it), and cold (the
// first resolution in a fresh process), with the issue's goals and Synapse figures beside
// them; memory is the cold process's peak resident size beside its size with the room
// loaded (a heap's size after a call is not its peak: the collector may have shrunk it). Warm figures are the median and the minimum of several runs: the machine is
// shared, so the minimum is the better estimate of the code's speed, the median of what a
// caller sees. A second, shorter table checks v2.1 (room version 12) on the same rooms.

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { AuthChainIndex, conflictedStateSet, parseRoomVersion, resolveState } from "../core/index.ts";
import type { ForkedRoom } from "../scenarios/generators/forked-room.ts";
import { millisecondSamples } from "./clock.ts";
import {
  BENCH_ROOM_VERSION,
  COLD_OVER_WARM_MAX,
  generateBenchRoom,
  GROWTH_MAX,
  ISSUE_ROOMS,
  type BenchRoom,
} from "./state-res-rooms.ts";

const COLD_SCRIPT = fileURLToPath(new URL("./state-res-cold.ts", import.meta.url));

interface Measured {
  room: BenchRoom;
  events: number;
  conflictedKeys: number;
  conflictedEvents: number;
  authDifference: number;
  authChainEvents: number;
  fresh: number[];
  prebuilt: number[];
  cold: { ms: number; heapRoomMb: number; rssRoomMb: number; peakRssMb: number } | undefined;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const min = (xs: readonly number[]): number => xs.reduce((a, b) => Math.min(a, b), Infinity);
const ms = (x: number): string => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
const count = (n: number): string => n.toLocaleString("en-US");

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
  const fresh = millisecondSamples(() => resolveState(roomVersion, forked.stateSets, forked.fetch), room.repeats);
  const prebuilt = millisecondSamples(
    () => resolveState(roomVersion, forked.stateSets, forked.fetch, { authChains: prebuiltIndex }),
    room.repeats,
  );
  const conflicted = conflictedStateSet(forked.stateSets);
  return {
    room,
    events: forked.events.size,
    conflictedKeys: conflicted.size,
    conflictedEvents: explanation.conflictedStateSet.length,
    authDifference: explanation.authDifference.length,
    authChainEvents: prebuiltIndex.size,
    fresh,
    prebuilt,
    cold: cold ? coldRun(forked, roomVersionId) : undefined,
  };
}

/** One resolution in a fresh Node process (tsx compiles the TypeScript before the clock starts). */
function coldRun(room: ForkedRoom, roomVersion: string): Measured["cold"] {
  const dir = mkdtempSync(join(tmpdir(), "netsplit-bench-"));
  try {
    const path = join(dir, "room.jsonl");
    const lines: string[] = [];
    for (const pdu of room.events.values()) lines.push(JSON.stringify(pdu));
    lines.push(JSON.stringify(room.stateSets.map((s) => [...s])));
    writeFileSync(path, lines.join("\n") + "\n");
    const r = spawnSync(process.execPath, ["--expose-gc", "--import", "tsx", COLD_SCRIPT, path, roomVersion], {
      encoding: "utf8",
      maxBuffer: 1 << 20,
    });
    if (r.status !== 0) throw new Error(`cold run failed (${r.status ?? r.signal}): ${r.stderr}`);
    return JSON.parse(r.stdout) as Measured["cold"];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function issueRow(m: Measured): Record<string, string> {
  const warm = min(m.fresh);
  return {
    room: m.room.label,
    events: count(m.events),
    "conflicted keys (events)": `${count(m.conflictedKeys)} (${count(m.conflictedEvents)})`,
    "auth difference": count(m.authDifference),
    "auth chain events": count(m.authChainEvents),
    "fresh ms median/min": `${ms(median(m.fresh))} / ${ms(warm)}`,
    "goal ms": m.room.goalMs === undefined ? "few s" : `≤ ${m.room.goalMs}`,
    "prebuilt ms median/min": `${ms(median(m.prebuilt))} / ${ms(min(m.prebuilt))}`,
    "cold ms (÷ warm, goal ≤ 3)": m.cold ? `${ms(m.cold.ms)} (×${(m.cold.ms / warm).toFixed(1)})` : "",
    "peak RSS MB (room loaded)": m.cold ? `${m.cold.peakRssMb.toFixed(0)} (${m.cold.rssRoomMb.toFixed(0)})` : "",
    "Synapse ms (issue's author)": m.room.synapseMs ?? "",
    "Synapse ÷ fresh": m.room.synapseMs ? synapseRatio(m.room.synapseMs, warm, median(m.fresh)) : "",
  };
}

/** Synapse's range over our median and minimum, lowest ratio first. */
function synapseRatio(range: string, best: number, typical: number): string {
  const [lo, hi] = range.split("–").map((s) => Number(s.replace(/,/g, "")));
  return `×${(lo! / typical).toFixed(0)}–${(hi! / best).toFixed(0)}`;
}

export function runStateResBench(): void {
  console.log(
    `room version ${BENCH_ROOM_VERSION} (state resolution v2); warm = the minimum of the fresh runs; Synapse 1.150 figures from issue 11 (its author's runs, not ours)`,
  );
  const rows = ISSUE_ROOMS.map((room) => measure(room, BENCH_ROOM_VERSION, true));
  console.table(rows.map(issueRow));
  const [, eleven, fortyFive] = rows;
  if (eleven && fortyFive) {
    const growth = min(fortyFive.fresh) / min(eleven.fresh);
    console.log(
      `growth 11k → 45k (×${(fortyFive.events / eleven.events).toFixed(1)} events): ×${growth.toFixed(1)} fresh (goal ≤ ×${GROWTH_MAX}), ×${(min(fortyFive.prebuilt) / min(eleven.prebuilt)).toFixed(1)} prebuilt`,
    );
  }
  console.log(`cold goal: within ×${COLD_OVER_WARM_MAX} of warm`);
  console.log(`\nroom version 12 (state resolution v2.1), same rooms`);
  console.table(
    ISSUE_ROOMS.slice(0, 3).map((room) => {
      const m = measure(room, "12", false);
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
