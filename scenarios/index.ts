// The scenarios that ship with netsplit, by name: `netsplit list`, `netsplit run <name>`
// and the web view's picker all read this table. Each module's default export is a
// Scenario (scenarios/types.ts); its description says what it demonstrates.

import banVsPowerLevels from "./ban-vs-power-levels.ts";
import bridge from "./bridge.ts";
import crashAndCatchUp from "./crash-and-catch-up.ts";
import feedBot from "./feed-bot.ts";
import joinRuleEvasion from "./join-rule-evasion.ts";
import lateJoinerBackfill from "./late-joiner-backfill.ts";
import moderation from "./moderation.ts";
import netsplitHeal from "./netsplit-heal.ts";
import threeServers from "./three-servers.ts";
import topicWar from "./topic-war.ts";
import type { Scenario } from "./types.ts";
import v2VsV21 from "./v2-vs-v21.ts";

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
];

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}

export function scenarioNames(): string[] {
  return SCENARIOS.map((s) => s.name);
}

export type { Scenario } from "./types.ts";
export { runScenario, ScenarioRun, type RunOptions, type RunReport, type Intervention } from "./run.ts";
