// Every shipped scenario runs and its checks hold, for a few seeds; the same seed gives
// the same trace hash; the README's paragraph on each scenario is its description.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { failedChecks } from "../../scenarios/runner/checks.ts";
import { nodeCrypto } from "../../cli/node-crypto.ts";
import { SCENARIOS } from "../../scenarios/index.ts";
import { runScenario } from "../../scenarios/runner/run.ts";

const SEEDS = [1, 2, 3];

describe.each(SCENARIOS.map((s) => [s.name, s] as const))("scenario %s", (_name, scenario) => {
  it.each(SEEDS)("passes every check with seed %i", (seed) => {
    const report = runScenario(scenario, { seed, crypto: nodeCrypto });
    const failed = failedChecks(report.checks);
    expect(failed).toEqual([]);
    expect(report.passed).toBe(true);
    expect(report.converged).toBe(true);
  });

  it("says what it demonstrates, in the README too", () => {
    expect(scenario.description.length).toBeGreaterThan(100);
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8").replace(/\s+/g, " ");
    expect(readme.includes(`\`${scenario.name}\``), `README.md does not name ${scenario.name}`).toBe(true);
    expect(readme.includes(scenario.description.replace(/\s+/g, " ")), `README.md's paragraph on ${scenario.name} is not its description`).toBe(true);
  });
});

describe("scenario runs are reproducible", () => {
  it("same seed, same trace hash; another seed, another hash (netsplit-heal)", () => {
    const scenario = SCENARIOS.find((s) => s.name === "netsplit-heal")!;
    const a = runScenario(scenario, { seed: 11, crypto: nodeCrypto, signing: false });
    const b = runScenario(scenario, { seed: 11, crypto: nodeCrypto, signing: false });
    const c = runScenario(scenario, { seed: 12, crypto: nodeCrypto, signing: false });
    expect(a.traceHash).toBe(b.traceHash);
    expect(a.traceHash).not.toBe(c.traceHash);
    expect(a.swarm).toEqual(b.swarm);
    expect(a.swarm).not.toEqual(c.swarm);
  });
});
