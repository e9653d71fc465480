// Inputs are read with a bound. Found by `npm run fuzz` (seed 13300, argument lists):
// `resolve /dev/full` read a device that never ends into one growing buffer until the
// process died of std::bad_alloc. Every file a command reads (a scenario, a fixture, an
// experiment, a recording, a registration, a results file's lines) now stops past its
// bound with one line and exit 2; pipes and short files still read whole.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { INPUT_BYTES_MAX, readInputText } from "../../cli/input-file.ts";
import { readLines } from "../../cli/sweep/line-reader.ts";
import { UsageError } from "../../cli/command.ts";
import { bin, cli, expectOneLineError, tempDir } from "./cli.ts";

describe("input files are read with a bound", () => {
  it("a device that never ends is refused past the bound", () => {
    expect(() => readInputText("/dev/zero", 3_000_000)).toThrow(
      new UsageError("/dev/zero holds more than 3000000 bytes, the most an input may"),
    );
  });

  it("a file of exactly the bound is read; one byte more is refused", () => {
    const file = join(tempDir(), "f.json");
    writeFileSync(file, "[1]");
    expect(readInputText(file, 3)).toBe("[1]");
    expect(() => readInputText(file, 2)).toThrow(/holds more than 2 bytes/);
  });

  it("a pipe is read whole (it has no size to ask for beforehand)", () => {
    const fixture = new URL("../fixtures/synapse-mainline-sort.json", import.meta.url).pathname;
    const r = spawnSync("sh", ["-c", `cat '${fixture}' | node '${bin}' resolve --json /dev/stdin`], {
      encoding: "utf8",
    });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^{\n {2}"state": {/);
    expect(r.stdout).toBe(spawnSync("node", [bin, "resolve", "--json", fixture], { encoding: "utf8" }).stdout);
  });

  it("resolve, run, sweep, experiment and serve --replay refuse /dev/full in one line", async () => {
    const bound = `more than ${INPUT_BYTES_MAX / 1024 / 1024} MiB`;
    expectOneLineError(await cli("resolve", "/dev/full"), new RegExp(`/dev/full holds ${bound}`));
    expectOneLineError(await cli("run", "/dev/full"), new RegExp(`/dev/full holds ${bound}`));
    expectOneLineError(await cli("sweep", "/dev/zero", "--seeds", "1..1"), new RegExp(`/dev/zero holds ${bound}`));
    expectOneLineError(await cli("experiment", "/dev/zero"), new RegExp(`/dev/zero holds ${bound}`));
    expectOneLineError(await cli("serve", "--replay", "/dev/zero"), new RegExp(`/dev/zero holds ${bound}`));
  });

  it("a directory is one line too", async () => {
    expectOneLineError(await cli("resolve", tempDir()), /cannot read .*: EISDIR/);
  });
});

describe("results files are read with a bound on a line", () => {
  it("a line without end is refused past the bound, naming the line", () => {
    const read = () => [...readLines("/dev/zero", () => {}, 5_000_000)];
    expect(read).toThrow(new UsageError("/dev/zero:1: a line longer than 5000000 bytes; not a results file"));
  });

  it("merge of /dev/full is one line, exit 2", async () => {
    expectOneLineError(await cli("merge", "/dev/full"), /\/dev\/full:1: a line longer than 16 MiB; not a results file/);
  });

  it("the real binary says the same", () => {
    const r = spawnSync("node", [bin, "resolve", "/dev/full"], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^netsplit resolve: \/dev\/full holds more than 256 MiB, the most an input may\n$/);
  });
});
