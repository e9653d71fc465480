// Spreading an array into Math.min/Math.max overflows the call stack at about 130,000
// values (merge of a large sweep, a large state table): fold with reduce instead.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = new URL("..", import.meta.url).pathname;
const DIRS = ["cli", "core", "sim", "scenarios", "viz", "bench", "scripts", "test", "examples"];

function* sources(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name === "node_modules" || name.startsWith(".")) continue;
    if (statSync(path).isDirectory()) yield* sources(path);
    else if (/\.(ts|mts|js)$/.test(name)) yield path;
  }
}

describe("no array spread into Math.min / Math.max", () => {
  it("anywhere in the repository", () => {
    const offenders: string[] = [];
    const pattern = new RegExp(["Math\\.(min|max)\\(", "\\.\\.\\."].join(""));
    for (const dir of DIRS) {
      for (const file of sources(join(root, dir)))
        if (pattern.test(readFileSync(file, "utf8"))) offenders.push(file.slice(root.length));
    }
    expect(offenders).toEqual([]);
  });
});
