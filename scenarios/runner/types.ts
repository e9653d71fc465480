// What a scenario is: servers, users, rooms, a timeline of client actions and network
// faults at virtual times, the room version, open fault rates for swarm runs, and the
// checks that must hold at the end. Everything but `customChecks` is plain JSON, so a
// scenario can be a TypeScript module (scenarios/shipped/<name>.ts) or a JSON file validated by
// parseScenario() (docs/scenarios.md is the schema).

import type { EventId, JsonObject, RoomId } from "../../core/index.ts";
import type {
  AdversarySpec,
  ClockSkew,
  CutMode,
  FederationParams,
  LinkConfig,
  PartitionShapeName,
  PartitionSpec,
  RoomPreset,
  TrafficSpec,
  World,
} from "../../sim/index.ts";
import type { CheckContext } from "./check-context.ts";

export interface ServerSpec {
  name: string;
  skew?: Partial<ClockSkew>;
  params?: Partial<FederationParams>;
  adversary?: AdversarySpec;
  /** The room versions it supports (sent as `ver` when joining or knocking); every version when absent. */
  roomVersions?: string[];
}

/** A link setting: the whole network (no from/to), one link (both ways) or one direction. */
export interface LinkSpec {
  from?: string;
  to?: string;
  /** With from and to: only that direction. */
  oneWay?: boolean;
  config: Partial<LinkConfig>;
}

/** Fields every timeline entry has. */
interface At {
  /** Virtual time in ms from the start of the run. */
  at: number;
  /** A name for the event this action creates, for later actions and checks. */
  label?: string;
  /** The Matrix error the action must fail with (a check fails otherwise); default: no expectation. */
  expect?: "ok" | string;
}

type UserAction<D extends string, F = object> = At & { do: D; user: string } & F;

export type TimelineAction =
  | UserAction<
      "createRoom",
      {
        room: string;
        preset?: RoomPreset;
        name?: string;
        topic?: string;
        roomVersion?: string;
        invite?: string[];
        powerLevels?: JsonObject;
      }
    >
  | UserAction<"join", { room: string; via?: string[] }>
  | UserAction<"knock", { room: string; via?: string[]; reason?: string }>
  | UserAction<"leave", { room: string }>
  | UserAction<"invite" | "kick" | "ban" | "unban", { room: string; target: string; reason?: string }>
  | UserAction<"message", { room: string; body: string }>
  | UserAction<"topic", { room: string; topic: string }>
  | UserAction<"name", { room: string; name: string }>
  | UserAction<"joinRules", { room: string; rule: string }>
  | UserAction<"powerLevel", { room: string; target: string; level: number }>
  | UserAction<"setState", { room: string; type: string; stateKey?: string; content: JsonObject }>
  | UserAction<"redact", { room: string; event: string; reason?: string }>
  | UserAction<"sync">
  /** POST /rooms/{room}/upgrade: `newRoom` labels the replacement room, of version `roomVersion`. */
  | UserAction<"upgrade", { room: string; roomVersion: string; newRoom: string }>
  /** PUT /typing: typing (for timeoutMs, default 30 s, at most 120 s) or stopped; an m.typing EDU to the room's servers. */
  | UserAction<"typing", { room: string; typing: boolean; timeoutMs?: number }>
  /** POST /receipt/m.read/{event}: a read receipt for a labelled event; an m.receipt EDU to the room's servers. */
  | UserAction<"receipt", { room: string; event: string }>
  /** PUT /presence/{user}/status: an m.presence EDU to every server sharing a room with the user. */
  | UserAction<"presence", { presence: "online" | "offline" | "unavailable"; statusMsg?: string }>
  /** GET /messages: the newest `limit` events, backfilled from another server if this one joined late. */
  | UserAction<"messages", { room: string; limit?: number }>
  | (At & { do: "partition"; partition: PartitionSpec })
  | (At & { do: "repair"; partition?: PartitionSpec })
  | (At & { do: "crash" | "restart"; server: string })
  /** The server starts signing with a new key; the old one is published as expired now. */
  | (At & { do: "rotateKey"; server: string })
  | (At & { do: "link" } & LinkSpec)
  /** Repair every cut, deliver held messages, restart crashed servers. */
  | (At & { do: "heal" })
  /** A sentence shown at this moment (a note in the trace; the web view's walkthrough). */
  | (At & { do: "note"; text: string });

export type TimelineVerb = TimelineAction["do"];

/** A range a swarm seed draws from (uniformly), or a fixed value. */
export type Range = number | [number, number];

/**
 * Open fault rates: each seed draws its own values from these ranges (sim stream
 * "swarm") during the chaos phase, and the run prints what it drew.
 */
export interface SwarmSpec {
  /** The swarm's faults start here (default 0): leave the scripted set-up in peace. */
  startMs?: number;
  /** Per-message loss probability. */
  loss?: Range;
  duplication?: Range;
  reorder?: Range;
  /** Mean time between partitions (exponential); none when absent. */
  partitionEveryMs?: Range;
  /** How long each partition stands. */
  partitionForMs?: Range;
  /** Shapes to draw from (default: isolate, majority, random). */
  shapes?: PartitionShapeName[];
  /** Cut modes to draw from (default: drop). */
  modes?: CutMode[];
  /** Mean time between crashes of some server; none when absent. */
  crashEveryMs?: Range;
  crashForMs?: Range;
  /** Per-server clock offset (ms) and drift (ppm), drawn per server. */
  skewMs?: Range;
  driftPpm?: Range;
  /** Mean time between messages of each joined user; none when absent. */
  messageEveryMs?: Range;
  /** Mean time between topic changes of each joined user; none when absent. */
  topicEveryMs?: Range;
}

export type Check =
  /** The room's current state (type, state key) on the given servers (default: all honest ones in the room). */
  | {
      check: "state";
      room: string;
      type: string;
      stateKey?: string;
      servers?: string[];
      event?: string | null;
      content?: Record<string, unknown>;
    }
  /** A user's membership in the room's current state. */
  | { check: "membership"; room: string; user: string; servers?: string[]; is: string | null }
  /** What a user's sync shows of the room's messages. */
  | { check: "timeline"; room: string; user: string; includes?: string[]; excludes?: string[]; order?: string[] }
  /** What /messages shows a user without asking another server (newest `limit`, default 50), e.g. after backfill. */
  | { check: "history"; room: string; user: string; limit?: number; includes?: string[]; excludes?: string[] }
  /** How each server holds a labelled event. */
  | {
      check: "event";
      event: string;
      servers?: string[];
      status: "accepted" | "rejected" | "softFailed" | "outlier" | "absent" | "redacted" | "dropped";
    }
  /** Every honest server in the room holds the same state (done by every run; listed to name it). */
  | { check: "converged"; room?: string }
  /** Trace counts: at least / at most this many records of a kind. */
  | {
      check: "trace";
      kind: string;
      atLeast?: number;
      atMost?: number;
      server?: string;
      where?: Record<string, string | number | boolean>;
    };

/** A check written in TypeScript (module scenarios only): returns problems, empty when it holds. */
export interface CustomCheck {
  name: string;
  run(ctx: CheckContext): string[];
}

/** A sentence shown at a moment of the run: the web view's guided walkthrough. */
export interface Annotation {
  at: number;
  text: string;
}

/** What a module scenario's setup() may use: the world is built, the timeline not yet run. */
export interface SetupContext {
  world: World;
  scenario: Scenario;
  /** Room label → room id, filled as the timeline creates rooms. */
  rooms: Map<string, RoomId>;
  /** Event label → event id, filled as labelled actions complete. */
  events: Map<string, EventId>;
}

export interface Scenario {
  name: string;
  /** What the scenario demonstrates: one paragraph, shown by `netsplit list` and the web view. */
  description: string;
  /** Rooms that do not name their version use this (`--room-version` overrides it). */
  roomVersion?: string;
  servers: ServerSpec[];
  /** Users to register, e.g. "@alice:hs1". */
  users: string[];
  network?: LinkSpec[];
  timeline: TimelineAction[];
  /** Open fault rates for swarm runs. */
  swarm?: SwarmSpec;
  /** Traffic models (sim/traffic.ts): who sends messages when, each from its own random stream. */
  traffic?: TrafficSpec[];
  /** The chaos phase ends here (default: the last timeline entry); then the run heals. */
  chaosMs?: number;
  /** Virtual time allowed after the heal for every server to agree (default 2 hours). */
  convergenceBudgetMs?: number;
  /** Whether the run heals the network at chaosMs (default true). */
  heal?: boolean;
  checks?: Check[];
  customChecks?: CustomCheck[];
  /**
   * Module scenarios only: called once the servers and users exist, before the first
   * step — to attach bots, application services or a simulated feed. Anything it
   * schedules must go through world.sim (virtual time, seeded streams).
   */
  setup?(ctx: SetupContext): void;
  annotations?: Annotation[];
  /** Sign and verify events (default true; sweeps may turn it off). */
  signing?: boolean;
}
