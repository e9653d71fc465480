// `npm run bench`: the suites of bench/index.ts bundled by esbuild, as the CLI is
// (cli/prebuilt.js), and run with --expose-gc, so that they time the code users run and
// not the TypeScript loader's one module per file. Under tsx the engine's delivery path
// took 0.98-1.48 times the CPU of the same sources bundled (14 pairs of runs at 10
// servers, median 1.17); a fresh state resolution, which crosses fewer modules, 1.03-1.15
// (three pairs, best of 40 runs at 11k events). The bundle is written beside the
// sources (bench/.bundle-<pid>.mjs, not kept in git; one per run, so that two benches at
// once do not share one), so that paths the suites take from import.meta.url stay right;
// packages stay outside it, loaded from node_modules.

import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";

const HERE = dirname(fileURLToPath(import.meta.url));
const BUNDLE = join(HERE, `.bundle-${process.pid}.mjs`);

try {
  buildSync({
    entryPoints: [join(HERE, "index.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    outfile: BUNDLE,
    logLevel: "error",
  });
} catch {
  // esbuild has printed what it could not build.
  process.exit(2);
}
const run = spawnSync(process.execPath, ["--expose-gc", BUNDLE, ...process.argv.slice(2)], { stdio: "inherit" });
rmSync(BUNDLE, { force: true });
if (run.error) {
  console.error(`bench: ${run.error.message}`);
  process.exit(2);
}
// A child ended by a signal (Ctrl-C, a time limit) has no status: say which, rather than
// leave a bare exit code.
if (run.status === null) console.error(`bench: the suites were stopped by ${run.signal}`);
process.exit(run.status ?? 1);
