// Runs the CommonJS bundle of dist-cli/ (cli/prebuilt.js) through V8's code cache: the
// bytecode of every function a run compiled, saved beside the bundle and handed back to
// V8 on the next start, so that a command neither parses the bundle nor compiles its
// functions again (a day-long `netsplit run` compiles about 2,000 of them as it goes).
// Node 20 has no such cache for ES modules (module.enableCompileCache is Node 22), hence
// a CommonJS bundle run as a vm.Script, as v8-compile-cache does.
//
// The cache file is named by a hash of the bundle's text (V8 itself checks only the
// source's length) and of this Node's version and V8 flags (V8 refuses a cache made under
// others). It starts with eight bytes of its own: how long the run that made it
// lasted. A run saves the cache when there is none, when V8 refused it, or when the run
// lasted more than twice as long as the one that made it (a `--help` compiles little of
// what a scenario run needs). A cache is written whole under a temporary name and renamed;
// one that cannot be written (a read-only install) is simply not kept.

import { createHash } from "node:crypto";
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import { Script } from "node:vm";

const HEADER_BYTES = 8;
/** A run shorter than this never replaces a cache: it compiled too little to matter. */
const WORTH_SAVING_MS = 200;

/** Where the cache of `file`, whose bytes are `bytes`, lives for this Node and these flags. */
export function cachePath(file, bytes) {
  const key = createHash("sha256")
    .update(`${process.version} ${process.arch} ${process.execArgv.join(" ")}\n`)
    .update(bytes)
    .digest("hex")
    .slice(0, 16);
  return join(dirname(file), `${basename(file)}.${key}.v8cache`);
}

/** The bundle's text: prebuilt.js writes it as ASCII, which decodes as latin1 at once; UTF-8 otherwise. */
function textOf(bytes) {
  const latin1 = bytes.toString("latin1");
  return NON_ASCII.test(latin1) ? bytes.toString("utf8") : latin1;
}

// eslint-disable-next-line no-control-regex -- any byte above 0x7f
const NON_ASCII = /[^\x00-\x7f]/;

/**
 * Load the CommonJS `file` with its code cache; returns its exports, what became of the
 * cache ("none", "used" or "rejected" by V8) and `finished`, to be called when the command
 * is done: it saves the cache when this run should.
 */
export function loadBundle(file) {
  const startedMs = performance.now();
  const bytes = readFileSync(file);
  const source = textOf(bytes);
  const cacheFile = cachePath(file, bytes);
  const cached = readCache(cacheFile);
  // The wrapper Node puts around a CommonJS module, so that the bundle runs as one.
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new Script(wrapped, {
    filename: file,
    ...(cached ? { cachedData: cached.data } : {}),
  });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  const status = !cached ? "none" : script.cachedDataRejected ? "rejected" : "used";
  const finished = () => {
    const ranMs = performance.now() - startedMs;
    if (shouldSave(status, cached?.ranMs ?? 0, ranMs)) writeCache(cacheFile, script.createCachedData(), ranMs);
  };
  return { exports: module.exports, finished, cache: status };
}

/** Whether a run that took `ranMs` saves the cache (status: what became of the one read; madeInMs: how long its run took). */
export function shouldSave(status, madeInMs, ranMs) {
  if (status !== "used") return true;
  return ranMs > WORTH_SAVING_MS && ranMs > 2 * madeInMs;
}

function readCache(path) {
  let bytes;
  try {
    bytes = readFileSync(path);
  } catch {
    return undefined;
  }
  if (bytes.length <= HEADER_BYTES) return undefined;
  return { ranMs: bytes.readDoubleLE(0), data: bytes.subarray(HEADER_BYTES) };
}

function writeCache(path, data, ranMs) {
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeDoubleLE(ranMs, 0);
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, Buffer.concat([header, data]));
    renameSync(temporary, path);
  } catch {
    // Not kept (a read-only install, a full disk): the next start compiles as usual.
    rmSync(temporary, { force: true });
  }
}
