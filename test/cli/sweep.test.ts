// `netsplit sweep` and `netsplit merge`: the same lines whatever the number of workers,
// shards that merge into the unsharded run, resuming, the array-job variables of Slurm
// and Kubernetes, and bad input.
import { appendFileSync, copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { inSeedOrder, reproduceCommand } from "../../cli/commands/sweep.ts";
import { Progress } from "../../cli/sweep/progress.ts";
import { parseSeedRange, seedsOf, shardRange } from "../../cli/sweep/seed-range.ts";
import { shardFromEnv } from "../../cli/sweep/shard-env.ts";
import { percentile, summarise } from "../../cli/sweep/summary.ts";
import type { SweepLine } from "../../cli/sweep/sweep-line.ts";
import { cli, expectOneLineError, spawnCli, tempDir } from "./cli.ts";

const lines = (file: string) => readFileSync(file, "utf8").trimEnd().split("\n");

describe("netsplit sweep", () => {
  it("writes the same lines with 1 and 2 workers, sorted by seed; the shards of the range, merged, are the same again", async () => {
    const dir = tempDir();
    const one = await cli(
      "sweep",
      "three-servers",
      "--seeds",
      "1..4",
      "--workers",
      "1",
      "--out",
      join(dir, "one.jsonl"),
    );
    const two = await cli(
      "sweep",
      "three-servers",
      "--seeds",
      "1..4",
      "--workers",
      "2",
      "--out",
      join(dir, "two.jsonl"),
    );
    expect(one.status).toBe(0);
    const whole = readFileSync(join(dir, "one.jsonl"), "utf8");
    expect(readFileSync(join(dir, "two.jsonl"), "utf8")).toBe(whole);
    const parsed = lines(join(dir, "one.jsonl")).map((l) => JSON.parse(l) as SweepLine);
    expect(parsed.map((l) => l.seed)).toEqual([1, 2, 3, 4]);
    // `netsplit run --seed 3` is the same run as the sweep's seed 3.
    expect(JSON.parse((await cli("run", "three-servers", "--seed", "3", "--json")).stdout).traceHash).toBe(
      parsed[2]!.traceHash,
    );
    expect(Object.keys(parsed[0]!)).toEqual([
      "seed",
      "scenario",
      "roomVersion",
      "signing",
      "outcome",
      "converged",
      "passed",
      "failed",
      "timeToConvergeMs",
      "virtualTimeMs",
      "traceHash",
      "pdusSent",
      "pdusDelivered",
      "swarm",
    ]);
    expect(two.stdout).toMatch(
      /^three-servers \(room version 11, signing on\): 4 seeds of 1\.\.4\n {2}converged: +4\/4 \(100\.0%\)\n {2}time to converge after the heal: p50 [\d.]+ ms, p95 [\d.]+ ms, p99 [\d.]+ ms, max [\d.]+ ms\n {2}passed: +4\/4\n$/,
    );
    // Without a terminal, progress is a plain line now and then.
    expect(two.stderr).toMatch(/^three-servers: \d\/4 seeds, [\d.]+ seeds\/s, ETA /m);

    const shards = [0, 1].map((i) => join(dir, `shard-${i}.jsonl`));
    for (const [i, file] of shards.entries()) {
      const r = await cli(
        "sweep",
        "three-servers",
        "--seeds",
        "1..4",
        "--shard",
        `${i}/2`,
        "--workers",
        "1",
        "--out",
        file,
      );
      expect(r.stderr).toContain(`shard ${i}/2 (from --shard) of 1..4: seeds ${i === 0 ? "1..2" : "3..4"}`);
    }
    const merged = join(dir, "merged.jsonl");
    const m = await cli("merge", shards[1]!, shards[0]!, shards[1]!, "--out", merged);
    expect(m.status).toBe(0);
    expect(m.stdout).toMatch(/^three-servers \(room version 11, signing on\): 4 seeds of 1\.\.4\n/);
    expect(readFileSync(merged, "utf8")).toBe(whole);

    const tampered = join(dir, "tampered.jsonl");
    writeFileSync(tampered, readFileSync(shards[1]!, "utf8").replace(/"traceHash":"[^"]+"/, '"traceHash":"changed"'));
    expectOneLineError(
      await cli("merge", shards[1]!, tampered),
      /^netsplit merge: seed 3 differs between .*shard-1\.jsonl and .*tampered\.jsonl \(traceHash\): refusing to merge$/m,
    );
    const unsigned = join(dir, "unsigned.jsonl");
    writeFileSync(unsigned, readFileSync(shards[1]!, "utf8").replaceAll('"signing":true', '"signing":false'));
    expectOneLineError(
      await cli("merge", shards[0]!, unsigned),
      /holds runs of three-servers \(room version 11, signing off\), but .* holds runs of three-servers \(room version 11, signing on\)/,
    );
    const gap = await cli("merge", join(dir, "one.jsonl"), shards[0]!, "--json");
    expect(JSON.parse(gap.stdout)).toMatchObject({ seeds: 4, missing: [], converged: 4 });
    const partial = await cli("merge", shards[0]!, "--json");
    expect(JSON.parse(partial.stdout)).toMatchObject({ seeds: 2, range: { first: 1, last: 2 } });
  });

  it("a re-run with the same --out skips the seeds it holds and drops a line torn by a crash", async () => {
    const dir = tempDir();
    const file = join(dir, "r.jsonl");
    await cli("sweep", "three-servers", "--seeds", "1..3", "--workers", "1", "--out", file);
    const before = readFileSync(file, "utf8");
    appendFileSync(file, '{"seed":4,"scenario":"three-ser'); // a crash in the middle of writing seed 4
    const r = await cli("sweep", "three-servers", "--seeds", "1..4", "--resume", "--workers", "1", "--out", file);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain("3 seed(s) of 1..4 already done");
    expect(r.stderr).toMatch(/three-servers: 1\/1 seeds/);
    expect(lines(file)).toHaveLength(4);
    expect(readFileSync(file, "utf8").startsWith(before)).toBe(true);
    // Seeds before those the file holds: the finished file is sorted again.
    const later = join(dir, "later.jsonl");
    writeFileSync(later, lines(file).slice(2).join("\n") + "\n");
    copyFileSync(`${file}.key`, `${later}.key`); // lines without their key file would be refused as possibly stale
    await cli("sweep", "three-servers", "--seeds", "1..4", "--workers", "1", "--out", later);
    expect(readFileSync(later, "utf8")).toBe(readFileSync(file, "utf8"));
    expectOneLineError(
      await cli("sweep", "netsplit-heal", "--seeds", "1..2", "--out", file),
      /holds runs of three-servers \(room version 11, signing on\), not netsplit-heal .*: use another --out, or delete it/,
    );
    expectOneLineError(
      await cli("sweep", "three-servers", "--seeds", "1..2", "--resume", "--out", join(dir, "none.jsonl")),
      /--resume: .*none\.jsonl does not exist/,
    );
  });

  it("--check-determinism passes on a shipped scenario (here its JSON twin, which workers load from the parsed file); without --out the lines go to stdout", async () => {
    const twin = new URL("../../scenarios/shipped/json/three-servers.json", import.meta.url).pathname;
    const r = await cli("sweep", twin, "--seeds", "3..4", "--check-determinism", "--workers", "1");
    expect(r.status).toBe(0);
    const out = r.stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as SweepLine);
    expect(out.map((l) => [l.seed, l.scenario, l.firstDifference])).toEqual([
      [3, "three-servers", null],
      [4, "three-servers", null],
    ]);
    expect(r.stderr).toContain("passed:      2/2");
  });

  it("bad input", async () => {
    expectOneLineError(await cli("sweep", "three-servers"), /--seeds A\.\.B is required/);
    expectOneLineError(await cli("sweep", "three-servers", "--seeds", "1-5"), /--seeds must look like A\.\.B/);
    expectOneLineError(
      await cli("sweep", "three-servers", "--seeds", "1..5", "--shard", "2/2"),
      /--shard: shard index 2 is not in 0\.\.1/,
    );
    expectOneLineError(
      await cli("sweep", "three-servers", "--seeds", "1..5", "--workers", "0"),
      /--workers must be a whole number ≥ 1/,
    );
    expectOneLineError(await cli("sweep", "nope", "--seeds", "1..5"), /unknown scenario "nope"/);
    expectOneLineError(
      await cli("sweep", "three-servers", "--seeds", "1..5", "--shards", "4"),
      /JOB_COMPLETION_INDEX is not set/,
    );
    expectOneLineError(await cli("merge"), /give at least one results file/);
    const dir = tempDir();
    writeFileSync(join(dir, "x.jsonl"), "{}\n");
    expectOneLineError(await cli("merge", join(dir, "x.jsonl")), /x\.jsonl:1: no integer seed/);
  });

  it("the real process reads its shard from SLURM_ARRAY_TASK_ID", () => {
    const env = { ...process.env, SLURM_ARRAY_TASK_ID: "3", SLURM_ARRAY_TASK_MIN: "1", SLURM_ARRAY_TASK_MAX: "4" };
    const r = spawnCli(["sweep", "three-servers", "--seeds", "1..8", "--workers", "1"], env);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain("shard 2/4 (from SLURM_ARRAY_TASK_ID) of 1..8: seeds 5..6");
    expect(
      r.stdout
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l).seed),
    ).toEqual([5, 6]);
  });
});

describe("seed ranges and shards", () => {
  it("shards are contiguous, as equal as can be, and together the range", () => {
    const range = parseSeedRange("10..19");
    for (const count of [1, 2, 3, 7, 10, 13]) {
      const all = Array.from({ length: count }, (_, index) => seedsOf(shardRange(range, { index, count }))).flat();
      expect(all, `${count} shards`).toEqual(seedsOf(range));
    }
    expect(shardRange(range, { index: 2, count: 3 })).toEqual({ first: 16, last: 19 });
    expect(shardRange({ first: 1, last: 2 }, { index: 0, count: 3 })).toBeNull();
  });

  it("reads Slurm and Kubernetes array-job variables", () => {
    expect(shardFromEnv({}, undefined)).toBeUndefined();
    expect(shardFromEnv({ SLURM_ARRAY_TASK_ID: "4", SLURM_ARRAY_TASK_COUNT: "10" }, undefined)).toMatchObject({
      index: 4,
      count: 10,
    });
    expect(
      shardFromEnv({ SLURM_ARRAY_TASK_ID: "7", SLURM_ARRAY_TASK_MIN: "1", SLURM_ARRAY_TASK_MAX: "10" }, undefined),
    ).toMatchObject({ index: 6, count: 10 });
    expect(
      shardFromEnv(
        { SLURM_ARRAY_TASK_ID: "6", SLURM_ARRAY_TASK_MIN: "0", SLURM_ARRAY_TASK_MAX: "18", SLURM_ARRAY_TASK_STEP: "2" },
        undefined,
      ),
    ).toMatchObject({ index: 3, count: 10 });
    expect(() => shardFromEnv({ SLURM_ARRAY_TASK_ID: "3" }, undefined)).toThrow(/pass --shard I\/N/);
    expect(shardFromEnv({ JOB_COMPLETION_INDEX: "2" }, 5)).toMatchObject({
      index: 2,
      count: 5,
      from: "JOB_COMPLETION_INDEX",
    });
    expect(shardFromEnv({ JOB_COMPLETION_INDEX: "2", NETSPLIT_SHARDS: "8" }, undefined)).toMatchObject({
      index: 2,
      count: 8,
    });
    expect(() => shardFromEnv({ JOB_COMPLETION_INDEX: "2" }, undefined)).toThrow(
      /pass --shards N or set NETSPLIT_SHARDS/,
    );
    expect(() => shardFromEnv({ JOB_COMPLETION_INDEX: "9", NETSPLIT_SHARDS: "8" }, undefined)).toThrow(
      /shard index 9 is not in 0\.\.7/,
    );
  });

  it("lines go out in seed order whatever order they finish in", () => {
    const out: number[] = [];
    const emit = inSeedOrder([1, 2, 3, 4], (l) => out.push(l.seed));
    for (const seed of [3, 1, 4, 2]) emit({ seed } as SweepLine);
    expect(out).toEqual([1, 2, 3, 4]);
  });

  it("percentiles are nearest-rank; the summary counts failures by check", () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([50, 95, 99, 100].map((p) => percentile(sorted, p))).toEqual([50, 95, 99, 100]);
    const line = (seed: number, failed: string[]): SweepLine =>
      ({
        seed,
        scenario: "s",
        roomVersion: "11",
        signing: true,
        outcome: failed.length ? "liveness-failure" : "converged",
        converged: !failed.length,
        passed: !failed.length,
        failed,
        timeToConvergeMs: failed.length ? null : seed * 1000,
      }) as SweepLine;
    const s = summarise([line(1, []), line(2, ["liveness"]), line(3, [])], { first: 1, last: 4 });
    expect(s).toMatchObject({
      seeds: 3,
      missing: [4],
      converged: 2,
      failedSeeds: [2],
      failedChecks: { liveness: 1 },
      timeToConvergeMs: { p50: 1000, max: 3000 },
    });
    expect(reproduceCommand("netsplit-heal", 2, { roomVersion: "12", signing: false, checkDeterminism: true })).toBe(
      "netsplit run netsplit-heal --seed 2 --room-version 12 --no-signing --check-determinism",
    );
  });

  it("progress: a bar redrawn in place on a terminal (at most every 100 ms), plain lines otherwise", () => {
    let nowMs = 0;
    const tty = {
      text: "",
      isTTY: true,
      write(t: string) {
        this.text += t;
      },
    };
    const bar = new Progress(4, tty, () => nowMs, "heal");
    for (const step of [50, 50, 500, 500]) {
      nowMs += step;
      bar.tick();
    }
    bar.finish();
    const frames = tty.text.split("\r\x1b[2K").filter(Boolean);
    expect(frames).toEqual([
      "heal ██████░░░░░░░░░░░░░░░░░░ 1/4 seeds, 20.0 seeds/s, ETA 1 s",
      "heal ██████████████████░░░░░░ 3/4 seeds, 5.00 seeds/s, ETA 1 s",
      "heal ████████████████████████ 4/4 seeds, 3.64 seeds/s, ETA 0 s",
    ]);
    const log = {
      text: "",
      write(t: string) {
        this.text += t;
      },
    };
    const plain = new Progress(20, log, () => (nowMs += 1000), "heal");
    for (let i = 0; i < 20; i++) plain.tick();
    // The first seed (an early rate), then every tenth of the way.
    expect(
      log.text
        .split("\n")
        .filter(Boolean)
        .map((l) => l.split(" ")[1]),
    ).toEqual(["1/20", "2/20", "4/20", "6/20", "8/20", "10/20", "12/20", "14/20", "16/20", "18/20", "20/20"]);
    expect(log.text).toMatch(/^heal: 1\/20 seeds, 1\.00 seeds\/s, ETA 19 s\n/);
  });
});
