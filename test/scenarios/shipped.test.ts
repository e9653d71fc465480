// Every shipped scenario runs and its checks hold, for a few seeds; the same seed gives
// the same trace hash; docs/scenarios.md's paragraph on each scenario is its description.
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

  it("says what it demonstrates, in docs/scenarios.md too", () => {
    expect(scenario.description.length).toBeGreaterThan(100);
    const section = shippedSection(scenario.name);
    expect(section, `docs/scenarios.md has no "### \`${scenario.name}\`" under "The shipped scenarios"`).toBeDefined();
    expect(section, `docs/scenarios.md's paragraph on ${scenario.name} is not its description`).toBe(
      scenario.description.replace(/\s+/g, " ").trim(),
    );
  });
});

/** The text under "### `name`" in docs/scenarios.md's list of shipped scenarios, whitespace folded. */
function shippedSection(name: string): string | undefined {
  const doc = readFileSync(new URL("../../docs/scenarios.md", import.meta.url), "utf8");
  const list = doc.split(/^## The shipped scenarios$/m)[1] ?? "";
  const section = list.split(/^### /m).find((s) => s.startsWith(`\`${name}\`\n`));
  return section
    ?.slice(name.length + 3)
    .replace(/\s+/g, " ")
    .trim();
}

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
