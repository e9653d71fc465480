// One cell of an experiment as an ordinary scenario: servers hs1…hsN with their users,
// the room created on hs1 and joined by everyone else during the set-up, the links, the
// traffic and the partition of the cell. The result is checked by parseScenario, so a
// cell gets the same messages as a hand-written JSON scenario.

import { parseScenario, type JsonScenario } from "../runner/parse-scenario.ts";
import { ScenarioError } from "../runner/scenario-error.ts";
import type { TimelineAction } from "../runner/types.ts";
import { substitute, type ExperimentSpec, type GridValue, type WorldSpec } from "./spec.ts";

/** The room every experiment observes. */
export const EXPERIMENT_ROOM = "main";
const DEFAULT_SETUP_MS = 10_000;

export interface BuiltCell {
  scenario: JsonScenario;
  /** When the network heals: the partition's repair, or the horizon. */
  healAtMs: number;
  /** Traffic starts here (after the set-up). */
  trafficStartMs: number;
}

export function buildCellScenario(spec: ExperimentSpec, cell: Readonly<Record<string, GridValue>>): BuiltCell {
  const source = `${spec.name} ${JSON.stringify(cell)}`;
  const world = substitute(spec.world, cell);
  const w = checkWorld(world, source);
  const servers = Array.from({ length: w.servers }, (_, i) => `hs${i + 1}`);
  const users = servers.flatMap((s) => Array.from({ length: w.usersPerServer ?? 1 }, (_, j) => `@u${j + 1}:${s}`));
  const setupMs = w.setupMs ?? DEFAULT_SETUP_MS;
  const creator = users[0]!;
  const timeline: TimelineAction[] = [
    { at: 0, do: "createRoom", user: creator, room: EXPERIMENT_ROOM, preset: "public_chat" },
    ...users
      .slice(1)
      .map((user, i): TimelineAction => ({ at: 1000 + i, do: "join", user, room: EXPERIMENT_ROOM, via: ["hs1"] })),
  ];
  const partition = spec.partition ? substitute(spec.partition, cell) : undefined;
  let healAtMs = spec.horizonMs;
  if (partition) {
    const { atMs, forMs, ...shape } = partition;
    timeline.push({ at: atMs, do: "partition", partition: shape });
    healAtMs = atMs + forMs;
  }
  const link = {
    ...(w.latencyMsMean !== undefined ? { latencyMsMean: w.latencyMsMean } : {}),
    ...(w.jitterMs !== undefined ? { jitterMs: w.jitterMs } : {}),
    ...(w.latencyMsMin !== undefined ? { latencyMsMin: w.latencyMsMin } : {}),
    ...(w.loss !== undefined ? { loss: w.loss } : {}),
  };
  const traffic = substitute(spec.traffic, cell).map((t) => ({ startMs: setupMs, ...t, endMs: t.endMs ?? healAtMs }));
  const scenario = parseScenario(
    {
      name: spec.name,
      description: spec.description,
      ...(w.roomVersion ? { roomVersion: w.roomVersion } : {}),
      servers: servers.map((name) => ({ name, ...(w.params ? { params: w.params } : {}) })),
      users,
      network: Object.keys(link).length ? [{ config: link }] : [],
      timeline,
      traffic,
      chaosMs: healAtMs,
      ...(spec.convergenceBudgetMs ? { convergenceBudgetMs: spec.convergenceBudgetMs } : {}),
      ...(w.signing !== undefined ? { signing: w.signing } : {}),
    },
    source,
  );
  return { scenario, healAtMs, trafficStartMs: setupMs };
}

function checkWorld(w: unknown, source: string): WorldSpec {
  const known = [
    "servers",
    "usersPerServer",
    "roomVersion",
    "latencyMsMean",
    "jitterMs",
    "latencyMsMin",
    "loss",
    "params",
    "signing",
    "setupMs",
  ];
  if (w === null || typeof w !== "object" || Array.isArray(w))
    throw new ScenarioError(source, "$.world", "must be an object");
  for (const k of Object.keys(w))
    if (!known.includes(k))
      throw new ScenarioError(source, `$.world.${k}`, `unknown property (expected one of ${known.join(", ")})`);
  const world = w as WorldSpec;
  const count = (v: unknown, name: string, max: number) => {
    if (v !== undefined && (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > max))
      throw new ScenarioError(
        source,
        `$.world.${name}`,
        `must be a whole number from 1 to ${max}, got ${JSON.stringify(v)}`,
      );
  };
  count(world.servers, "servers", 100);
  count(world.usersPerServer, "usersPerServer", 100);
  if (world.servers === undefined) throw new ScenarioError(source, "$.world.servers", "is required");
  return world;
}
