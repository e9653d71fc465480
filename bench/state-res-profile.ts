// A CPU profile of one of issue 11's state resolution rooms (bench/state-res-rooms.ts), not
// a benchmark: the JIT warmed on the room first, then several resolutions profiled through
// the inspector, and their top functions by self time. Bundle it first, so that functions
// keep their names and lines and no loader runs:
//   npx esbuild bench/state-res-profile.ts --bundle --platform=node --format=esm --outfile=/tmp/sp/main.mjs
//   node /tmp/sp/main.mjs <room label> <fresh|prebuilt|new> [runs] [out.cpuprofile]
// "fresh": a new auth-chain index each run, the same event objects; "prebuilt": one index
// built beforehand; "new": a new copy of the events each run (parsed from JSON between the
// profiled stretches), the bench's "new objects, warm JIT". No forced collection anywhere:
// V8's gc() throws compiled code away. The profiler runs throughout; only the samples taken
// inside the timed resolutions count.

import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import {
  AuthChainIndex,
  parseRoomVersion,
  resolveState,
  type EventId,
  type Pdu,
  type StateKey,
} from "../core/index.ts";
import { cpuMillisecondSamples } from "./clock.ts";
import { topSelfTime, type CpuProfile } from "./engine-profile-top.ts";
import { BENCH_ROOM_VERSION, generateBenchRoom, ISSUE_ROOMS } from "./state-res-rooms.ts";

const [label = "45k", mode = "fresh", runsText = "5", out = "state-res.cpuprofile"] = process.argv.slice(2);
const room = ISSUE_ROOMS.find((r) => r.label === label);
if (room === undefined || !["fresh", "prebuilt", "new"].includes(mode)) {
  console.error(
    `usage: state-res-profile <${ISSUE_ROOMS.map((r) => r.label).join("|")}> <fresh|prebuilt|new> [runs] [out]`,
  );
  process.exit(2);
}
const runs = Number(runsText);
const version = parseRoomVersion(BENCH_ROOM_VERSION);
const forked = generateBenchRoom(room);
const text = JSON.stringify({ events: [...forked.events.values()], stateSets: forked.stateSets.map((s) => [...s]) });
const prebuilt = new AuthChainIndex();
resolveState(version, forked.stateSets, forked.fetch, { authChains: prebuilt });

/** A new copy of the room (the bench's "new objects"). */
function copy(): { fetch: (id: EventId) => Pdu | undefined; stateSets: Array<Map<StateKey, EventId>> } {
  const c = JSON.parse(text) as { events: Pdu[]; stateSets: Array<Array<[StateKey, EventId]>> };
  const events = new Map(c.events.map((pdu) => [pdu.event_id as EventId, pdu]));
  return { fetch: (id) => events.get(id), stateSets: c.stateSets.map((e) => new Map(e)) };
}
function once(room: ReturnType<typeof copy> | undefined): void {
  if (mode === "prebuilt") resolveState(version, forked.stateSets, forked.fetch, { authChains: prebuilt });
  else if (room !== undefined) resolveState(version, room.stateSets, room.fetch);
  else resolveState(version, forked.stateSets, forked.fetch);
}
for (let i = 0; i < Math.max(2, room.warmups); i++) once(mode === "new" ? copy() : undefined);

const session = new Session();
session.connect();
const post = (method: string, params?: object): unknown => {
  let result: unknown;
  let failure: unknown;
  session.post(method, params, (err, res) => {
    failure = err;
    result = res;
  });
  if (failure) throw failure;
  return result;
};
post("Profiler.enable");
post("Profiler.setSamplingInterval", { interval: 100 });
const samples: number[] = [];
const windows: Array<[number, number]> = [];
const now = (): number => Number(process.hrtime.bigint() / 1000n);
post("Profiler.start");
// Starting the profiler throws compiled code away: four runs recompile it, outside the figures.
for (let i = 0; i < 4; i++) once(mode === "new" ? copy() : undefined);
for (let i = 0; i < runs; i++) {
  // A copy is half a gigabyte at 45k: made (and the last one dropped) between the profiled stretches.
  const copied = mode === "new" ? copy() : undefined;
  const from = now();
  samples.push(...cpuMillisecondSamples(() => once(copied), 1));
  windows.push([from, now()]);
}
// The profile's clock is the monotonic one (µs), as hrtime's: only samples inside the runs count.
const profile = within(post("Profiler.stop") as { profile: CpuProfile & { startTime: number } }, windows);
session.disconnect();
writeFileSync(out, JSON.stringify(profile));
console.log(
  `${label} ${mode}: CPU ms per run (profiler on) ${samples.map((s) => s.toFixed(0)).join(", ")}; profile in ${out}`,
);
console.table(topSelfTime(profile, 30));

/** The profile with only the samples taken inside `windows` (µs, the profile's clock). */
function within(
  { profile }: { profile: CpuProfile & { startTime: number } },
  windows: ReadonlyArray<[number, number]>,
): CpuProfile {
  const samples: number[] = [];
  const timeDeltas: number[] = [];
  let t = profile.startTime;
  profile.samples.forEach((id, i) => {
    t += profile.timeDeltas[i] ?? 0;
    if (!windows.some(([from, to]) => t >= from && t <= to)) return;
    samples.push(id);
    timeDeltas.push(profile.timeDeltas[i] ?? 0);
  });
  return { nodes: profile.nodes, samples, timeDeltas };
}
