// fast-check arbitraries for state-resolution fixtures (docs/fixtures.md): a room's
// shared history, then branches that fork off one another and sometimes merge again,
// each changing state on its own — topics, names, join rules, power struggles, kicks,
// bans, unbans, invites, joins and leaves. `netsplit difftest` hands them to another
// implementation's resolver; other test suites can import them (package.json exports
// "netsplit/fixture-arbitraries").
//
// Every event is valid: it cites the auth events the selection algorithm picks from its
// branch's state and passes the authorization rules against them (an operation that
// would not is skipped), so a resolver may assume what a real server's DAG holds. A merge
// event's state is the resolution of its parents' states. The fixture is drawn as a plan
// of small integers that fast-check shrinks; every shrunk plan still builds a valid
// fixture. Timestamps advance by 0–3 per event, so ties (and the event-id tiebreak) occur.
//
// Unlike forked-room.ts (bulk rooms for benchmarks, no auth checks, no resolution while
// building), this builder checks and resolves as it goes and is small; both start from
// the same power levels (power-levels.ts).

import fc from "fast-check";
import {
  checkAuthAgainstState,
  FIXTURE_ROOM_ID,
  isStateEvent,
  resolveState,
  selectAuthEvents,
  stateKey,
  parseRoomVersion,
  type EventId,
  type JsonObject,
  type Pdu,
  type RoomVersion,
  type StateKey,
} from "../../core/index.ts";
import { generatedPowerLevels } from "./power-levels.ts";

/** A fixture as JSON, in the format parseFixture() reads. */
export interface FixtureJson {
  description: string;
  room_version: string;
  events: Pdu[];
  resolve_at: string[];
  expected?: string[];
}

export const FIXTURE_OPS = [
  "fork",
  "merge",
  "topic",
  "name",
  "power",
  "kick",
  "ban",
  "unban",
  "invite",
  "join",
  "leave",
  "joinRules",
  "message",
] as const;
export type FixtureOpKind = (typeof FIXTURE_OPS)[number];

export interface FixtureOp {
  kind: FixtureOpKind;
  /** Which branch (modulo the number of branches). */
  branch: number;
  /** Who acts and whom it is about (modulo the candidates). */
  actor: number;
  target: number;
  /** Which value (power level, join rule). */
  choice: number;
  /** How far origin_server_ts advances: 0 makes a tie with the previous event. */
  tsStep: number;
}

export interface FixturePlan {
  roomVersion: string;
  /** Users besides the creator, who all join before the fork. */
  users: number;
  /** Power levels given in the shared history, before the fork (user index → level). */
  levels: number[];
  ops: FixtureOp[];
}

export interface FixtureArbitraryOptions {
  roomVersions?: readonly string[];
  usersMax?: number;
  opsMax?: number;
}

const NAMES = ["alice", "bob", "carol", "dan", "erin", "frank"];
const LEVELS = [0, 25, 50, 75, 100];

export function fixturePlanArbitrary(options: FixtureArbitraryOptions = {}): fc.Arbitrary<FixturePlan> {
  const usersMax = Math.min(options.usersMax ?? 4, NAMES.length - 1);
  const small = fc.nat({ max: 31 });
  return fc.record({
    roomVersion: fc.constantFrom(...(options.roomVersions ?? ["10", "11", "12"])),
    users: fc.integer({ min: 1, max: usersMax }),
    levels: fc.array(fc.constantFrom(...LEVELS), { maxLength: usersMax }),
    ops: fc.array(
      fc.record({
        kind: fc.constantFrom(...FIXTURE_OPS),
        branch: small,
        actor: small,
        target: small,
        choice: small,
        tsStep: fc.integer({ min: 0, max: 3 }),
      }),
      { maxLength: options.opsMax ?? 30 },
    ),
  });
}

/** Random forked-room fixtures (see the file comment). */
export function fixtureArbitrary(options: FixtureArbitraryOptions = {}): fc.Arbitrary<FixtureJson> {
  return fixturePlanArbitrary(options).map(buildFixture);
}

/** What an operation decides; the builder adds the ids, references, depth and timestamp. */
interface EventDraft {
  type: string;
  state_key?: string;
  sender: string;
  content: JsonObject;
}

interface Branch {
  tip: EventId[];
  state: Map<StateKey, EventId>;
}

/** Build the fixture a plan describes. Deterministic: the same plan gives the same fixture. */
export function buildFixture(plan: FixturePlan): FixtureJson {
  return new FixtureBuilder(plan).build();
}

class FixtureBuilder {
  private readonly version: RoomVersion;
  private readonly events = new Map<EventId, Pdu>();
  private readonly order: EventId[] = [];
  private readonly users: string[];
  private ts = 0;
  private readonly fetch = (id: EventId) => this.events.get(id);

  constructor(private readonly plan: FixturePlan) {
    this.version = parseRoomVersion(plan.roomVersion);
    this.users = NAMES.slice(0, plan.users + 1).map((n) => `@${n}:${n}.example`);
  }

  build(): FixtureJson {
    const shared = this.history();
    const branches: Branch[] = [copy(shared), copy(shared)];
    for (const op of this.plan.ops) {
      const i = op.branch % branches.length;
      const b = branches[i]!;
      if (op.kind === "fork") branches.push(copy(b));
      else if (op.kind === "merge") {
        if (branches.length > 2) this.merge(branches, i, op);
      } else this.change(b, op);
    }
    const tips = [...new Set(branches.flatMap((b) => b.tip))].sort();
    return {
      description: `A generated forked room: ${this.plan.users + 1} users, ${branches.length} branches, ${this.events.size} events (room version ${this.version.id}).`,
      room_version: this.version.id,
      events: this.order.map((id) => this.events.get(id)!),
      resolve_at: tips,
    };
  }

  /** The shared history: create, the creator's join, power levels, public join rules, every user's join, then the initial levels. */
  private history(): Branch {
    const b: Branch = { tip: [], state: new Map() };
    const [creator, ...others] = this.users as [string, ...string[]];
    const v = this.version;
    this.add(
      b,
      {
        type: "m.room.create",
        state_key: "",
        sender: creator,
        content: { room_version: v.id, ...(v.auth.createRequiresCreator ? { creator } : {}) },
      },
      1,
      true,
    );
    // The creator's first join is trusted: with readable ids it cannot pass the first-join rule (docs/fixtures.md).
    this.add(b, member(creator, creator, "join"), 1, true);
    this.add(b, { type: "m.room.power_levels", state_key: "", sender: creator, content: this.powerLevels(b, {}) }, 1);
    this.add(b, { type: "m.room.join_rules", state_key: "", sender: creator, content: { join_rule: "public" } }, 1);
    for (const u of others) this.add(b, member(u, u, "join"), 1);
    const levels: Record<string, number> = {};
    this.plan.levels.forEach((level, i) => {
      if (i < others.length) levels[others[i]!] = level;
    });
    if (Object.keys(levels).length > 0)
      this.add(
        b,
        { type: "m.room.power_levels", state_key: "", sender: creator, content: this.powerLevels(b, levels) },
        1,
      );
    return b;
  }

  private change(b: Branch, op: FixtureOp): void {
    const joined = this.users.filter((u) => this.membership(b, u) === "join");
    if (joined.length === 0) return;
    const actor = joined[op.actor % joined.length]!;
    const target = this.users[op.target % this.users.length]!;
    const event = this.eventFor(b, op, actor, target);
    if (event) this.add(b, event, op.tsStep);
  }

  private eventFor(b: Branch, op: FixtureOp, actor: string, target: string): EventDraft | undefined {
    switch (op.kind) {
      case "topic":
        return { type: "m.room.topic", state_key: "", sender: actor, content: { topic: `topic ${this.order.length}` } };
      case "name":
        return { type: "m.room.name", state_key: "", sender: actor, content: { name: `name ${this.order.length}` } };
      case "joinRules":
        return {
          type: "m.room.join_rules",
          state_key: "",
          sender: actor,
          content: { join_rule: ["public", "invite"][op.choice % 2]! },
        };
      case "power":
        return {
          type: "m.room.power_levels",
          state_key: "",
          sender: actor,
          content: this.powerLevels(b, { [target]: LEVELS[op.choice % LEVELS.length]! }),
        };
      case "kick":
        return member(actor, target, "leave");
      case "ban":
        return member(actor, target, "ban");
      case "unban":
        return this.membership(b, target) === "ban" ? member(actor, target, "leave") : undefined;
      case "invite":
        return member(actor, target, "invite");
      case "join": {
        const outside = this.users.filter((u) => this.membership(b, u) !== "join");
        return outside.length > 0
          ? member(outside[op.target % outside.length]!, outside[op.target % outside.length]!, "join")
          : undefined;
      }
      case "leave":
        return member(actor, actor, "leave");
      case "message":
        return {
          type: "m.room.message",
          sender: actor,
          content: { msgtype: "m.text", body: `message ${this.order.length}` },
        };
      case "fork":
      case "merge":
        return undefined;
    }
  }

  /** Merge branch i with the next one: an event citing both tips, over the resolution of their states. */
  private merge(branches: Branch[], i: number, op: FixtureOp): void {
    const j = (i + 1) % branches.length;
    const [a, c] = [branches[i]!, branches[j]!];
    const state = new Map(resolveState(this.version, [a.state, c.state], this.fetch));
    const merged: Branch = { tip: [...new Set([...a.tip, ...c.tip])].sort(), state };
    const joined = this.users.filter((u) => this.membership(merged, u) === "join");
    if (joined.length === 0) return;
    const sender = joined[op.actor % joined.length]!;
    if (
      !this.add(
        merged,
        { type: "m.room.message", sender, content: { msgtype: "m.text", body: `merge ${this.order.length}` } },
        op.tsStep,
      )
    )
      return;
    branches[i] = merged;
    branches.splice(j, 1);
  }

  /** Add an event on a branch if it passes auth against the auth events it cites. */
  private add(b: Branch, partial: EventDraft, tsStep: number, trusted = false): boolean {
    const v12 = this.version.auth.roomIdFromCreateEvent;
    const isCreate = partial.type === "m.room.create";
    const id = `$${String(this.order.length).padStart(2, "0")}-${slug(partial)}` as EventId;
    const authEvents = isCreate ? [] : selectAuthEvents(partial as Pdu, b.state, this.version);
    const depth = Math.max(0, ...b.tip.map((t) => this.events.get(t)!.depth)) + 1;
    const pdu = {
      event_id: id,
      ...(isCreate && v12 ? {} : { room_id: v12 ? `!${this.createId().slice(1)}` : FIXTURE_ROOM_ID }),
      ...partial,
      origin_server_ts: this.ts + tsStep,
      auth_events: authEvents,
      prev_events: [...b.tip],
      depth,
    } as unknown as Pdu;
    // The auth events are picked from the branch's state, so checking against that state (with the create event, which v12 does not cite) is checking against them.
    if (!trusted && !isCreate && !checkAuthAgainstState(pdu, b.state, this.fetch, this.version).allowed) return false;
    this.ts += tsStep;
    this.events.set(id, pdu);
    this.order.push(id);
    b.tip = [id];
    if (isStateEvent(pdu)) b.state.set(stateKey(pdu.type, pdu.state_key), id);
    return true;
  }

  private createId(): EventId {
    return this.order[0] ?? ("$00-create" as EventId);
  }

  private membership(b: Branch, user: string): string {
    const id = b.state.get(stateKey("m.room.member", user));
    return id ? String(this.events.get(id)!.content.membership) : "leave";
  }

  /** The branch's power levels with some users' levels changed. */
  private powerLevels(b: Branch, changes: Record<string, number>): JsonObject {
    const id = b.state.get(stateKey("m.room.power_levels", ""));
    const current = id ? (this.events.get(id)!.content as JsonObject) : undefined;
    // since v12: creators are never listed in users (they outrank everyone).
    const creator = this.users[0]!;
    const privilegedCreators = this.version.auth.privilegedCreators;
    const base: JsonObject =
      current ??
      generatedPowerLevels({
        creator,
        privilegedCreators,
        levels: {},
        extra: { events: { "m.room.power_levels": 100 } },
      });
    const users = { ...(base.users as JsonObject) };
    for (const [u, level] of Object.entries(changes)) if (!(privilegedCreators && u === creator)) users[u] = level;
    return { ...base, users };
  }
}

function copy(b: Branch): Branch {
  return { tip: [...b.tip], state: new Map(b.state) };
}

function member(sender: string, target: string, membership: string): EventDraft {
  return { type: "m.room.member", state_key: target, sender, content: { membership } };
}

/** A readable id suffix: create, topic, ban-bob, join-carol… */
function slug(p: EventDraft): string {
  const kind = p.type.replace(/^m\.room\./, "").replace(/_/g, "-");
  if (p.type !== "m.room.member") return kind;
  const who = (p.state_key ?? "").slice(1, (p.state_key ?? "").indexOf(":"));
  return `${String(p.content.membership)}-${who}`;
}
