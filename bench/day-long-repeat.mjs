// The day-long split run again and again in one process, for the day-long bench's "why":
// how much of a single run is V8 warming up (compiling, gathering type feedback) rather
// than the simulation's own work. Loads the prebuilt CLI as bin.js does (code cache and
// all) and calls its main with the same arguments `runs` times; each run's wall
// milliseconds go to stderr as "run-ms N" (its report goes to stdout, which the bench
// ignores).
//   node bench/day-long-repeat.mjs RUNS netsplit-args...

import { loadBundle } from "../cli/code-cache.js";
import { freshBundle } from "../cli/prebuilt.js";

const [runs, ...args] = process.argv.slice(2);
const { exports } = loadBundle(await freshBundle());
for (let i = 0; i < Number(runs); i++) {
  const start = performance.now();
  const code = await exports.main(args);
  const ms = performance.now() - start;
  if (code !== 0) {
    process.stderr.write(`netsplit ${args.join(" ")} exited ${code}\n`);
    process.exit(1);
  }
  process.stderr.write(`run-ms ${ms.toFixed(1)}\n`);
}
