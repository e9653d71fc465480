// JSON scenarios (docs/scenarios.md): the same Scenario type as a TypeScript module,
// minus what only code can say (customChecks, setup). parseScenario() checks the shape
// of every field, then the names that must refer to something (servers, users, rooms,
// labels), and throws a ScenarioError naming the source, the JSON path and the problem.
//
// The schema below is typed with Fields<…>/VariantFields<…>: when scenarios/runner/types.ts
// gains a field, a timeline verb or a check, this file stops compiling until the schema
// (and docs/scenarios.md) describe it.

import { parseRoomVersion, parseServerName, parseUserId } from "../../core/index.ts";
import {
  buildPartition,
  CUT_MODES,
  DEFAULT_FEDERATION_PARAMS,
  DEFAULT_LINK,
  FEDERATION_PARAM_CHOICES,
  PARTITION_SHAPES,
  RandomStreams,
  validateLinkConfig,
  type AdversarySpec,
  type ClockSkew,
  type FederationParams,
  type LinkConfig,
  type PartitionShapeName,
  type PartitionSpec,
  type RoomPreset,
  type TrafficSpec,
} from "../../sim/index.ts";
import {
  array,
  boolean,
  dictionary,
  either,
  fail,
  jsonObject,
  JsonPathError,
  kindOf,
  nonEmptyString,
  nullable,
  number,
  object,
  oneOf,
  optional,
  string,
  tuple,
  variants,
  type Fields,
  type Validator,
  type VariantFields,
} from "./json-validators.ts";
import { ScenarioError } from "./scenario-error.ts";
import { SWARM_LIMITS } from "./swarm.ts";
import type { Annotation, Check, LinkSpec, Range, Scenario, ServerSpec, SwarmSpec, TimelineAction } from "./types.ts";

/** What a JSON scenario can hold: everything but the TypeScript-only fields. */
export type JsonScenario = Omit<Scenario, "customChecks" | "setup">;

/** Limits on a JSON scenario, so a mistaken file fails fast instead of running for ever. */
export const SCENARIO_LIMITS = {
  serversMax: 100,
  usersMax: 1_000,
  timelineMax: 100_000,
  checksMax: 10_000,
  // Virtual times, durations, latencies and clock offsets: about 31 years of milliseconds.
  // Larger ones push origin_server_ts past 2^53, which canonical JSON cannot encode.
  timeMsMax: 1_000_000_000_000,
  // A drift of ±100% (a clock stopped, or running twice as fast) is the most that means anything.
  driftPpmMax: 1_000_000,
} as const;

/** Validate a JSON value as a scenario. `source` names it in errors (a file path). */
export function parseScenario(value: unknown, source: string): JsonScenario {
  try {
    const scenario = scenarioShape(value, "$");
    checkReferences(scenario);
    checkSwarmBudget(scenario);
    return scenario;
  } catch (e) {
    if (e instanceof JsonPathError) throw new ScenarioError(source, e.path, e.problem);
    throw e;
  }
}

/** Validate one check (its shape only: the names in it are checked against a scenario by parseScenario). */
export function parseCheck(value: unknown, source: string): Check {
  try {
    return check(value, "$");
  } catch (e) {
    if (e instanceof JsonPathError) throw new ScenarioError(source, e.path, e.problem);
    throw e;
  }
}

// --- shapes -----------------------------------------------------------------------

// Whole milliseconds: times are traced, and the trace is canonical JSON (no floats).
const time = number({ min: 0, max: SCENARIO_LIMITS.timeMsMax, integer: true });
const duration = number({ above: 0, max: SCENARIO_LIMITS.timeMsMax });
// The convergence budget is traced (run.phase "converging"), so it is whole milliseconds too.
const wholeDuration = number({ min: 1, max: SCENARIO_LIMITS.timeMsMax, integer: true });
const offsetMs = number({ min: -SCENARIO_LIMITS.timeMsMax, max: SCENARIO_LIMITS.timeMsMax });
const driftPpm = number({ min: -SCENARIO_LIMITS.driftPpmMax, max: SCENARIO_LIMITS.driftPpmMax });
/** Latencies, rates and counts of links and servers: at least 0, at most timeMsMax. */
const setting = number({ min: 0, max: SCENARIO_LIMITS.timeMsMax });
const integer = number({ integer: true });
const probability = number({ min: 0, max: 1 });
const strings = array(string);

/** Every key of a record type, from a value that lists them all (the compiler checks the list). */
const keysOf = <K extends string>(all: Record<K, true>) => Object.keys(all) as K[];

const ROOM_PRESETS = keysOf<RoomPreset>({ private_chat: true, trusted_private_chat: true, public_chat: true });
type EventStatus = Extract<Check, { check: "event" }>["status"];
const EVENT_STATUSES = keysOf<EventStatus>({
  accepted: true,
  rejected: true,
  softFailed: true,
  outlier: true,
  absent: true,
  redacted: true,
  dropped: true,
});

/** Numeric settings whose names come from their defaults, so a new setting is accepted at once. */
function numericSettings<T>(
  defaults: Readonly<Record<keyof T & string, number>>,
  value: Validator<number>,
): Validator<Partial<T>> {
  const fields = Object.fromEntries(Object.keys(defaults).map((k) => [k, optional(value)]));
  return object(fields as unknown as Fields<Partial<T>>);
}

/** Federation params that are lists of names (server names), not numbers or choices. */
const FEDERATION_PARAM_LISTS: ReadonlySet<string> = new Set<keyof FederationParams>(["trustedKeyServers"]);

/** Federation params: the numbers are settings; the named choices (FEDERATION_PARAM_CHOICES) must be one of their values. */
function federationParams(): Validator<Partial<FederationParams>> {
  const choices: Record<string, readonly string[]> = FEDERATION_PARAM_CHOICES;
  const fieldOf = (k: string): Validator<unknown> =>
    choices[k] ? oneOf(choices[k], `${k} value`) : FEDERATION_PARAM_LISTS.has(k) ? strings : setting;
  const fields = Object.fromEntries(
    Object.keys(DEFAULT_FEDERATION_PARAMS).map((k) => [k, optional<unknown>(fieldOf(k))]),
  );
  return object(fields as unknown as Fields<Partial<FederationParams>>);
}

const linkConfig: Validator<Partial<LinkConfig>> = (v, path) => {
  const config = numericSettings<LinkConfig>(DEFAULT_LINK, setting)(v, path);
  try {
    validateLinkConfig(config, path);
  } catch (e) {
    fail(path, (e as Error).message.slice(path.length + 2));
  }
  return config;
};

const skew = object<Partial<ClockSkew>>({ offsetMs: optional(offsetMs), driftPpm: optional(driftPpm) });

const adversaryShapes: VariantFields<AdversarySpec, "kind"> = {
  "stale-prev-events": { sinceMs: time, users: optional(strings) },
  "forge-signature": { impersonate: string },
  "bad-hash": {},
  withhold: { from: strings },
  "clock-ahead": { offsetMs },
  "stale-state": { type: string, stateKey: optional(string) },
};
const adversary = variants<AdversarySpec, "kind">("kind", "adversary kind", adversaryShapes);

const server = object<ServerSpec>({
  name: nonEmptyString,
  skew: optional(skew),
  params: optional(federationParams()),
  adversary: optional(adversary),
  roomVersions: optional(strings),
});

const linkFields: Fields<LinkSpec> = {
  from: optional(string),
  to: optional(string),
  oneWay: optional(boolean),
  config: linkConfig,
};

const sides = tuple(strings, strings);

const partition = variants<PartitionSpec, "shape">("shape", "partition shape", {
  isolate: { server: string, mode: optional(oneOf(CUT_MODES, "cut mode")) },
  split: { sides, mode: optional(oneOf(CUT_MODES, "cut mode")) },
  majority: { minority: optional(number({ integer: true, min: 1 })), mode: optional(oneOf(CUT_MODES, "cut mode")) },
  ring: { reach: optional(number({ integer: true, min: 1 })), mode: optional(oneOf(CUT_MODES, "cut mode")) },
  bridge: { bridge: string, sides: optional(sides), mode: optional(oneOf(CUT_MODES, "cut mode")) },
  random: { mode: optional(oneOf(CUT_MODES, "cut mode")) },
  oneWay: { from: strings, to: strings, mode: optional(oneOf(CUT_MODES, "cut mode")) },
  map: { blocked: dictionary(strings), mode: optional(oneOf(CUT_MODES, "cut mode")) },
});

/** The fields every timeline entry has. */
const at = { at: time, label: optional(nonEmptyString), expect: optional(nonEmptyString) };
const by = { ...at, user: string };
const targeted = { ...by, room: string, target: string, reason: optional(string) };

const actionShapes: VariantFields<TimelineAction, "do"> = {
  createRoom: {
    ...by,
    room: nonEmptyString,
    preset: optional(oneOf(ROOM_PRESETS, "room preset")),
    name: optional(string),
    topic: optional(string),
    roomVersion: optional(string),
    invite: optional(strings),
    powerLevels: optional(jsonObject),
  },
  join: { ...by, room: string, via: optional(strings) },
  knock: { ...by, room: string, via: optional(strings), reason: optional(string) },
  leave: { ...by, room: string },
  invite: targeted,
  kick: targeted,
  ban: targeted,
  unban: targeted,
  message: { ...by, room: string, body: string },
  topic: { ...by, room: string, topic: string },
  name: { ...by, room: string, name: string },
  joinRules: { ...by, room: string, rule: string },
  powerLevel: { ...by, room: string, target: string, level: integer },
  setState: { ...by, room: string, type: string, stateKey: optional(string), content: jsonObject },
  redact: { ...by, room: string, event: string, reason: optional(string) },
  sync: by,
  typing: { ...by, room: string, typing: boolean, timeoutMs: optional(number({ integer: true, min: 0 })) },
  receipt: { ...by, room: string, event: string },
  presence: {
    ...by,
    presence: oneOf(["online", "offline", "unavailable"] as const, "presence state"),
    statusMsg: optional(string),
  },
  messages: { ...by, room: string, limit: optional(number({ integer: true, min: 1 })) },
  upgrade: { ...by, room: string, roomVersion: string, newRoom: nonEmptyString },
  partition: { ...at, partition },
  repair: { ...at, partition: optional(partition) },
  crash: { ...at, server: string },
  restart: { ...at, server: string },
  rotateKey: { ...at, server: string },
  link: { ...at, ...linkFields },
  heal: at,
  note: { ...at, text: string },
};
const action = variants<TimelineAction, "do">("do", "timeline verb", actionShapes);

function range(value: Validator<number>): Validator<Range> {
  return (v, path) => {
    if (!Array.isArray(v))
      return typeof v === "number"
        ? value(v, path)
        : fail(path, `must be a number or a range [low, high], got ${kindOf(v)}`);
    const [lo, hi] = tuple(value, value)(v, path);
    return lo <= hi ? [lo, hi] : fail(path, `the range [${lo}, ${hi}] is empty (write [low, high])`);
  };
}

const swarmShape = oneOf(
  PARTITION_SHAPES.filter((s): s is Exclude<PartitionShapeName, "map"> => s !== "map"),
  "partition shape a swarm can draw (map is for the timeline)",
);

const swarm = object<SwarmSpec>({
  startMs: optional(time),
  loss: optional(range(probability)),
  duplication: optional(range(probability)),
  reorder: optional(range(probability)),
  partitionEveryMs: optional(range(duration)),
  partitionForMs: optional(range(time)),
  shapes: optional(array(swarmShape, { minLength: 1 })),
  modes: optional(array(oneOf(CUT_MODES, "cut mode"), { minLength: 1 })),
  crashEveryMs: optional(range(duration)),
  crashForMs: optional(range(time)),
  skewMs: optional(range(offsetMs)),
  driftPpm: optional(range(driftPpm)),
  messageEveryMs: optional(range(duration)),
  topicEveryMs: optional(range(duration)),
});

const count = number({ integer: true, min: 0 });

const trafficScope = {
  room: string,
  per: optional(oneOf(["user", "server"] as const, "traffic scope")),
  users: optional(strings),
  servers: optional(strings),
  startMs: optional(time),
  endMs: optional(time),
};
/** A traffic model (sim/traffic.ts) with its scope. */
const traffic = variants<TrafficSpec, "model">("model", "traffic model", {
  bernoulli: { ...trafficScope, periodMs: duration, p: probability },
  poisson: { ...trafficScope, ratePerSec: number({ min: 0, max: 1_000_000 }) },
  bursts: {
    ...trafficScope,
    everyMs: duration,
    size: number({ integer: true, min: 1, max: 1_000_000 }),
    spacingMs: setting,
  },
  schedule: { ...trafficScope, atMs: array(time) },
});

const checkShapes: VariantFields<Check, "check"> = {
  state: {
    room: string,
    type: string,
    stateKey: optional(string),
    servers: optional(strings),
    event: optional(nullable(string)),
    content: optional(jsonObject),
  },
  membership: { room: string, user: string, servers: optional(strings), is: nullable(string) },
  timeline: {
    room: string,
    user: string,
    includes: optional(strings),
    excludes: optional(strings),
    order: optional(strings),
  },
  history: {
    room: string,
    user: string,
    limit: optional(number({ integer: true, min: 1 })),
    includes: optional(strings),
    excludes: optional(strings),
  },
  event: { event: string, servers: optional(strings), status: oneOf(EVENT_STATUSES, "event status") },
  converged: { room: optional(string) },
  trace: {
    kind: string,
    atLeast: optional(count),
    atMost: optional(count),
    server: optional(string),
    where: optional(
      dictionary(either(either(string, number(), "a string or number"), boolean, "a string, number or boolean")),
    ),
  },
};
const check = variants<Check, "check">("check", "check", checkShapes);

const annotation = object<Annotation>({ at: time, text: string });

const ONLY_IN_TYPESCRIPT = "only a TypeScript scenario module can have this (it is code)";

const scenarioShape = object<JsonScenario>(
  {
    name: nonEmptyString,
    description: string,
    roomVersion: optional(string),
    servers: array(server, { minLength: 1, maxLength: SCENARIO_LIMITS.serversMax }),
    users: array(string, { maxLength: SCENARIO_LIMITS.usersMax }),
    network: optional(array(object<LinkSpec>(linkFields))),
    timeline: array(action, { maxLength: SCENARIO_LIMITS.timelineMax }),
    swarm: optional(swarm),
    traffic: optional(array(traffic)),
    chaosMs: optional(time),
    convergenceBudgetMs: optional(wholeDuration),
    heal: optional(boolean),
    checks: optional(array(check, { maxLength: SCENARIO_LIMITS.checksMax })),
    annotations: optional(array(annotation)),
    signing: optional(boolean),
  },
  { refused: { customChecks: ONLY_IN_TYPESCRIPT, setup: ONLY_IN_TYPESCRIPT } },
);

/** The names the schema knows, for documentation and its tests. */
export const SCHEMA_NAMES = {
  verbs: Object.keys(actionShapes),
  checks: Object.keys(checkShapes),
  adversaries: Object.keys(adversaryShapes),
  shapes: [...PARTITION_SHAPES],
  modes: [...CUT_MODES],
} as const;

// --- the swarm's budget ----------------------------------------------------------------

/**
 * A swarm plans its faults and traffic as timeline entries, at most
 * SWARM_LIMITS.plannedActionsMax of them. At the fastest rates its ranges allow, the
 * expected number over the chaos phase must be at most half that
 * (SWARM_LIMITS.expectedActionsMax), so that no seed's draw reaches the cap at run time.
 */
function checkSwarmBudget(s: JsonScenario): void {
  const swarm = s.swarm;
  if (!swarm) return;
  const endMs = s.chaosMs ?? s.timeline.reduce((last, a) => (a.at > last ? a.at : last), 0);
  const spanMs = Math.max(0, endMs - (swarm.startMs ?? 0));
  const fastest = (r: Range | undefined) => (r === undefined ? undefined : typeof r === "number" ? r : r[0]);
  const expected = (r: Range | undefined, perEvent: number) => {
    const every = fastest(r);
    return every === undefined ? 0 : (perEvent * spanMs) / every;
  };
  const users = s.users.length;
  const total =
    expected(swarm.partitionEveryMs, 2) +
    expected(swarm.crashEveryMs, 2) +
    expected(swarm.messageEveryMs, users) +
    expected(swarm.topicEveryMs, users);
  if (total > SWARM_LIMITS.expectedActionsMax) {
    fail(
      "$.swarm",
      `at its fastest rates this swarm plans about ${Math.round(total)} actions over the ${spanMs} ms chaos phase; at most ${SWARM_LIMITS.expectedActionsMax} are allowed (raise the *EveryMs values or shorten chaosMs)`,
    );
  }
}

// --- references -------------------------------------------------------------------

/** Names that must refer to something the scenario declares. */
function checkReferences(s: JsonScenario): void {
  const servers = s.servers.map((x) => x.name);
  const users = new Set<string>();
  const serverSet = new Set<string>();
  s.servers.forEach((x, i) => {
    identifier(() => parseServerName(x.name), `$.servers[${i}].name`);
    if (serverSet.has(x.name)) fail(`$.servers[${i}].name`, `server ${x.name} is listed twice`);
    serverSet.add(x.name);
  });
  s.users.forEach((u, i) => {
    identifier(() => parseUserId(u), `$.users[${i}]`);
    const server = u.slice(u.indexOf(":") + 1);
    if (!serverSet.has(server))
      fail(`$.users[${i}]`, `${u} is on ${server}, which is not one of the servers (${servers.join(", ")})`);
    if (users.has(u)) fail(`$.users[${i}]`, `${u} is listed twice`);
    users.add(u);
  });
  const rooms = new Set<string>();
  const labels = new Set<string>();
  s.timeline.forEach((a, i) => {
    // createRoom makes a room label, and so does an upgrade (its replacement room).
    const made = a.do === "createRoom" ? a.room : a.do === "upgrade" ? a.newRoom : undefined;
    const field = a.do === "upgrade" ? "newRoom" : "room";
    if (made !== undefined) {
      if (rooms.has(made) || made === "*")
        fail(
          `$.timeline[${i}].${field}`,
          made === "*" ? `"*" means every room; name the room` : `room ${made} is created twice`,
        );
      rooms.add(made);
    }
    if (a.label !== undefined) {
      if (labels.has(a.label)) fail(`$.timeline[${i}].label`, `label ${a.label} is used twice`);
      labels.add(a.label);
    }
  });
  const refs = new References(servers, users, rooms, labels);

  if (s.roomVersion !== undefined) roomVersion(s.roomVersion, "$.roomVersion");
  s.servers.forEach((x, i) => refs.adversary(x.adversary, `$.servers[${i}].adversary`));
  s.servers.forEach((x, i) =>
    (x.roomVersions ?? []).forEach((v, j) => roomVersion(v, `$.servers[${i}].roomVersions[${j}]`)),
  );
  (s.network ?? []).forEach((l, i) => refs.link(l, `$.network[${i}]`));
  s.timeline.forEach((a, i) => refs.action(a, `$.timeline[${i}]`));
  (s.checks ?? []).forEach((c, i) => refs.check(c, `$.checks[${i}]`));
  (s.traffic ?? []).forEach((t, i) => {
    const path = `$.traffic[${i}]`;
    refs.room(t.room, `${path}.room`, false);
    (t.users ?? []).forEach((u, j) => refs.user(u, `${path}.users[${j}]`));
    (t.servers ?? []).forEach((x, j) => refs.server(x, `${path}.servers[${j}]`));
    if (t.endMs !== undefined && t.endMs <= (t.startMs ?? 0)) fail(`${path}.endMs`, "must be after startMs");
  });
}

function identifier(parse: () => unknown, path: string): void {
  try {
    parse();
  } catch (e) {
    fail(path, (e as Error).message);
  }
}

function roomVersion(id: string, path: string): void {
  identifier(() => parseRoomVersion(id), path);
}

class References {
  constructor(
    private readonly servers: readonly string[],
    private readonly users: ReadonlySet<string>,
    private readonly rooms: ReadonlySet<string>,
    private readonly labels: ReadonlySet<string>,
  ) {}

  server(name: string, path: string): void {
    if (!this.servers.includes(name))
      fail(path, `${JSON.stringify(name)} is not one of the servers (${this.servers.join(", ")})`);
  }

  user(name: string, path: string): void {
    if (!this.users.has(name)) fail(path, `${JSON.stringify(name)} is not one of the users (list it in "users")`);
  }

  room(label: string, path: string, anyRoom: boolean): void {
    if (anyRoom && label === "*") return;
    if (!this.rooms.has(label))
      fail(
        path,
        `no createRoom makes a room ${JSON.stringify(label)}${this.rooms.size ? ` (rooms: ${[...this.rooms].join(", ")})` : ""}`,
      );
  }

  label(label: string, path: string): void {
    if (!this.labels.has(label)) fail(path, `no timeline action has the label ${JSON.stringify(label)}`);
  }

  adversary(a: AdversarySpec | undefined, path: string): void {
    if (!a) return;
    if (a.kind === "withhold") a.from.forEach((s, j) => this.server(s, `${path}.from[${j}]`));
    if (a.kind === "stale-prev-events") (a.users ?? []).forEach((u, j) => this.user(u, `${path}.users[${j}]`));
    if (a.kind === "forge-signature") identifier(() => parseUserId(a.impersonate), `${path}.impersonate`);
  }

  link(l: LinkSpec, path: string): void {
    if (l.from !== undefined) this.server(l.from, `${path}.from`);
    if (l.to !== undefined) this.server(l.to, `${path}.to`);
    if ((l.from === undefined) !== (l.to === undefined))
      fail(path, "give both from and to (one link), or neither (the whole network)");
    if (l.oneWay && l.from === undefined) fail(`${path}.oneWay`, "a one-way setting needs from and to");
  }

  partition(p: PartitionSpec, path: string): void {
    // buildPartition is what the run will call: let it find unknown servers and bad sizes now.
    try {
      buildPartition(p, this.servers, new RandomStreams("parse-scenario").stream("partitions"));
    } catch (e) {
      fail(path, (e as Error).message);
    }
  }

  action(a: TimelineAction, path: string): void {
    if ("user" in a) this.user(a.user, `${path}.user`);
    if ("room" in a) this.room(a.room, `${path}.room`, a.do !== "createRoom");
    // Targets may be anyone (a ban before they ever join): only the grammar is checked.
    if ("target" in a) identifier(() => parseUserId(a.target), `${path}.target`);
    switch (a.do) {
      case "createRoom":
        if (a.roomVersion !== undefined) roomVersion(a.roomVersion, `${path}.roomVersion`);
        (a.invite ?? []).forEach((u, j) => identifier(() => parseUserId(u), `${path}.invite[${j}]`));
        return;
      case "join":
      case "knock":
        (a.via ?? []).forEach((s, j) => this.server(s, `${path}.via[${j}]`));
        return;
      case "redact":
      case "receipt":
        return this.label(a.event, `${path}.event`);
      case "partition":
        return this.partition(a.partition, `${path}.partition`);
      case "repair":
        return a.partition ? this.partition(a.partition, `${path}.partition`) : undefined;
      case "crash":
      case "restart":
      case "rotateKey":
        return this.server(a.server, `${path}.server`);
      case "upgrade":
        return void roomVersion(a.roomVersion, `${path}.roomVersion`);
      case "link":
        return this.link(a, path);
      default:
        return;
    }
  }

  check(c: Check, path: string): void {
    if ("room" in c && c.room !== undefined) this.room(c.room, `${path}.room`, false);
    // A membership is read from room state (anyone); timelines and histories need the user's client.
    if (c.check === "membership") identifier(() => parseUserId(c.user), `${path}.user`);
    else if ("user" in c) this.user(c.user, `${path}.user`);
    if ("servers" in c) (c.servers ?? []).forEach((s, j) => this.server(s, `${path}.servers[${j}]`));
    if (c.check === "event") this.label(c.event, `${path}.event`);
    if (c.check === "state" && typeof c.event === "string") this.label(c.event, `${path}.event`);
    if (c.check === "trace" && c.server !== undefined) this.server(c.server, `${path}.server`);
  }
}
