// `npm run bench`: every benchmark suite, one after the other, printing figures.
// Suites take their wall clock from bench/clock.ts (benchmarks are the one place where
// real time is the point); they never assert on time.

import { runCryptoBench } from "./crypto.bench.ts";

const SUITES: ReadonlyArray<{ name: string; run: () => void | Promise<void> }> = [
  { name: "event ids, signatures, verifications", run: runCryptoBench },
];

const only = process.argv.slice(2);
for (const suite of SUITES) {
  if (only.length > 0 && !only.some((o) => suite.name.includes(o))) continue;
  console.log(`\n## ${suite.name}\n`);
  await suite.run();
}
