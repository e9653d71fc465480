// `<scenario>` on the command line: a shipped scenario's name, or the path of a JSON
// scenario file (docs/scenarios.md). Anything else is bad input naming what exists.

import { findScenario, scenarioNames } from "../scenarios/index.ts";
import { parseScenario } from "../scenarios/runner/parse-scenario.ts";
import { ScenarioError } from "../scenarios/runner/scenario-error.ts";
import type { Scenario } from "../scenarios/runner/types.ts";
import { UsageError } from "./command.ts";
import { readJsonFile } from "./read-json.ts";

/** How a worker thread finds the same scenario: by name, or as the parsed JSON. */
export type ScenarioRef = { name: string } | { json: unknown; source: string };

export function isScenarioFile(arg: string): boolean {
  return arg.endsWith(".json") || arg.includes("/") || arg.includes("\\");
}

export function scenarioRef(arg: string | undefined): ScenarioRef {
  if (arg === undefined) throw new UsageError(`name a scenario (${knownScenarios()}) or a .json scenario file`);
  if (isScenarioFile(arg)) return { json: readJsonFile(arg), source: arg };
  if (!findScenario(arg))
    throw new UsageError(
      `unknown scenario ${JSON.stringify(arg)}: known are ${knownScenarios()} (or give the path of a .json scenario file)`,
    );
  return { name: arg };
}

export function resolveScenario(ref: ScenarioRef): Scenario {
  if ("name" in ref) return findScenario(ref.name)!;
  try {
    return parseScenario(ref.json, ref.source);
  } catch (e) {
    if (e instanceof ScenarioError) throw new UsageError(e.message);
    throw e;
  }
}

/** Parse the argument into a scenario (bad input throws UsageError). */
export function loadScenario(arg: string | undefined): { ref: ScenarioRef; scenario: Scenario } {
  const ref = scenarioRef(arg);
  return { ref, scenario: resolveScenario(ref) };
}

function knownScenarios(): string {
  return scenarioNames().join(", ");
}
