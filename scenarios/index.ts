// The scenarios that ship with netsplit, by name: `netsplit list`, `netsplit run <name>`
// and the web view's picker all read this table. Each module's default export is a
// Scenario (scenarios/runner/types.ts); its description says what it demonstrates.

import banVsPowerLevels from "./shipped/ban-vs-power-levels.ts";
import bridge from "./shipped/bridge.ts";
import crashAndCatchUp from "./shipped/crash-and-catch-up.ts";
import feedBot from "./shipped/feed-bot.ts";
import joinRuleEvasion from "./shipped/join-rule-evasion.ts";
import lateJoinerBackfill from "./shipped/late-joiner-backfill.ts";
import moderation from "./shipped/moderation.ts";
import netsplitHeal from "./shipped/netsplit-heal.ts";
import retryModels from "./shipped/retry-models.ts";
import threeServers from "./shipped/three-servers.ts";
import topicWar from "./shipped/topic-war.ts";
import type { Scenario } from "./runner/types.ts";
import v2VsV21 from "./shipped/v2-vs-v21.ts";

export const SCENARIOS: readonly Scenario[] = [
  threeServers,
  netsplitHeal,
  banVsPowerLevels,
  joinRuleEvasion,
  topicWar,
  crashAndCatchUp,
  lateJoinerBackfill,
  v2VsV21,
  feedBot,
  bridge,
  moderation,
  retryModels,
];

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}

export function scenarioNames(): string[] {
  return SCENARIOS.map((s) => s.name);
}

export type { Scenario } from "./runner/types.ts";
export { readsTraceRecords } from "./runner/checks.ts";
export { runScenario, ScenarioRun, type RunOptions, type RunReport, type Intervention } from "./runner/run.ts";
