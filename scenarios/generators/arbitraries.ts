// fast-check arbitraries for random scenarios (`netsplit check`, property tests): 3–6
// servers with one user each, one room they join, random client actions, partitions of
// the named shapes and crashes. Each scenario is a plain JSON value that parseScenario()
// accepts, so a shrunk counterexample can be saved and replayed with `netsplit run`.
//
// The arbitrary draws a plan of small integers (which server, which user, when) and maps
// it to a scenario; fast-check shrinks the plan, and every shrunk plan still maps to a
// valid scenario (indices are taken modulo the number of servers).

import fc from "fast-check";
import {
  CUT_MODES,
  PARTITION_SHAPES,
  type CutMode,
  type PartitionShapeName,
  type PartitionSpec,
} from "../../sim/index.ts";
import type { JsonScenario } from "../runner/parse-scenario.ts";
import type { TimelineAction } from "../runner/types.ts";

export interface ScenarioArbitraryOptions {
  serversMin?: number;
  serversMax?: number;
  actionsMax?: number;
  partitionsMax?: number;
  crashesMax?: number;
  roomVersions?: readonly string[];
  /** Checks every generated scenario must also pass (besides liveness and safety). */
  checks?: JsonScenario["checks"];
}

const USER_NAMES = ["alice", "bob", "carol", "dan", "erin", "frank", "grace", "heidi"];

const VERBS = ["message", "topic", "name", "powerLevel", "kick", "ban", "unban", "leave", "join", "joinRules"] as const;
type Verb = (typeof VERBS)[number];

// Every named shape but a literal map, and every cut mode (sim/partitions.ts).
const SHAPES = PARTITION_SHAPES.filter((s): s is Exclude<PartitionShapeName, "map"> => s !== "map");
type Shape = (typeof SHAPES)[number];

const MODES: readonly CutMode[] = CUT_MODES;

/** Faults and actions start once every user has had time to join. */
const CHAOS_START_MS = 5_000;
const CHAOS_END_MS = 60_000;

interface PlannedAction {
  at: number;
  verb: Verb;
  user: number;
  target: number;
  choice: number;
}

interface PlannedPartition {
  at: number;
  forMs: number;
  shape: Shape;
  mode: CutMode;
  a: number;
}

interface PlannedCrash {
  at: number;
  forMs: number;
  server: number;
}

interface Plan {
  servers: number;
  roomVersion: string;
  actions: PlannedAction[];
  partitions: PlannedPartition[];
  crashes: PlannedCrash[];
}

const moment = fc.integer({ min: CHAOS_START_MS, max: CHAOS_END_MS });
const index = fc.nat({ max: 63 });

function planArbitrary(o: Required<Omit<ScenarioArbitraryOptions, "checks">>): fc.Arbitrary<Plan> {
  return fc.record({
    servers: fc.integer({ min: o.serversMin, max: o.serversMax }),
    roomVersion: fc.constantFrom(...o.roomVersions),
    actions: fc.array(
      fc.record({ at: moment, verb: fc.constantFrom(...VERBS), user: index, target: index, choice: index }),
      { maxLength: o.actionsMax },
    ),
    partitions: fc.array(
      fc.record({
        at: moment,
        forMs: fc.integer({ min: 1_000, max: 120_000 }),
        shape: fc.constantFrom(...SHAPES),
        mode: fc.constantFrom(...MODES),
        a: index,
      }),
      { maxLength: o.partitionsMax },
    ),
    crashes: fc.array(fc.record({ at: moment, forMs: fc.integer({ min: 1_000, max: 60_000 }), server: index }), {
      maxLength: o.crashesMax,
    }),
  });
}

/** Random scenarios as JSON values (see the file comment). */
export function scenarioArbitrary(options: ScenarioArbitraryOptions = {}): fc.Arbitrary<JsonScenario> {
  const o = {
    serversMin: options.serversMin ?? 3,
    serversMax: options.serversMax ?? 6,
    actionsMax: options.actionsMax ?? 10,
    partitionsMax: options.partitionsMax ?? 3,
    crashesMax: options.crashesMax ?? 2,
    roomVersions: options.roomVersions ?? ["10", "11", "12"],
  };
  if (o.serversMin < 2 || o.serversMax > USER_NAMES.length || o.serversMin > o.serversMax) {
    throw new Error(`scenarioArbitrary: servers must be within 2…${USER_NAMES.length}`);
  }
  return planArbitrary(o).map((plan) => scenarioOfPlan(plan, options.checks));
}

export function scenarioOfPlan(plan: Plan, checks: JsonScenario["checks"] = []): JsonScenario {
  const servers = Array.from({ length: plan.servers }, (_, i) => `hs${i + 1}`);
  const users = servers.map((s, i) => `@${USER_NAMES[i]}:${s}`);
  const user = (i: number) => users[i % users.length]!;
  const timeline: TimelineAction[] = [
    { at: 0, do: "createRoom", user: users[0]!, room: "room", preset: "public_chat", name: "random" },
    ...users
      .slice(1)
      .map((u, i): TimelineAction => ({ at: 200 * (i + 1), do: "join", user: u, room: "room", via: ["hs1"] })),
  ];
  const down: Array<{ server: string; fromMs: number; toMs: number }> = [];
  for (const c of plan.crashes) {
    const server = servers[c.server % servers.length]!;
    timeline.push({ at: c.at, do: "crash", server }, { at: c.at + c.forMs, do: "restart", server });
    down.push({ server, fromMs: c.at, toMs: c.at + c.forMs });
  }
  for (const p of plan.partitions) {
    timeline.push(
      { at: p.at, do: "partition", partition: { ...shapeOf(p, servers), mode: p.mode } as PartitionSpec },
      { at: p.at + p.forMs, do: "repair" },
    );
  }
  plan.actions.forEach((a, i) => {
    const who = user(a.user);
    // A user whose server is down cannot call it (the runner counts that as a failed action).
    const server = who.slice(who.indexOf(":") + 1);
    if (down.some((d) => d.server === server && a.at >= d.fromMs && a.at <= d.toMs)) return;
    timeline.push(actionOf(a, i, who, user(a.target)));
  });
  const lastMs = timeline.reduce((last, a) => Math.max(last, a.at), -Infinity);
  return {
    name: "random",
    description: `A random scenario from netsplit check: ${servers.length} servers, ${plan.actions.length} client actions, ${plan.partitions.length} partitions, ${plan.crashes.length} crashes.`,
    roomVersion: plan.roomVersion,
    servers: servers.map((name) => ({ name })),
    users,
    timeline: timeline.sort((x, y) => x.at - y.at),
    chaosMs: lastMs + 1_000,
    convergenceBudgetMs: 6 * 3600_000,
    checks: [{ check: "converged" }, ...checks],
  };
}

function shapeOf(p: PlannedPartition, servers: readonly string[]): PartitionSpec {
  const pick = servers[p.a % servers.length]!;
  switch (p.shape) {
    case "isolate":
      return { shape: "isolate", server: pick };
    case "split": {
      const cut = 1 + (p.a % (servers.length - 1));
      return { shape: "split", sides: [servers.slice(0, cut), servers.slice(cut)] };
    }
    case "majority":
      return { shape: "majority" };
    case "ring":
      return { shape: "ring" };
    case "bridge":
      return { shape: "bridge", bridge: pick };
    case "random":
      return { shape: "random" };
    case "oneWay":
      return { shape: "oneWay", from: [pick], to: servers.filter((s) => s !== pick) };
  }
}

function actionOf(a: PlannedAction, i: number, user: string, target: string): TimelineAction {
  const base = { at: a.at, user, room: "room" };
  switch (a.verb) {
    case "message":
      return { ...base, do: "message", body: `message ${i}` };
    case "topic":
      return { ...base, do: "topic", topic: `topic ${i}` };
    case "name":
      return { ...base, do: "name", name: `name ${i}` };
    case "powerLevel":
      return { ...base, do: "powerLevel", target, level: [0, 50, 100][a.choice % 3]! };
    case "kick":
    case "ban":
    case "unban":
      return { ...base, do: a.verb, target };
    case "leave":
      return { ...base, do: "leave" };
    case "join":
      return { ...base, do: "join", via: ["hs1"] };
    case "joinRules":
      return { ...base, do: "joinRules", rule: ["public", "invite"][a.choice % 2]! };
  }
}
