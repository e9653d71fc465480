// Generated forked rooms for property tests and benchmarks: a shared history, then
// branches that each change state on their own (topics, names, power levels, kicks,
// bans, joins). Each event cites the auth events the selection algorithm picks from its
// branch's state, as a real server would; events are unsigned (resolution does not
// check signatures). Each branch's state, and who on it is joined and may moderate
// (roster.ts), is tracked incrementally, so building 100,000 events takes no resolution
// at all and time linear in the events.

import {
  selectAuthEvents,
  stateKey,
  type EventId,
  type JsonObject,
  type Pdu,
  type RoomVersion,
  type StateKey,
} from "../../core/index.ts";
import { generatedPowerLevels } from "./power-levels.ts";
import { Roster } from "./roster.ts";

export type Random = () => number;

/** A small deterministic generator (mulberry32) for benchmarks that do not use fast-check. */
export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface ForkedRoomOptions {
  roomVersion: RoomVersion;
  random: Random;
  /** Users besides the creator who join before the fork. */
  users: number;
  /** Events of shared history after the joins (topic, power and membership churn). */
  historyEvents: number;
  branches: number;
  eventsPerBranch: number;
}

export interface ForkedRoom {
  events: Map<EventId, Pdu>;
  /** The state at each branch's tip. */
  stateSets: Array<Map<StateKey, EventId>>;
  tips: EventId[];
  fetch: (id: EventId) => Pdu | undefined;
}

interface Branch {
  state: Map<StateKey, EventId>;
  tip: EventId | undefined;
  depth: number;
  /** Users by index into [creator, ...users]. */
  roster: Roster;
}

export function generateForkedRoom(o: ForkedRoomOptions): ForkedRoom {
  const room = new ForkedRoomBuilder(o);
  const { shared, levels } = room.sharedHistory();
  const branches: Branch[] = Array.from({ length: o.branches }, () => ({
    state: new Map(shared.state),
    tip: shared.tip,
    depth: shared.depth,
    roster: shared.roster.copy(),
  }));
  for (const b of branches) {
    const branchLevels = { ...levels };
    for (let i = 0; i < o.eventsPerBranch; i++) room.step(b, branchLevels);
  }
  const { events } = room;
  return {
    events,
    stateSets: branches.map((b) => b.state),
    tips: branches.map((b) => b.tip!),
    fetch: (id) => events.get(id),
  };
}

/** The room's events and the draws that make them. Every draw from `random` happens in a fixed order, so a seed gives one room. */
class ForkedRoomBuilder {
  readonly events = new Map<EventId, Pdu>();
  private readonly version: RoomVersion;
  private readonly v12: boolean;
  private readonly random: Random;
  private readonly creator = "@u0:hs0";
  private readonly users: string[];
  private readonly everyone: string[];
  private readonly userIndex: Map<string, number>;
  private readonly roomId: string;
  private counter = 0;
  private ts = 0;

  constructor(private readonly o: ForkedRoomOptions) {
    this.version = o.roomVersion;
    this.v12 = this.version.auth.privilegedCreators;
    this.random = o.random;
    this.users = Array.from({ length: o.users }, (_, i) => `@u${i + 1}:hs${(i % 5) + 1}`);
    this.everyone = [this.creator, ...this.users];
    this.userIndex = new Map(this.everyone.map((u, i) => [u, i]));
    this.roomId = this.v12 ? "!00000000-create" : "!gen:hs0";
  }

  /** Create, the creator's join, power levels, public join rules, every user's join, then `historyEvents` random changes. */
  sharedHistory(): { shared: Branch; levels: Record<string, number> } {
    const { creator, version } = this;
    const shared: Branch = { state: new Map(), tip: undefined, depth: 0, roster: Roster.empty(this.users.length) };
    this.add(
      shared,
      "m.room.create",
      creator,
      { room_version: version.id, ...(version.auth.createRequiresCreator ? { creator } : {}) },
      "",
    );
    this.add(shared, "m.room.member", creator, { membership: "join" }, creator);
    const levels: Record<string, number> = {};
    // In a v12 room this first event's users is `levels` itself, which the shared history
    // below goes on changing: the event ends up showing the levels at the fork. Resolution
    // sees that content, and the property tests and benchmarks are pinned to these rooms,
    // so it stays (a copy here would change every generated v12 room).
    this.add(shared, "m.room.power_levels", creator, this.pl(levels), "");
    this.add(shared, "m.room.join_rules", creator, { join_rule: "public" }, "");
    for (const u of this.users) this.add(shared, "m.room.member", u, { membership: "join" }, u);
    for (let i = 0; i < this.o.historyEvents; i++) this.step(shared, levels);
    return { shared, levels };
  }

  // One random change. The lists picked from are those at the start of the step, in
  // user order, as [creator, ...users].filter(...) gave them when this recomputed them.
  step(b: Branch, levelsNow: Record<string, number>): void {
    const { roster } = b;
    const { users } = this;
    const r = this.random();
    if (r < 0.35) this.add(b, "m.room.topic", this.pickUser(roster.mods), { topic: `t${this.counter}` }, "");
    else if (r < 0.5) this.add(b, "m.room.name", this.pickUser(roster.mods), { name: `n${this.counter}` }, "");
    else if (r < 0.65) this.changeLevel(b, levelsNow);
    else if (r < 0.75) {
      const target = this.pick(users);
      this.add(
        b,
        "m.room.member",
        this.pickUser(roster.mods),
        { membership: this.membership(b, target) === "join" ? this.pick(["leave", "ban"]) : "leave" },
        target,
      );
    } else if (r < 0.9) {
      const u = this.pick(users);
      if (this.membership(b, u) !== "ban") this.add(b, "m.room.member", u, { membership: "join" }, u);
      else this.add(b, "m.room.message", this.pickUser(roster.joined), { body: "hi" });
    } else this.add(b, "m.room.join_rules", this.creator, { join_rule: this.pick(["public", "invite"]) }, "");
  }

  /** A power-levels event giving a random user a random level, sent by someone who may. */
  private changeLevel(b: Branch, levelsNow: Record<string, number>): void {
    const { roster } = b;
    const target = this.pick(this.users);
    const level = this.pick([0, 50, 50, 75]);
    const t = this.userIndex.get(target)!;
    const wasMod = roster.mods.has(t);
    levelsNow[target] = level;
    roster.setLevel(t, level);
    this.add(b, "m.room.power_levels", this.pickUser(plSenders(roster, t, wasMod)), this.pl({ ...levelsNow }), "");
  }

  private add(b: Branch, type: string, sender: string, content: JsonObject, key?: string): EventId {
    const { v12, version } = this;
    const id = (
      this.counter === 0 && v12 ? "$00000000-create" : `$${String(this.counter).padStart(8, "0")}-${type.slice(7, 11)}`
    ) as EventId;
    this.counter++;
    const skeleton = { type, sender, content, ...(key !== undefined ? { state_key: key } : {}) };
    const pdu: Pdu = {
      ...(type === "m.room.create" && v12 ? {} : { room_id: this.roomId }),
      sender,
      type,
      ...(key !== undefined ? { state_key: key } : {}),
      content,
      origin_server_ts: (this.ts += 1 + Math.floor(this.random() * 3)),
      prev_events: b.tip ? [b.tip] : [],
      auth_events: type === "m.room.create" ? [] : selectAuthEvents(skeleton, b.state, version),
      depth: b.depth + 1,
      hashes: {},
      signatures: {},
      event_id: id,
    };
    this.events.set(id, pdu);
    if (key !== undefined) b.state.set(stateKey(type, key), id);
    if (type === "m.room.member") b.roster.setJoined(this.userIndex.get(key!)!, content.membership === "join");
    b.tip = id;
    b.depth++;
    return id;
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.random() * xs.length)]!;
  }

  /** pick() over a roster list: the same draw, by position. */
  private pickUser(list: { size: number; at(position: number): number }): string {
    return this.everyone[list.at(Math.floor(this.random() * list.size))]!;
  }

  private membership(b: Branch, u: string): string {
    const id = b.state.get(stateKey("m.room.member", u));
    return id ? (this.events.get(id)!.content.membership as string) : "leave";
  }

  private pl(levels: Record<string, number>): JsonObject {
    return generatedPowerLevels({ creator: this.creator, privilegedCreators: this.v12, levels });
  }
}

/**
 * Who may send a PL event that has just set `target`'s level: the moderators of before
 * the change who are seniors by the new levels, then the creator once more (so the
 * creator is picked more often). `target` was a moderator before iff `wasMod`; the
 * roster already holds the new level, so a target promoted from below MOD_LEVEL is left
 * out, as it was not among the moderators the sender is chosen from.
 */
function plSenders(roster: Roster, target: number, wasMod: boolean): { size: number; at(position: number): number } {
  const seniors = roster.seniors;
  const skip = !wasMod && seniors.has(target) ? seniors.positionOf(target) : -1;
  const size = seniors.size - (skip === -1 ? 0 : 1);
  return {
    size: size + 1,
    at: (p) => (p === size ? 0 : seniors.at(skip !== -1 && p >= skip ? p + 1 : p)),
  };
}
