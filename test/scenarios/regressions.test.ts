// Minimal scenarios that `netsplit check` found failing, kept as JSON files after the
// engine was fixed: each must now pass every check, for the seed it failed with and two more.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { failedChecks } from "../../scenarios/runner/checks.ts";
import { nodeCrypto } from "../../cli/node-crypto.ts";
import { parseScenario } from "../../scenarios/runner/parse-scenario.ts";
import { runScenario } from "../../scenarios/runner/run.ts";

const dir = new URL("./regressions/", import.meta.url);
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".json"))
  .sort();

describe.each(files)("regression %s", (file) => {
  const scenario = parseScenario(JSON.parse(readFileSync(new URL(file, dir), "utf8")), file);
  it.each([0, 1, 2])("passes every check with seed %i", (seed) => {
    const report = runScenario(scenario, { seed, crypto: nodeCrypto });
    expect(failedChecks(report.checks)).toEqual([]);
  });
});
