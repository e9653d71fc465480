#!/usr/bin/env node
// The `netsplit` command. The CLI is TypeScript; it runs from plain JavaScript that
// cli/prebuilt.js bundles into dist-cli/ on the first start and again whenever a source
// file has changed, so that a start costs a fraction of a second instead of compiling
// TypeScript. Should the build fail (esbuild missing, a read-only install), the CLI still
// runs, compiled on the fly by tsx (slower to start), and says why on stderr.
import { leaveWithParent, needsSingleThreadedGc, rerunWithSingleThreadedGc } from "./single-threaded-gc.js";

// `netsplit sweep … | head`: a reader that goes away is not an error worth a stack trace.
process.stdout.on("error", (e) => {
  if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw e;
});

leaveWithParent();
process.exitCode = needsSingleThreadedGc() ? await rerunWithSingleThreadedGc() : await runCli();

async function runCli() {
  let bundle;
  try {
    const { freshBundle } = await import("./prebuilt.js");
    bundle = await freshBundle();
  } catch (e) {
    const reason = String(e?.message ?? e).split("\n")[0];
    process.stderr.write(`netsplit: cannot build dist-cli/ (${reason}); running the TypeScript through tsx instead\n`);
    const { register } = await import("tsx/esm/api");
    register();
    const { main } = await import(new URL("./main.ts", import.meta.url).href);
    return main(process.argv.slice(2));
  }
  const { loadBundle } = await import("./code-cache.js");
  const { exports, finished } = loadBundle(bundle);
  const code = await exports.main(process.argv.slice(2));
  finished();
  return code;
}
