// `netsplit experiment`: the same files with 1 and 2 workers, and from two shards merged;
// resuming; the expect block's exit code; bad input; and the shipped experiments at
// their small (--quick) sizes.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { nodeCrypto } from "../../cli/node-crypto.ts";
import { renderPlots } from "../../cli/experiment/plots.ts";
import { runExperimentCell } from "../../scenarios/experiment/run-metrics.ts";
import { cellsOf, parseExperiment } from "../../scenarios/experiment/spec.ts";
import { summariseCells } from "../../scenarios/experiment/summary.ts";
import { cli, expectOneLineError, tempDir } from "./cli.ts";

const TINY = {
  name: "tiny",
  description: "lockstep rounds on three or four servers",
  world: { servers: "$servers", latencyMsMean: 100, jitterMs: 0, signing: false },
  traffic: [{ model: "bernoulli", room: "main", per: "server", periodMs: 1000, p: 0.5 }],
  grid: { servers: [3, 4] },
  seeds: 2,
  warmupMs: 15_000,
  horizonMs: 30_000,
  sampleEveryMs: 1000,
  plots: [
    { kind: "width", name: "width" },
    {
      kind: "metric",
      name: "by-servers",
      x: "servers",
      y: "unionWidthMean",
      formula: "servers * 0.5 / (1 - 0.5 ^ servers)",
    },
  ],
};

function writeExperiment(dir: string, body: object = TINY): string {
  const file = join(dir, "exp.json");
  writeFileSync(file, JSON.stringify(body));
  return file;
}

const filesOf = (dir: string) =>
  Object.fromEntries(
    readdirSync(dir)
      .filter((f) => !f.endsWith(".key"))
      .sort()
      .map((f) => [f, readFileSync(join(dir, f), "utf8")]),
  );

describe("netsplit experiment", () => {
  it("writes the same files with 1 and 2 workers, and from two shards merged", async () => {
    const dir = tempDir();
    const file = writeExperiment(dir);
    const one = await cli("experiment", file, "--out", join(dir, "one"), "--workers", "1");
    expect(one.status).toBe(0);
    expect(one.stderr).toMatch(/cell 1 \(servers=4\) seed 2/);
    expect((await cli("experiment", file, "--out", join(dir, "two"), "--workers", "2")).status).toBe(0);
    expect((await cli("experiment", file, "--out", join(dir, "s0"), "--shard", "0/2", "--workers", "1")).status).toBe(
      0,
    );
    expect((await cli("experiment", file, "--out", join(dir, "s1"), "--shard", "1/2", "--workers", "1")).status).toBe(
      0,
    );
    expect(readdirSync(join(dir, "s0")).sort()).toEqual(["runs.jsonl", "runs.jsonl.key"]);
    const merged = await cli(
      "experiment",
      file,
      "--out",
      join(dir, "merged"),
      "--merge",
      join(dir, "s0", "runs.jsonl"),
      "--merge",
      join(dir, "s1", "runs.jsonl"),
    );
    expect(merged.status).toBe(0);
    const whole = filesOf(join(dir, "one"));
    expect(Object.keys(whole)).toEqual(["by-servers.svg", "runs.jsonl", "summary.csv", "width.svg"]);
    expect(filesOf(join(dir, "two"))).toEqual(whole);
    expect(filesOf(join(dir, "merged"))).toEqual(whole);
    const lines = whole["runs.jsonl"]!.trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as { cell: number; seed: number });
    expect(lines.map((l) => [l.cell, l.seed])).toEqual([
      [0, 1],
      [0, 2],
      [1, 1],
      [1, 2],
    ]);
    expect(whole["summary.csv"]!.split("\n")[0]).toMatch(
      /^cell,servers,seeds,unionWidthMean_n,unionWidthMean_mean,unionWidthMean_se,/,
    );
    expect(whole["by-servers.svg"]).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(whole["by-servers.svg"]).toContain('stroke-dasharray="5 4"');
  });

  it("resumes: runs already in the directory are kept, the rest are run", async () => {
    const dir = tempDir();
    const file = writeExperiment(dir);
    const out = join(dir, "out");
    await cli("experiment", file, "--out", out, "--shard", "1/2", "--workers", "1");
    const resumed = await cli("experiment", file, "--out", out, "--resume", "--workers", "1");
    expect(resumed.status).toBe(0);
    expect(resumed.stderr).toMatch(/2 of 4 runs already done/);
    await cli("experiment", file, "--out", join(dir, "fresh"), "--workers", "1");
    expect(filesOf(out)).toEqual(filesOf(join(dir, "fresh")));
  });

  it("exits 1 when a cell is outside its expectation, 0 when all are within", async () => {
    const dir = tempDir();
    const within = {
      ...TINY,
      grid: { servers: [3] },
      expect: [{ metric: "unionWidthMean", formula: "servers * 0.5 / (1 - 0.5 ^ servers)", toleranceAbs: 0.5 }],
    };
    const ok = await cli("experiment", writeExperiment(dir, within), "--out", join(dir, "a"), "--workers", "1");
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/expect: 1\/1 cells within tolerance/);
    const outside = { ...within, expect: [{ metric: "unionWidthMean", formula: "servers * 10" }] };
    const bad = await cli("experiment", writeExperiment(dir, outside), "--out", join(dir, "b"), "--workers", "1");
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/FAIL unionWidthMean \[servers=3\]/);
  });

  it("refuses bad input with one line", async () => {
    const dir = tempDir();
    expectOneLineError(
      await cli("experiment", writeExperiment(dir, { ...TINY, grid: { n: [1] } }), "--out", join(dir, "x")),
      /"\$servers" is used but the grid has no parameter servers/,
    );
    expectOneLineError(
      await cli(
        "experiment",
        writeExperiment(dir, { ...TINY, expect: [{ metric: "width", formula: "1" }] }),
        "--out",
        join(dir, "x"),
      ),
      /\$\.expect\[0\]\.metric/,
    );
    expectOneLineError(
      await cli("experiment", writeExperiment(dir), "--out", join(dir, "y"), "--resume"),
      /does not exist/,
    );
    // Another experiment's runs in the same directory.
    await cli("experiment", writeExperiment(dir), "--out", join(dir, "z"), "--workers", "1");
    expectOneLineError(
      await cli("experiment", writeExperiment(dir, { ...TINY, horizonMs: 31_000 }), "--out", join(dir, "z")),
      /another version|not a cell/,
    );
  });

  it.each(["lockstep-width", "width-servers-rate", "partition-convergence", "prev-events-and-dummies"])(
    "runs the shipped experiment %s at its small sizes (seed 1 of each cell, in this process)",
    (name) => {
      const spec = parseExperiment(JSON.parse(readFileSync(`experiments/${name}.json`, "utf8")), name, { quick: true });
      const lines = cellsOf(spec.grid).map((cell, i) => runExperimentCell(spec, i, cell, 1, nodeCrypto));
      for (const l of lines) {
        expect(l.outcome).toBe("converged");
        expect(l.metrics.eventsCreated).toBeGreaterThan(0);
        expect(l.width.atMs.length).toBe(Math.floor(spec.horizonMs / spec.sampleEveryMs) + 1);
      }
      const svgs = renderPlots(spec, summariseCells(spec, lines), lines);
      expect([...svgs.keys()]).toEqual((spec.plots ?? []).map((p) => `${p.name}.svg`));
    },
    120_000,
  );
});
