// `npm run bench`: every benchmark suite, one after the other, printing figures.
// Suites take their wall clock from bench/clock.ts (benchmarks are the one place where
// real time is the point); they never assert on time.

import { runCryptoBench } from "./crypto.bench.ts";
import { runDayLongSplitBench } from "./day-long-split.bench.ts";
import { runEngineBench } from "./engine.bench.ts";
import { runEngineGrowthBench } from "./engine-growth.bench.ts";
import { runStateResBench } from "./state-res.bench.ts";
import { runSweepBench } from "./sweep.bench.ts";

const SUITES: ReadonlyArray<{ name: string; run: () => void | Promise<void> }> = [
  { name: "event ids, signatures, verifications", run: runCryptoBench },
  { name: "state resolution", run: runStateResBench },
  { name: "engine throughput", run: runEngineBench },
  { name: "engine growth and memory", run: runEngineGrowthBench },
  { name: "sweep throughput", run: runSweepBench },
  { name: "day-long split, whole process", run: runDayLongSplitBench },
];

const only = process.argv.slice(2);
for (const suite of SUITES) {
  if (only.length > 0 && !only.some((o) => suite.name.includes(o))) continue;
  console.log(`\n## ${suite.name}\n`);
  await suite.run();
}
