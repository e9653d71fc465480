// The world `netsplit serve` runs: a scenario's servers, users, network and timeline at
// a seed (its timeline plays out as virtual time passes, while real clients join in),
// or, without a scenario, two empty homeservers hs1 and hs2 for clients to fill.

import type { CryptoBackend } from "../core/index.ts";
import { ScenarioRun, type Scenario } from "../scenarios/index.ts";
import type { World } from "../sim/index.ts";

/** The world served when no scenario is named: two homeservers, nobody on them yet. */
export const EMPTY_SCENARIO: Scenario = {
  name: "empty",
  description: "Two homeservers, hs1 and hs2, with no users and no rooms: a world for real clients to fill.",
  servers: [{ name: "hs1" }, { name: "hs2" }],
  users: [],
  timeline: [],
  // A served world is healed by hand (POST /_netsplit/heal), not at the end of a timeline.
  heal: false,
};

export function servedWorld(scenario: Scenario, seed: number, crypto?: CryptoBackend): World {
  return new ScenarioRun(scenario, { seed, ...(crypto ? { crypto } : {}) }).world;
}
