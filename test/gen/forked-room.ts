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
  const version = o.roomVersion;
  const v12 = version.auth.privilegedCreators;
  const events = new Map<EventId, Pdu>();
  const creator = "@u0:hs0";
  const users = Array.from({ length: o.users }, (_, i) => `@u${i + 1}:hs${(i % 5) + 1}`);
  const everyone = [creator, ...users];
  const userIndex = new Map(everyone.map((u, i) => [u, i]));
  const roomId = v12 ? "!00000000-create" : "!gen:hs0";
  let counter = 0;
  let ts = 0;
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(o.random() * xs.length)]!;
  /** pick() over a roster list: the same draw, by position. */
  const pickUser = (list: { size: number; at(position: number): number }) => everyone[list.at(Math.floor(o.random() * list.size))]!;

  const add = (b: Branch, type: string, sender: string, content: JsonObject, key?: string): EventId => {
    const id = (counter === 0 && v12 ? "$00000000-create" : `$${String(counter).padStart(8, "0")}-${type.slice(7, 11)}`) as EventId;
    counter++;
    const skeleton = { type, sender, content, ...(key !== undefined ? { state_key: key } : {}) };
    const pdu: Pdu = {
      ...(type === "m.room.create" && v12 ? {} : { room_id: roomId }),
      sender,
      type,
      ...(key !== undefined ? { state_key: key } : {}),
      content,
      origin_server_ts: (ts += 1 + Math.floor(o.random() * 3)),
      prev_events: b.tip ? [b.tip] : [],
      auth_events: type === "m.room.create" ? [] : selectAuthEvents(skeleton, b.state, version),
      depth: b.depth + 1,
      hashes: {},
      signatures: {},
      event_id: id,
    };
    events.set(id, pdu);
    if (key !== undefined) b.state.set(stateKey(type, key), id);
    if (type === "m.room.member") b.roster.setJoined(userIndex.get(key!)!, content.membership === "join");
    b.tip = id;
    b.depth++;
    return id;
  };
  const membership = (b: Branch, u: string) => {
    const id = b.state.get(stateKey("m.room.member", u));
    return id ? (events.get(id)!.content.membership as string) : "leave";
  };
  const pl = (levels: Record<string, number>): JsonObject => ({
    users: v12 ? levels : { [creator]: 100, ...levels },
    users_default: 0,
    events_default: 0,
    state_default: 50,
    ban: 50,
    kick: 50,
    redact: 50,
    invite: 0,
  });

  const shared: Branch = { state: new Map(), tip: undefined, depth: 0, roster: Roster.empty(users.length) };
  add(shared, "m.room.create", creator, { room_version: version.id, ...(version.auth.createRequiresCreator ? { creator } : {}) }, "");
  add(shared, "m.room.member", creator, { membership: "join" }, creator);
  const levels: Record<string, number> = {};
  add(shared, "m.room.power_levels", creator, pl(levels), "");
  add(shared, "m.room.join_rules", creator, { join_rule: "public" }, "");
  for (const u of users) add(shared, "m.room.member", u, { membership: "join" }, u);

  // One random change. The lists picked from are those at the start of the step, in
  // user order, as [creator, ...users].filter(...) gave them when this recomputed them.
  const step = (b: Branch, levelsNow: Record<string, number>) => {
    const { roster } = b;
    const r = o.random();
    if (r < 0.35) add(b, "m.room.topic", pickUser(roster.mods), { topic: `t${counter}` }, "");
    else if (r < 0.5) add(b, "m.room.name", pickUser(roster.mods), { name: `n${counter}` }, "");
    else if (r < 0.65) {
      const target = pick(users);
      const level = pick([0, 50, 50, 75]);
      const t = userIndex.get(target)!;
      const wasMod = roster.mods.has(t);
      levelsNow[target] = level;
      roster.setLevel(t, level);
      add(b, "m.room.power_levels", pickUser(plSenders(roster, t, wasMod)), pl({ ...levelsNow }), "");
    } else if (r < 0.75) {
      const target = pick(users);
      add(b, "m.room.member", pickUser(roster.mods), { membership: membership(b, target) === "join" ? pick(["leave", "ban"]) : "leave" }, target);
    } else if (r < 0.9) {
      const u = pick(users);
      if (membership(b, u) !== "ban") add(b, "m.room.member", u, { membership: "join" }, u);
      else add(b, "m.room.message", pickUser(roster.joined), { body: "hi" });
    } else add(b, "m.room.join_rules", creator, { join_rule: pick(["public", "invite"]) }, "");
  };
  for (let i = 0; i < o.historyEvents; i++) step(shared, levels);

  const branches: Branch[] = Array.from({ length: o.branches }, () => ({
    state: new Map(shared.state),
    tip: shared.tip,
    depth: shared.depth,
    roster: shared.roster.copy(),
  }));
  for (const b of branches) {
    const branchLevels = { ...levels };
    for (let i = 0; i < o.eventsPerBranch; i++) step(b, branchLevels);
  }
  return {
    events,
    stateSets: branches.map((b) => b.state),
    tips: branches.map((b) => b.tip!),
    fetch: (id) => events.get(id),
  };
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
