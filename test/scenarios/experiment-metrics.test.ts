// The experiment layer's pure parts: metrics that only observe (the trace hash of a run
// is the same with the observer as without), formulas, the grid, statistics, and the
// validation of traffic in JSON scenarios.
import { describe, expect, it } from "vitest";
import { nodeCrypto } from "../../cli/node-crypto.ts";
import { findScenario } from "../../scenarios/index.ts";
import { buildCellScenario, EXPERIMENT_ROOM } from "../../scenarios/experiment/build-scenario.ts";
import { parseFormula } from "../../scenarios/experiment/formula.ts";
import { MetricsObserver } from "../../scenarios/experiment/metrics.ts";
import { cellsOf, parseExperiment, type ExperimentSpec } from "../../scenarios/experiment/spec.ts";
import { checkExpectations, stats, summariseCells } from "../../scenarios/experiment/summary.ts";
import { runExperimentCell } from "../../scenarios/experiment/run-metrics.ts";
import { parseScenario } from "../../scenarios/runner/parse-scenario.ts";
import { ScenarioRun } from "../../scenarios/runner/run.ts";
import type { Scenario } from "../../scenarios/runner/types.ts";

const LOCKSTEP: ExperimentSpec = parseExperiment(
  {
    name: "tiny",
    description: "",
    world: { servers: "$servers", latencyMsMean: 100, jitterMs: 0, signing: false },
    traffic: [{ model: "bernoulli", room: "main", per: "server", periodMs: 1000, p: "$p" }],
    grid: { servers: [3], p: [0.5] },
    seeds: 2,
    warmupMs: 15_000,
    horizonMs: 40_000,
    sampleEveryMs: 1000,
  },
  "tiny",
);

function hashOf(scenario: Scenario, seed: number, observe: boolean): string {
  const run = new ScenarioRun(scenario, { seed, crypto: nodeCrypto });
  const observer = observe
    ? new MetricsObserver(run.world, { everyMs: 700, roomId: () => [...run.rooms.values()][0] })
    : undefined;
  for (;;) {
    observer?.beforeStep(run.world.sim.scheduler.peek()?.atMs ?? Infinity);
    if (!run.step()) break;
  }
  observer?.finish(run.world.sim.nowMs);
  return run.report().traceHash;
}

describe("metrics only observe", () => {
  it("leaves the trace hash of shipped scenarios and of a run with traffic unchanged", () => {
    const traffic = buildCellScenario(LOCKSTEP, cellsOf(LOCKSTEP.grid)[0]!).scenario;
    for (const scenario of [findScenario("three-servers")!, findScenario("netsplit-heal")!, traffic]) {
      const plain = hashOf(scenario, 3, false);
      expect(plain.length).toBeGreaterThan(20);
      expect(hashOf(scenario, 3, true)).toBe(plain);
    }
  });

  it("samples width every everyMs up to the horizon, and counts what the run created", () => {
    const line = runExperimentCell(LOCKSTEP, 0, cellsOf(LOCKSTEP.grid)[0]!, 1, nodeCrypto);
    expect(line.width.atMs).toEqual(Array.from({ length: 41 }, (_, i) => i * 1000));
    expect(line.metrics.eventsCreated).toBeGreaterThan(20);
    // Everything a round sends arrives before the next, so every server has heard of all but its own round.
    expect(line.width.serverMax.slice(15).every((w) => w <= 3)).toBe(true);
    expect(line.metrics.latencyMsMean).toBeGreaterThanOrEqual(100);
    expect(line.metrics.converged).toBe(1);
    expect(line.width.union.every((w) => w <= 3)).toBe(true);
    expect(EXPERIMENT_ROOM).toBe("main");
  });
});

describe("formulas", () => {
  it("follows precedence, right-associative powers, functions and unary minus", () => {
    const f = (text: string, vars: Record<string, number> = {}) => parseFormula(text, Object.keys(vars))(vars);
    expect(f("1 + 2 * 3")).toBe(7);
    expect(f("2 ^ 3 ^ 2")).toBe(512);
    expect(f("-2 ^ 2")).toBe(-4);
    expect(f("(1 + 2) * 3")).toBe(9);
    expect(f("max(1, n, 3) / sqrt(4)", { n: 8 })).toBe(4);
    expect(f("n * p / (1 - (1 - p) ^ n)", { n: 2, p: 0.5 })).toBeCloseTo(4 / 3, 12);
  });

  it("refuses unknown names and functions, and stray tokens", () => {
    expect(() => parseFormula("x + 1", ["n"])).toThrow(/unknown name x/);
    expect(() => parseFormula("eval(1)", [])).toThrow(/unknown function eval/);
    expect(() => parseFormula("1 +", [])).toThrow(/expected more/);
    expect(() => parseFormula("1 2", [])).toThrow(/unexpected 2/);
  });
});

describe("grid, statistics and expect", () => {
  it("takes the cartesian product, the last parameter fastest", () => {
    expect(cellsOf({ a: [1, 2], b: ["x", "y"] })).toEqual([
      { a: 1, b: "x" },
      { a: 1, b: "y" },
      { a: 2, b: "x" },
      { a: 2, b: "y" },
    ]);
  });

  it("computes mean, standard error and nearest-rank percentiles", () => {
    const s = stats([4, 1, 3, 2])!;
    expect(s.mean).toBe(2.5);
    expect(s.se).toBeCloseTo(Math.sqrt(5 / 3) / 2, 12);
    expect([s.p50, s.p95, s.max, s.n]).toEqual([2, 4, 4, 4]);
    expect(stats([7])!.se).toBe(0);
  });

  it("judges each cell's mean against the formula in standard errors", () => {
    const spec = { ...LOCKSTEP, expect: [{ metric: "unionWidthMean" as const, formula: "servers", toleranceSE: 2 }] };
    const line = (seed: number, w: number) => ({
      ...runExperimentCellStub(seed),
      metrics: { ...runExperimentCellStub(seed).metrics, unionWidthMean: w },
    });
    const near = checkExpectations(spec, summariseCells(spec, [line(1, 2.9), line(2, 3.1)]));
    expect(near.map((v) => v.ok)).toEqual([true]);
    const far = checkExpectations(spec, summariseCells(spec, [line(1, 1.9), line(2, 2.1)]));
    expect(far.map((v) => v.ok)).toEqual([false]);
  });
});

function runExperimentCellStub(seed: number) {
  const metrics = Object.fromEntries(["unionWidthMean", "converged"].map((k) => [k, 0])) as unknown as ReturnType<
    typeof runExperimentCell
  >["metrics"];
  return {
    experiment: "tiny",
    cell: 0,
    params: { servers: 3, p: 0.5 },
    seed,
    outcome: "converged",
    metrics,
    width: { atMs: [], union: [], serverMean: [], serverMax: [] },
    traceHash: "",
    steps: 0,
  };
}

describe("traffic in JSON scenarios", () => {
  const base = {
    name: "t",
    description: "",
    servers: [{ name: "hs1", params: { dummyEvents: "periodic", prevEventsSelection: "random" } }],
    users: ["@a:hs1"],
    timeline: [{ at: 0, do: "createRoom", user: "@a:hs1", room: "r" }],
  };

  it("accepts every model, and the named federation params", () => {
    const s = parseScenario(
      {
        ...base,
        traffic: [
          { model: "poisson", room: "r", ratePerSec: 1 },
          { model: "bernoulli", room: "r", periodMs: 1000, p: 0.5, per: "server", servers: ["hs1"] },
          { model: "bursts", room: "r", everyMs: 5000, size: 3, spacingMs: 10, users: ["@a:hs1"] },
          { model: "schedule", room: "r", atMs: [10, 20], startMs: 5, endMs: 100 },
        ],
      },
      "t.json",
    );
    expect(s.traffic).toHaveLength(4);
    expect(s.servers[0]!.params).toEqual({ dummyEvents: "periodic", prevEventsSelection: "random" });
  });

  it("names the path of a bad model, a probability out of range, an unknown room, a bad param", () => {
    const bad =
      (traffic: unknown, servers: unknown = base.servers) =>
      () =>
        parseScenario({ ...base, servers, traffic: [traffic] }, "t.json");
    expect(bad({ model: "zipf", room: "r" })).toThrow(/\$\.traffic\[0\]\.model/);
    expect(bad({ model: "bernoulli", room: "r", periodMs: 1000, p: 2 })).toThrow(/\$\.traffic\[0\]\.p/);
    expect(bad({ model: "poisson", room: "nowhere", ratePerSec: 1 })).toThrow(/\$\.traffic\[0\]\.room/);
    expect(
      bad({ model: "poisson", room: "r", ratePerSec: 1 }, [{ name: "hs1", params: { dummyEvents: "sometimes" } }]),
    ).toThrow(/\$\.servers\[0\]\.params\.dummyEvents/);
  });

  it("runs a traffic model from a JSON scenario: the scheduled sends become messages", () => {
    const s = parseScenario(
      {
        ...base,
        servers: [{ name: "hs1" }],
        traffic: [{ model: "schedule", room: "r", atMs: [1000, 2000, 3000] }],
        chaosMs: 5000,
      },
      "t.json",
    );
    const run = new ScenarioRun(s, { seed: 1, crypto: nodeCrypto });
    run.runToEnd();
    const bodies = run.world.trace
      .all()
      .filter((r) => r.kind === "pdu.created" && r.type === "m.room.message")
      .map((r) => r.atMs);
    expect(bodies).toEqual([1000, 2000, 3000]);
  });
});
