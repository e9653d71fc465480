// cli/code-cache.js: the CLI's bundle runs through V8's code cache, which must be used when
// it fits, refused and replaced when it does not, never found for other bytes, and never
// make a run fail when it cannot be written.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cachePath, loadBundle, shouldSave } from "../../cli/code-cache.js";
import { tempDir } from "./cli.ts";

function bundle(dir: string, answer: number): string {
  const file = join(dir, "main.cjs");
  // A few functions to compile, and the CommonJS a bundle uses: exports, require, __filename.
  writeFileSync(
    file,
    `const path = require("node:path");\n` +
      `function square(n) { return n * n; }\n` +
      `exports.main = () => square(${answer}) + path.basename(__filename).length * 0;\n`,
  );
  return file;
}

describe("the code cache of the CLI's bundle", () => {
  it("runs the bundle, saves the cache, and uses it on the next start", () => {
    const file = bundle(tempDir(), 7);
    const first = loadBundle(file);
    expect(first.cache).toBe("none");
    expect((first.exports.main as () => number)()).toBe(49);
    first.finished();
    const cache = cachePath(file, readFileSync(file));
    expect(readdirSync(join(file, "..")).filter((f) => f.endsWith(".v8cache"))).toEqual([cache.split("/").pop()]);
    const second = loadBundle(file);
    expect(second.cache).toBe("used");
    expect((second.exports.main as () => number)()).toBe(49);
  });

  it("names the cache by the bundle's bytes: another build never finds it", () => {
    const dir = tempDir();
    const file = bundle(dir, 7);
    loadBundle(file).finished();
    const firstBytes = readFileSync(file);
    const other = bundle(dir, 8); // the same path and length, other bytes: V8's own check would pass
    expect(readFileSync(other).length).toBe(firstBytes.length);
    expect(cachePath(other, readFileSync(other))).not.toBe(cachePath(file, firstBytes));
    const rebuilt = loadBundle(other);
    expect(rebuilt.cache).toBe("none");
    expect((rebuilt.exports.main as () => number)()).toBe(64);
  });

  it("replaces a cache V8 refuses (a damaged file) and still runs", () => {
    const file = bundle(tempDir(), 3);
    const cache = cachePath(file, readFileSync(file));
    writeFileSync(cache, Buffer.concat([Buffer.alloc(8), Buffer.from("not a code cache at all")]));
    const damaged = loadBundle(file);
    expect(damaged.cache).toBe("rejected");
    expect((damaged.exports.main as () => number)()).toBe(9);
    damaged.finished();
    expect(loadBundle(file).cache).toBe("used");
  });

  it("keeps no cache it cannot write, without failing the run", () => {
    const file = bundle(tempDir(), 2);
    // A directory where the cache should go: the rename fails, as on a read-only install.
    mkdirSync(cachePath(file, readFileSync(file)));
    const run = loadBundle(file);
    expect(() => run.finished()).not.toThrow();
    expect(readdirSync(join(file, "..")).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("saves when there is no usable cache, or when a run lasted over twice as long as the one that made it", () => {
    expect(shouldSave("none", 0, 5)).toBe(true);
    expect(shouldSave("rejected", 1000, 5)).toBe(true);
    expect(shouldSave("used", 50, 90)).toBe(false); // too short to matter
    expect(shouldSave("used", 50, 900)).toBe(true); // --help made it, a scenario run replaces it
    expect(shouldSave("used", 900, 1000)).toBe(false);
    expect(shouldSave("used", 900, 2000)).toBe(true);
  });
});
