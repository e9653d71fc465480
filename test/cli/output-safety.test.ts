// Outputs: every path is checked before the run (a directory, a device, a missing parent,
// a kernel pseudo-file system: one line, exit 2), write errors are one line and exit 2
// (a full disk: a small tmpfs in a private mount namespace), no temporary file is left,
// and a sweep's --out carries a key (stale lines refused) and a lock (one writer).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeFileAtomic } from "../../cli/atomic-write.ts";
import { ResultsAppender } from "../../cli/sweep/results-file.ts";
import { lineOfCrash } from "../../cli/sweep/sweep-line.ts";
import { bin, cli, expectOneLineError, tempDir } from "./cli.ts";

const canMount = spawnSync("unshare", ["-m", "true"]).status === 0;

/** `netsplit args` with `dir` a fresh tmpfs of `kb` KiB (read-only if asked), in a mount namespace of its own. */
function onTinyDisk(
  dir: string,
  kb: number,
  args: string[],
  readOnly = false,
): { status: number; stderr: string; left: string[] } {
  const quoted = args.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
  const options = `size=${kb}k${readOnly ? ",ro" : ""}`;
  const script = `mount -t tmpfs -o ${options} tmpfs '${dir}' && node '${bin}' ${quoted}; s=$?; ls -A '${dir}'; exit $s`;
  const r = spawnSync("unshare", ["-m", "sh", "-c", script], { encoding: "utf8" });
  return { status: r.status ?? -1, stderr: r.stderr, left: r.stdout.split("\n").filter(Boolean) };
}

describe("output paths, before the run", () => {
  it("refuses a directory, a device, a missing parent and /proc, for run --trace, sweep --out, merge --out and check --out", async () => {
    const dir = tempDir();
    const results = join(dir, "r.jsonl");
    writeFileSync(results, "");
    const bad: Array<[string, RegExp]> = [
      [dir, /is a directory/],
      ["/dev/full", /not a regular file/],
      [join(dir, "missing", "x.jsonl"), /does not exist/],
      ["/proc/netsplit-out.jsonl", /pseudo-file system/],
    ];
    for (const [path, problem] of bad) {
      expectOneLineError(await cli("run", "three-servers", "--trace", path), problem);
      expectOneLineError(await cli("sweep", "three-servers", "--seeds", "1..1", "--out", path), problem);
      expectOneLineError(await cli("merge", results, "--out", path), problem);
    }
    expectOneLineError(await cli("check", "--runs", "1", "--out", "/proc/self"), /pseudo-file system/);
    expectOneLineError(await cli("check", "--runs", "1", "--out", results), /not a directory/);
  });

  it("a failed append is one clear error, not a crash (/dev/full: ENOSPC)", () => {
    const sink = new ResultsAppender("/dev/full", undefined);
    expect(() => sink.append(lineOfCrash("s", "11", { seed: 1, signing: true, checkDeterminism: false }, "x"))).toThrow(
      /cannot write \/dev\/full: ENOSPC/,
    );
    sink.close();
  });

  it("leaves no temporary file when a write fails, and removes one left by a killed process", () => {
    const dir = tempDir();
    const target = join(dir, "t.txt");
    const orphan = join(dir, ".t.txt.999999999.tmp");
    writeFileSync(orphan, "left by kill -9");
    const failing = (function* () {
      yield "a";
      throw Object.assign(new Error("ENOSPC: no space left on device"), { code: "ENOSPC" });
    })();
    expect(() => writeFileAtomic(target, failing)).toThrow(/ENOSPC/);
    expect(readdirSync(dir)).toEqual([]);
    writeFileAtomic(target, "whole");
    expect(readdirSync(dir)).toEqual(["t.txt"]);
  });

  it.runIf(canMount)(
    "a full disk (a 16 KiB tmpfs) is one line and exit 2 for run --trace and merge --out, with no temporary file left",
    async () => {
      const dir = tempDir();
      const disk = join(dir, "disk");
      mkdirSync(disk);
      const trace = onTinyDisk(disk, 16, ["run", "three-servers", "--trace", join(disk, "t.jsonl")]);
      expect(trace.status).toBe(2);
      expect(trace.stderr).toMatch(/^netsplit run: cannot write the trace to .*t\.jsonl: ENOSPC\n$/);
      expect(trace.left).toEqual([]);
      const big = join(dir, "big.jsonl");
      const line = (seed: number) =>
        JSON.stringify(lineOfCrash("s", "11", { seed, signing: true, checkDeterminism: false }, "x".repeat(200)));
      writeFileSync(big, Array.from({ length: 200 }, (_, i) => line(i + 1) + "\n").join(""));
      const merged = onTinyDisk(disk, 16, ["merge", big, "--out", join(disk, "all.jsonl")]);
      expect(merged.status).toBe(2);
      expect(merged.stderr).toMatch(/^netsplit merge: cannot write .*all\.jsonl: ENOSPC\n$/);
      expect(merged.left).toEqual([]);
    },
    60_000,
  );
});

describe("a read-only directory", () => {
  // As root, a directory's mode bits do not stop writes: a read-only tmpfs does.
  it.runIf(canMount)(
    "is refused before the run, in one line with exit 2, by run, sweep, check and merge",
    () => {
      const dir = tempDir();
      const disk = join(dir, "ro");
      mkdirSync(disk);
      const results = join(dir, "r.jsonl");
      writeFileSync(results, "");
      const runs: Array<[string[], RegExp]> = [
        [
          ["run", "three-servers", "--trace", join(disk, "t.jsonl")],
          /^netsplit run: --trace .*cannot create files in .*\(EROFS\)\n$/,
        ],
        [
          ["sweep", "three-servers", "--seeds", "1..2", "--out", join(disk, "s.jsonl")],
          /^netsplit sweep: --out .*\(EROFS\)\n$/,
        ],
        [["check", "--runs", "1", "--out", disk], /^netsplit check: --out .*\(EROFS\)\n$/],
        [["merge", results, "--out", join(disk, "m.jsonl")], /^netsplit merge: --out .*\(EROFS\)\n$/],
      ];
      for (const [args, problem] of runs) {
        const r = onTinyDisk(disk, 64, args, true);
        expect(r.status, r.stderr).toBe(2);
        expect(r.stderr).toMatch(problem);
        expect(r.left).toEqual([]);
      }
    },
    60_000,
  );
});

describe("a sweep's --out: key and lock", () => {
  it("refuses to resume when the scenario's content changed, saying how to start afresh", async () => {
    const dir = tempDir();
    const scenario = join(dir, "s.json");
    const twin = readFileSync(new URL("../../scenarios/shipped/json/three-servers.json", import.meta.url), "utf8");
    writeFileSync(scenario, twin);
    const out = join(dir, "r.jsonl");
    expect((await cli("sweep", scenario, "--seeds", "1..1", "--workers", "1", "--out", out)).status).toBe(0);
    const changed = JSON.parse(twin) as { description: string };
    changed.description += " (changed)";
    writeFileSync(scenario, JSON.stringify(changed));
    expectOneLineError(
      await cli("sweep", scenario, "--seeds", "1..2", "--workers", "1", "--resume", "--out", out),
      /holds runs of another version of scenario three-servers .*delete .*r\.jsonl and .*r\.jsonl\.key to start afresh/,
    );
    writeFileSync(
      `${out}.key`,
      JSON.stringify({ ...JSON.parse(readFileSync(`${out}.key`, "utf8")), netsplit: "0.0.1" }),
    );
    expectOneLineError(
      await cli("sweep", scenario, "--seeds", "1..2", "--workers", "1", "--out", out),
      /written by netsplit 0\.0\.1/,
    );
    expect(existsSync(`${out}.lock`)).toBe(false);
  }, 60_000);

  it("refuses a second writer while the first holds the lock, and takes over a lock whose process is gone or a zombie", async () => {
    const dir = tempDir();
    const out = join(dir, "r.jsonl");
    const holder = spawn("sleep", ["30"]);
    try {
      writeFileSync(`${out}.lock`, `${holder.pid}\n`);
      expectOneLineError(
        await cli("sweep", "three-servers", "--seeds", "1..1", "--workers", "1", "--out", out),
        new RegExp(`being written by another sweep \\(pid ${holder.pid}\\)`),
      );
    } finally {
      holder.kill();
    }
    // A holder killed after its parent died can stay a zombie (an init that never reaps it):
    // the sh below starts a short sleep and becomes a long one, which never waits for it.
    const reaper = spawn("sh", ["-c", "sleep 0.2 & echo $!; exec sleep 30"]);
    try {
      const zombie = Number(
        await new Promise<string>((r) => reaper.stdout.once("data", (d: Buffer) => r(d.toString()))),
      );
      const state = () => readFileSync(`/proc/${zombie}/stat`, "utf8").replace(/^.*\) /s, "")[0];
      for (let i = 0; i < 300 && state() !== "Z"; i++) await new Promise((r) => setTimeout(r, 10));
      expect(state()).toBe("Z");
      writeFileSync(`${out}.lock`, `${zombie}\n`);
      expect((await cli("sweep", "three-servers", "--seeds", "1..1", "--workers", "1", "--out", out)).status).toBe(0);
    } finally {
      reaper.kill();
    }
    const gone = spawnSync("true").pid!;
    writeFileSync(`${out}.lock`, `${gone}\n`);
    expect((await cli("sweep", "three-servers", "--seeds", "1..1", "--workers", "1", "--out", out)).status).toBe(0);
    expect(existsSync(`${out}.lock`)).toBe(false);
  }, 60_000);
});
