// One process runs at most JOBS_PER_PROCESS_MAX seeds or runs. `sweep --seeds 0..99999999`
// was accepted (the range limit is 100 million) and then ran out of memory, a stack trace
// before the first seed ran, leaving its lock and key files behind: every line is kept for
// the summary. Now it is one line naming the shards to split into, and nothing is written.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UsageError } from "../../cli/command.ts";
import { checkSliceSize, JOBS_PER_PROCESS_MAX } from "../../cli/sweep/seed-range.ts";
import { cli, expectOneLineError, tempDir } from "./cli.ts";

describe("seeds and runs per process", () => {
  it("the bound itself is allowed, one more is refused with the number of shards", () => {
    expect(() =>
      checkSliceSize(5_000_000, { first: 1, last: JOBS_PER_PROCESS_MAX }, "seeds", "seeds 1..5000000"),
    ).not.toThrow();
    expect(() =>
      checkSliceSize(5_000_000, { first: 0, last: JOBS_PER_PROCESS_MAX }, "seeds", "seeds 0..4999999"),
    ).toThrow(
      new UsageError(
        "1000001 seeds in one process, more than 1000000: split the seeds 0..4999999 into at least 5 shards (--shard I/5) and merge their files",
      ),
    );
    expect(() => checkSliceSize(0, null, "seeds", "seeds")).not.toThrow();
  });

  it("sweep of 100 million seeds in one process: one line, and no file beside --out", async () => {
    const out = join(tempDir(), "r.jsonl");
    expectOneLineError(
      await cli("sweep", "three-servers", "--seeds", "0..99999999", "--out", out),
      /^netsplit sweep: 100000000 seeds in one process, more than 1000000: split the seeds 0\.\.99999999 into at least 100 shards \(--shard I\/100\)/,
    );
    expect([out, `${out}.lock`, `${out}.key`].filter(existsSync)).toEqual([]);
  });

  it("a shard of the same range is within the bound", async () => {
    // --shard 100/100 is refused by the shard check, not the size: the slice check runs on the slice.
    expectOneLineError(
      await cli("sweep", "three-servers", "--seeds", "0..99999999", "--shard", "100/100"),
      /shard index 100 is not in 0\.\.99/,
    );
  });

  it("experiment of 2 million runs in one process: one line", async () => {
    const spec = JSON.parse(readFileSync(new URL("../../experiments/lockstep-width.json", import.meta.url), "utf8"));
    const file = join(tempDir(), "big.json");
    writeFileSync(file, JSON.stringify({ ...spec, seeds: 100_000 }));
    expectOneLineError(
      await cli("experiment", file, "--out", join(tempDir(), "out")),
      /2000000 runs in one process, more than 1000000: split the 2000000 runs of .*big\.json into at least 2 shards/,
    );
  });
});
