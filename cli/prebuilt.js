// The CLI as prebuilt JavaScript: esbuild bundles cli/main.ts and the workers into
// dist-cli/ (git-ignored), so that `netsplit` and each worker thread start without
// compiling TypeScript (through tsx that costs about a second of CPU per process and per
// worker). cli/bin.js calls freshBundle() on every start: it rebuilds only when a file
// the last build read has changed (size or mtime, listed in dist-cli/inputs.json), or is
// gone. Plain JavaScript because it runs before anything could compile TypeScript.
//
// The bundles are CommonJS, one file each: bin.js runs main.cjs through V8's code cache
// (cli/code-cache.js), which Node 20 offers for scripts and not for ES modules.
//
// `node cli/prebuilt.js` builds (or checks) by hand; `npm run build:cli` does the same.

import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const OUT_DIR = join(ROOT, "dist-cli");
const INPUTS = join(OUT_DIR, "inputs.json");
/** Bundle name → TypeScript entry. The names are what cli/sweep/pool.ts and cli/experiment/jobs.ts expect beside them. */
const ENTRIES = { main: "cli/main.ts", worker: "cli/sweep/worker.ts", "experiment-worker": "cli/experiment/worker.ts" };
// Bumped when the build's options change, so that an old bundle is rebuilt.
const FORMAT = 4;
/** Files of an earlier build that no build has written for this long are deleted (a process started before the rebuild may still load one). */
const STALE_FILE_MS = 3600_000;

/** Whether dist-cli/ was built from the files as they are now. */
export function isFresh() {
  let recorded;
  try {
    recorded = JSON.parse(readFileSync(INPUTS, "utf8"));
  } catch {
    return false;
  }
  if (recorded.format !== FORMAT) return false;
  for (const [file, seen] of Object.entries(recorded.files)) {
    try {
      const s = statSync(join(ROOT, file));
      if (s.size !== seen.size || s.mtimeMs !== seen.mtimeMs) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/** Bundle the CLI into dist-cli/ (esbuild is loaded only now: fresh starts never pay for it). */
export async function build() {
  const esbuild = await import("esbuild");
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: ENTRIES,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    outExtension: { ".js": ".cjs" },
    // What the sources ask of import.meta (where a worker's file is, package.json) comes
    // from the bundle's own path: a CommonJS file has no import.meta.
    define: { "import.meta.url": "__netsplitUrl" },
    banner: { js: 'const __netsplitUrl = require("node:url").pathToFileURL(__filename).href;' },
    sourcemap: "linked",
    outdir: OUT_DIR,
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  mkdirSync(OUT_DIR, { recursive: true });
  // Each file is written whole under a temporary name and renamed: several `netsplit`
  // processes started at once (tests, a sweep's shards) may all build, and none may read
  // half a file. inputs.json goes last, so a crash in between leaves a stale build.
  for (const file of result.outputFiles)
    writeWhole(file.path, file.path.endsWith(".cjs") ? asciiOnly(file.text) : file.contents);
  removeStaleFiles(new Set(result.outputFiles.map((f) => f.path)));
  const files = {};
  for (const input of Object.keys(result.metafile.inputs)) {
    files[input] = sizeAndTime(join(ROOT, input));
  }
  // A changed package.json (a dependency updated) rebuilds too.
  files["package.json"] = sizeAndTime(join(ROOT, "package.json"));
  writeWhole(INPUTS, JSON.stringify({ format: FORMAT, files }, null, 1) + "\n");
}

/**
 * Files of earlier builds: ES module chunks and bundles of older formats, code caches of
 * other bundles (kept an hour: a process started before this build may still read one).
 */
function removeStaleFiles(written) {
  for (const name of readdirSync(OUT_DIR)) {
    const path = join(OUT_DIR, name);
    if (written.has(path) || name === "inputs.json") continue;
    try {
      if (Date.now() - statSync(path).mtimeMs > STALE_FILE_MS) rmSync(path);
    } catch {
      // Another build removed it first.
    }
  }
}

/**
 * The bundle as ASCII, which Node reads as text several times faster than UTF-8
 * (code-cache.js). esbuild already escapes every string, template and regular expression
 * (its charset "ascii", the default); what remains are the comments it keeps, whose arrows
 * and symbols become "?" (one per UTF-16 unit, so the source map's columns still hold).
 */
function asciiOnly(text) {
  // eslint-disable-next-line no-control-regex -- every character above U+007F
  return text.replace(/[^\x00-\x7f]/g, "?");
}

function sizeAndTime(path) {
  const s = statSync(path);
  return { size: s.size, mtimeMs: s.mtimeMs };
}

function writeWhole(path, contents) {
  const temporary = `${path}.${process.pid}.tmp`;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(temporary, contents);
  renameSync(temporary, path);
}

/** The path of dist-cli/main.cjs, built first when missing or stale. */
export async function freshBundle() {
  if (!isFresh()) await build();
  return join(OUT_DIR, "main.cjs");
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const fresh = isFresh();
  if (!fresh) await build();
  process.stdout.write(`${relative(process.cwd(), OUT_DIR) || "."}/: ${fresh ? "up to date" : "built"}\n`);
}
