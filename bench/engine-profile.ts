// A CPU profile of the engine's talking phase, not a benchmark: a warm run of 10
// servers in one busy room (the JIT warmed by a smaller run of the same shape, set-up
// excluded from the profile), profiled through the inspector and written as a
// .cpuprofile (Chrome DevTools reads it), then its top functions by self time. Bundle
// it first, so that functions keep their names and lines and no loader runs:
//   npx esbuild bench/engine-profile.ts --bundle --platform=node --format=esm --outfile=/tmp/ep/main.mjs
//   node /tmp/ep/main.mjs [out.cpuprofile]
// BENCH_PROFILE_MESSAGES (3000) and BENCH_PROFILE_SIGNING=1 choose the run.

import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import { busyRoom, talk } from "./engine.bench.ts";
import { cpuMicrosecondsOf } from "./clock.ts";
import { topSelfTime, type CpuProfile } from "./engine-profile-top.ts";

const messages = Number(process.env.BENCH_PROFILE_MESSAGES ?? 3000);
const signing = process.env.BENCH_PROFILE_SIGNING === "1";
const out = process.argv[2] ?? "engine.cpuprofile";

talk(busyRoom(10, signing), 300, 10);
const setup = busyRoom(10, signing);
const accepted = setup.world.trace.count("pdu.accepted");

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
post("Profiler.start");
const cpuUs = cpuMicrosecondsOf(() => talk(setup, messages, 10));
const { profile } = post("Profiler.stop") as { profile: CpuProfile };
session.disconnect();

const deliveries = setup.world.trace.count("pdu.accepted") - accepted;
writeFileSync(out, JSON.stringify(profile));
console.log(
  `${signing ? "signed" : "unsigned"}, 10 servers, ${messages} messages: ${deliveries} deliveries, ` +
    `${(cpuUs / deliveries).toFixed(1)} CPU µs/delivery (profiler on); profile in ${out}`,
);
console.table(topSelfTime(profile, 25));
