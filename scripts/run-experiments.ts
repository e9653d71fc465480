// `npm run experiments [name…]`: the shipped experiments (experiments/*.json) at full size,
// each into out/experiments/<name>/ (resumable: run it again to continue), then their
// summary.csv and plots copied to docs/experiments/<name>/, which docs/experiments.md
// shows. Prints how long each grid took. Exits 1 if any experiment's expect block fails.
import { copyFileSync, mkdirSync, readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { main } from "../cli/main.ts";

const wanted = process.argv.slice(2);
const files = readdirSync("experiments")
  .filter((f) => f.endsWith(".json"))
  .filter((f) => wanted.length === 0 || wanted.includes(basename(f, ".json")))
  .sort();
let status = 0;
for (const f of files) {
  const name = basename(f, ".json");
  const out = join("out", "experiments", name);
  const started = performance.now();
  const code = await main(["experiment", join("experiments", f), "--out", out]);
  process.stdout.write(`${name}: exit ${code}, ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
  status = Math.max(status, code);
  const docs = join("docs", "experiments", name);
  mkdirSync(docs, { recursive: true });
  for (const file of readdirSync(out).filter((x) => x.endsWith(".svg") || x === "summary.csv"))
    copyFileSync(join(out, file), join(docs, file));
}
process.exit(status);
