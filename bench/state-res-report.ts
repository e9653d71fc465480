// What the state resolution bench prints (bench/state-res.bench.ts measures): issue 11's
// table, with each goal beside its figure; the cold run beside its floor; and a verdict per
// goal that says where a figure falls short.

import { groupDigits } from "../cli/group-digits.ts";
import type { PairedGrowth } from "./state-res-growth.ts";
import { COLD_OVER_WARM_MAX, GROWTH_MAX, type BenchRoom } from "./state-res-rooms.ts";

export interface Measured {
  room: BenchRoom;
  events: number;
  conflictedKeys: number;
  conflictedEvents: number;
  authDifference: number;
  authChainEvents: number;
  /** Entries of `users` in the PL events the iterative auth checks compare (each read once per new object). */
  plUserEntries: number;
  fresh: number[];
  prebuilt: number[];
  /** Fresh index and a clone of the events each run (empty when not measured). */
  newObjects: number[];
  cold: ColdRun | undefined;
}

export interface ColdRun {
  ms: number;
  /** The same process resolving a new copy of the room right after. */
  secondMs: number;
  heapRoomMb: number;
  peakHeapMb: number;
  rssRoomMb: number;
  peakRssMb: number;
}

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
export const min = (xs: readonly number[]): number => xs.reduce((a, b) => Math.min(a, b), Infinity);
export const ms = (x: number): string => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
export const count = groupDigits;
const times = (x: number): string => `×${x.toFixed(1)}`;

export function issueRow(m: Measured): Record<string, string> {
  const warm = min(m.fresh);
  const goal = m.room.goalMs === undefined ? "few s" : `≤ ${m.room.goalMs}`;
  return {
    room: m.room.label,
    events: count(m.events),
    "conflicted keys (events)": `${count(m.conflictedKeys)} (${count(m.conflictedEvents)})`,
    "auth difference": count(m.authDifference),
    "auth chain events": count(m.authChainEvents),
    "fresh ms median/min (goal)": `${ms(median(m.fresh))} / ${ms(warm)} (${goal})`,
    "prebuilt ms median/min": `${ms(median(m.prebuilt))} / ${ms(min(m.prebuilt))}`,
    [`cold ms (÷ warm, goal ≤ ${COLD_OVER_WARM_MAX})`]: m.cold ? `${ms(m.cold.ms)} (${times(m.cold.ms / warm)})` : "",
    "peak heap MB (room)": m.cold ? `${m.cold.peakHeapMb.toFixed(0)} (${m.cold.heapRoomMb.toFixed(0)})` : "",
    "peak RSS MB (room)": m.cold ? `${m.cold.peakRssMb.toFixed(0)} (${m.cold.rssRoomMb.toFixed(0)})` : "",
    "Synapse ms (issue's author)": m.room.synapseMs ?? "",
    "Synapse ÷ fresh": m.room.synapseMs ? synapseRatio(m.room.synapseMs, warm, median(m.fresh)) : "",
  };
}

/**
 * The cold run beside what bounds it: the same fresh process resolving a new copy right
 * after (its code has run once), and new objects in a warm process (JIT settled, nothing
 * remembered per event object). cold − second is what the first run's compilation costs;
 * new objects − warm is what reading new event objects costs, mostly the PL events' users.
 */
export function coldRow(m: Measured): Record<string, string> {
  const warm = min(m.fresh);
  const newObjects = m.newObjects.length > 0 ? min(m.newObjects) : undefined;
  return {
    room: m.room.label,
    "warm ms": ms(warm),
    "cold ms (÷ warm)": m.cold ? `${ms(m.cold.ms)} (${times(m.cold.ms / warm)})` : "",
    "2nd run, same process, new objects (÷ warm)": m.cold
      ? `${ms(m.cold.secondMs)} (${times(m.cold.secondMs / warm)})`
      : "",
    "new objects, warm JIT, median/min (÷ warm)":
      newObjects === undefined ? "" : `${ms(median(m.newObjects))} / ${ms(newObjects)} (${times(newObjects / warm)})`,
    "PL users entries compared": count(m.plUserEntries),
  };
}

/** One line per goal of issue 11: the figure, the goal, and whether it is met. */
export function verdicts(rows: readonly Measured[]): string[] {
  const out: string[] = [];
  for (const m of rows) {
    const warm = min(m.fresh);
    if (m.room.goalMs !== undefined) {
      const met = warm <= m.room.goalMs;
      out.push(`${m.room.label} fresh: ${ms(warm)} ms, goal ≤ ${m.room.goalMs}: ${met ? "met" : "SHORT"}`);
    }
    if (m.cold) {
      const ratio = m.cold.ms / warm;
      const met = ratio <= COLD_OVER_WARM_MAX;
      out.push(
        `${m.room.label} cold: ${times(ratio)} warm, goal ≤ ×${COLD_OVER_WARM_MAX}: ${met ? "met" : `SHORT${coldWhy(m, warm)}`}`,
      );
    }
  }
  const eleven = rows.find((r) => r.room.label === "11k");
  const fortyFive = rows.find((r) => r.room.label === "45k");
  if (eleven && fortyFive) {
    const growth = min(fortyFive.fresh) / min(eleven.fresh);
    out.push(
      `growth 11k → 45k (${times(fortyFive.events / eleven.events)} events), the table's minima: ${times(growth)} fresh, goal ≤ ×${GROWTH_MAX}: ${growth <= GROWTH_MAX ? "met" : `SHORT${GROWTH_WHY}`} (${times(min(fortyFive.prebuilt) / min(eleven.prebuilt))} prebuilt)`,
    );
  }
  return out;
}

/** The growth goal's line from the pairs (bench/state-res-growth.ts): the median ratio decides. */
export function pairedGrowthVerdict(g: PairedGrowth): string {
  const growth = median(g.ratios);
  const lo = min(g.ratios);
  const hi = g.ratios.reduce((a, b) => Math.max(a, b), 0);
  return (
    `growth 11k → 45k, in ${g.ratios.length} pairs measured in turn: median ${times(growth)} (pairs ${times(lo)}–${times(hi)}; ` +
    `${ms(median(g.smallMs))} and ${ms(median(g.largeMs))} ms), goal ≤ ×${GROWTH_MAX}: ${growth <= GROWTH_MAX ? "met" : `SHORT${GROWTH_WHY}`}`
  );
}

/**
 * Why a cold run falls short, from the bench's own figures: what new event objects cost
 * once the code is compiled; the cold run's excess over that is V8 compiling the resolver
 * and running it unoptimised the first time.
 */
function coldWhy(m: Measured, warm: number): string {
  if (m.newObjects.length === 0) return "";
  return ` (new objects in a warm JIT: ${times(min(m.newObjects) / warm)}; the rest is V8 compiling the resolver and running it unoptimised, once)`;
}

/**
 * Why growth in time can fall short where the work does not: the count of instructions
 * (bench:instructions' growth phase) separates the resolver's from the collector's and the
 * compilers', and waiting on memory costs time but no instruction.
 */
const GROWTH_WHY =
  " in time (the resolver's instructions, V8's collector and compilers aside, are counted by npm run bench:instructions -- growth; time also pays for what a count cannot see, waiting on memory among it, and for the collector)";

/** Synapse's range over our median and minimum, lowest ratio first. */
function synapseRatio(range: string, best: number, typical: number): string {
  const [lo, hi] = range.split("–").map((s) => Number(s.replace(/,/g, "")));
  return `×${(lo! / typical).toFixed(0)}–${(hi! / best).toFixed(0)}`;
}
