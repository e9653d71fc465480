// MSC4297's problem A (proposals/4297-state-resolution-v2_1.md) arising in a network of
// simulated servers rather than worked by hand (test/fixtures/msc4297-problem-a-*.json):
// one timeline played in two rooms, one of room version 11 (state resolution v2) and
// one of version 12 (v2.1), so that the run shows exactly where the two differ.
//
// The faulty state set comes from hs3 (adversary "stale-state"): honest servers compute
// the state at an event from its prev_events, so a lie only leaks where a server trusts
// state it is told — here send_join's answer to hs4.

import { stateKey, type EventId, type RoomId } from "../../core/index.ts";
import type { CheckContext } from "../runner/check-context.ts";
import { labelOf } from "../runner/checks.ts";
import type { CustomCheck, Scenario, TimelineAction } from "../runner/types.ts";

const ROOMS = [
  { room: "v11", roomVersion: "11" },
  { room: "v12", roomVersion: "12" },
] as const;

const JOIN_RULES = stateKey("m.room.join_rules", "");

/** The same action in both rooms; labels get the room's name (`jr2` → `jr2-v11`, `jr2-v12`). */
function both(step: (room: string) => TimelineAction): TimelineAction[] {
  return ROOMS.map(({ room }) => {
    const a = step(room);
    return a.label ? { ...a, label: `${a.label}-${room}` } : a;
  });
}

const scenario: Scenario = {
  name: "v2-vs-v21",
  description:
    "MSC4297's problem A, arising in a network of simulated servers rather than worked by hand: one run, played in two public rooms, one of " +
    "room version 11 (state resolution v2) and one of room version 12 (v2.1). hs3 is faulty: whenever it tells another server a room's state " +
    "(send_join, /state_ids) it reports the join rules that came before the current ones, while its own view stays correct. Alice (hs1) " +
    "creates the rooms (join rules jr1, public); Bob (hs2) and Dave (hs3) join; Alice makes Bob a moderator, sets the join rules again (jr2, " +
    "still public) and leaves. While hs2 and hs3 are cut off from each other, Bob sends a message and Erin (hs4) joins through hs3, whose " +
    "send_join answer gives hs4 the state {jr1, Alice left}, which no honest server ever held: the faulty state set MSC4297 traces resets " +
    "to. Bob's next message cites both his message from the split and Erin's join; to check it, hs4 fetches the first from hs2 and the state " +
    "before it (/state_ids: {jr2, Alice left}), and resolves that against its own state. In the v11 room, v2 replays the conflicting join " +
    "rules on top of the unconflicted state, in which Alice has left, so both fail and hs4's join rules disappear: a state reset, after " +
    "which Frank on hs4 cannot join a public room (M_FORBIDDEN). In the v12 room, v2.1 replays them from an empty state, taking Alice's " +
    "membership from each event's own auth events, so jr2 survives and Frank joins. hs2 computes every state from prev_events itself and " +
    "never loses jr2. hs4 is honest too, only misinformed, so the run's convergence check compares it with hs2, and nothing but a new " +
    "join-rules event repairs its v11 copy: at 20 s Bob sets the join rules again in both rooms, as an admin would when told the room is " +
    "broken, and the run converges. The checks pin down where the versions differed: the state hs3 handed hs4, each server's sequence of " +
    "join rules, the resolution that lost them, and Frank's membership.",
  servers: [
    { name: "hs1" },
    // hs2 answers get_missing_events with one event at most (Synapse: 20, and it reads no
    // min_depth): with more, hs2 hands hs4 Bob's message together with the history under it
    // down to jr2, hs4 computes the honest state from those events itself and nothing resets
    // (test/sim/gap-filling.test.ts). One event leaves Alice's leave missing, so hs4 trusts
    // hs2's /state_ids for it: the path to MSC4297's problem A this scenario is about.
    { name: "hs2", params: { missingEventsServedMax: 1 } },
    { name: "hs3", adversary: { kind: "stale-state", type: "m.room.join_rules" } },
    { name: "hs4" },
  ],
  users: ["@alice:hs1", "@bob:hs2", "@dave:hs3", "@erin:hs4", "@frank:hs4"],
  timeline: [
    ...ROOMS.map(({ room, roomVersion }): TimelineAction => ({
      at: 0,
      do: "createRoom",
      user: "@alice:hs1",
      room,
      roomVersion,
      preset: "public_chat",
      name: `room version ${roomVersion}`,
    })),
    ...both((room) => ({ at: 1_000, do: "join", user: "@bob:hs2", room, via: ["hs1"], expect: "ok" })),
    ...both((room) => ({ at: 2_000, do: "join", user: "@dave:hs3", room, via: ["hs1"], expect: "ok" })),
    // Bob gets the power to set the join rules (state_default 50), for the repair at 20 s.
    ...both((room) => ({
      at: 3_000,
      do: "powerLevel",
      user: "@alice:hs1",
      room,
      target: "@bob:hs2",
      level: 50,
      label: "bob-moderator",
      expect: "ok",
    })),
    ...both((room) => ({
      at: 4_000,
      do: "joinRules",
      user: "@alice:hs1",
      room,
      rule: "public",
      label: "jr2",
      expect: "ok",
    })),
    ...both((room) => ({ at: 5_000, do: "leave", user: "@alice:hs1", room, label: "alice-leaves", expect: "ok" })),
    // hs2 and hs3 lose touch, so that Bob's message and Erin's join are concurrent: neither
    // cites the other. Only hs2–hs3 is cut: hs4 still reaches hs1 and hs2 for their keys.
    { at: 6_000, do: "partition", partition: { shape: "split", sides: [["hs2"], ["hs3"]], mode: "hold" } },
    ...both((room) => ({
      at: 6_500,
      do: "message",
      user: "@bob:hs2",
      room,
      body: "said during the split",
      label: "split-message",
      expect: "ok",
    })),
    ...both((room) => ({
      at: 7_000,
      do: "join",
      user: "@erin:hs4",
      room,
      via: ["hs3"],
      label: "erin-joins",
      expect: "ok",
    })),
    { at: 9_000, do: "repair" },
    // It cites both branches, and hs2 sends it to hs4 (Erin's join told hs2 of hs4). hs4 fills
    // the gap from hs2, which is honest: now hs4 holds two state sets to resolve.
    ...both((room) => ({
      at: 10_000,
      do: "message",
      user: "@bob:hs2",
      room,
      body: "after the split",
      label: "merge-message",
      expect: "ok",
    })),
    // The same action in both rooms; what differs is the outcome.
    { at: 12_000, do: "join", user: "@frank:hs4", room: "v11", label: "frank-joins-v11", expect: "M_FORBIDDEN" },
    { at: 12_000, do: "join", user: "@frank:hs4", room: "v12", label: "frank-joins-v12", expect: "ok" },
    ...both((room) => ({
      at: 20_000,
      do: "joinRules",
      user: "@bob:hs2",
      room,
      rule: "public",
      label: "jr3",
      expect: "ok",
    })),
  ],
  annotations: [
    {
      at: 0,
      text: "Alice (hs1) creates two public rooms: one of room version 11 (state resolution v2), one of version 12 (v2.1). Everything happens in both.",
    },
    {
      at: 2_000,
      text: "Dave joins from hs3. hs3 is faulty: when it tells another server a room's state, it gives the join rules that came before the current ones.",
    },
    {
      at: 4_000,
      text: "Alice sets the join rules again: still public, but a new event (jr2). The first join rules (jr1) are history now.",
    },
    { at: 5_000, text: "Alice leaves. Her leave is in every state from here on, so it will never be conflicted." },
    { at: 6_000, text: "hs2 and hs3 cannot reach each other for three seconds; what they send each other is held." },
    {
      at: 7_000,
      text: "Erin (hs4) joins through hs3. hs3's send_join answer lists jr1 instead of jr2: hs4 starts from {jr1, Alice left}.",
    },
    {
      at: 9_000,
      text: "The link is back: hs2 learns of Erin's join, hs3 of Bob's message. Their DAGs fork at Alice's leave.",
    },
    {
      at: 10_000,
      text: "Bob's message cites both branches. hs4 lacks his earlier one; it fetches it, and the honest state before it from hs2 (/state_ids), then resolves {jr1, Alice left} against {jr2, Alice left}.",
    },
    {
      at: 10_500,
      text: "v11 (v2) replays jr1 and jr2 on the unconflicted state, where Alice has left: both fail, and hs4's join rules vanish.",
    },
    {
      at: 10_500,
      text: "v12 (v2.1) replays them from an empty state, with Alice's membership from their own auth events: both pass, and jr2 stays.",
    },
    {
      at: 12_000,
      text: "Frank (hs4) joins both rooms. In the v11 room hs4 finds no join rules and refuses him; in the v12 room he joins.",
    },
    {
      at: 20_000,
      text: "Only a new join-rules event repairs hs4's v11 room: Bob, a moderator, sets them again (in both rooms). Now everyone agrees.",
    },
  ],
  checks: [
    { check: "converged" },
    ...ROOMS.flatMap(({ room }) => [
      { check: "state" as const, room, type: "m.room.join_rules", event: `jr3-${room}` },
      { check: "membership" as const, room, user: "@erin:hs4", is: "join" },
      { check: "membership" as const, room, user: "@alice:hs1", is: "leave" },
    ]),
    { check: "membership", room: "v11", user: "@frank:hs4", is: null },
    { check: "membership", room: "v12", user: "@frank:hs4", is: "join" },
  ],
  customChecks: [
    {
      name: "hs3 gave hs4 jr1 where the room had jr2, in both rooms (send_join)",
      run: (ctx) => ROOMS.flatMap(({ room }) => servedStaleJoinRules(ctx, room)),
    },
    {
      name: "join rules held, in order: v11 hs4 jr1, absent, jr3 (a state reset); everyone else, and hs4 in v12, jr1, jr2, jr3",
      run: (ctx) => [
        ...["hs2", "hs3"].flatMap((s) => joinRulesHistory(ctx, "v11", s, ["jr1", "jr2", "jr3"])),
        ...joinRulesHistory(ctx, "v11", "hs4", ["jr1", "absent", "jr3"]),
        ...["hs2", "hs3", "hs4"].flatMap((s) => joinRulesHistory(ctx, "v12", s, ["jr1", "jr2", "jr3"])),
      ],
    },
    {
      name: "hs4 resolved the state after Erin's join against the state hs2 gave it for Bob's message from the split (/state_ids at Alice's leave)",
      run: (ctx) => ROOMS.flatMap(({ room }) => resolvedTheLie(ctx, room)),
    },
  ] satisfies CustomCheck[],
};

// ---- checks ------------------------------------------------------------------------

function ids(ctx: CheckContext, room: string, ...labels: string[]): { roomId: RoomId; events: EventId[] } | undefined {
  const roomId = ctx.rooms.get(room);
  const events = labels.map((l) => ctx.events.get(`${l}-${room}`));
  return roomId && events.every((e) => e !== undefined) ? { roomId, events: events as EventId[] } : undefined;
}

/** jr1: the join rules jr2 replaced, as an honest server (hs2) stored them. */
function firstJoinRules(ctx: CheckContext, roomId: RoomId, jr2: EventId): EventId | undefined {
  return ctx.world.server("hs2").room(roomId)?.get(jr2)?.stateBefore?.get(JOIN_RULES);
}

function servedStaleJoinRules(ctx: CheckContext, room: string): string[] {
  const found = ids(ctx, room, "jr2", "erin-joins");
  if (!found) return [`${room}: jr2 or Erin's join was never created`];
  const [jr2, erin] = found.events as [EventId, EventId];
  const jr1 = firstJoinRules(ctx, found.roomId, jr2);
  const at = (s: string) => ctx.world.server(s).room(found.roomId)?.get(erin)?.stateBefore?.get(JOIN_RULES);
  const problems: string[] = [];
  if (jr1 === undefined || at("hs4") !== jr1)
    problems.push(`${room}: hs4's state before Erin's join holds ${name(ctx, room, jr1, at("hs4"))}, expected jr1`);
  if (at("hs3") !== jr2)
    problems.push(`${room}: hs3's own state before Erin's join holds ${name(ctx, room, jr1, at("hs3"))}, expected jr2`);
  return problems;
}

/** The join rules a server's current state held, one entry per change (trace: state.resolved). */
function joinRulesHistory(ctx: CheckContext, room: string, server: string, expected: string[]): string[] {
  const found = ids(ctx, room, "jr2");
  if (!found) return [`${room}: jr2 was never created`];
  const jr1 = firstJoinRules(ctx, found.roomId, found.events[0]!);
  const held = ctx.world.trace
    .all()
    .flatMap((r) => (r.kind === "state.resolved" && r.server === server && r.room === found.roomId ? r.changed : []))
    .filter((c) => c.type === "m.room.join_rules")
    .map((c) => name(ctx, room, jr1, c.after));
  return JSON.stringify(held) === JSON.stringify(expected)
    ? []
    : [`${room}: ${server} held ${held.join(", ")}; expected ${expected.join(", ")}`];
}

/** The resolution that changed hs4's join rules after jr1 had the two branches as extremities, and its input came from hs2. */
function resolvedTheLie(ctx: CheckContext, room: string): string[] {
  const found = ids(ctx, room, "erin-joins", "split-message", "alice-leaves");
  if (!found) return [`${room}: Erin's join, Bob's message from the split or Alice's leave was never created`];
  const [erin, split, leave] = found.events as [EventId, EventId, EventId];
  const trace = ctx.world.trace.all();
  const change = trace.find(
    (r) =>
      r.kind === "state.resolved" &&
      r.server === "hs4" &&
      r.room === found.roomId &&
      r.changed.some((c) => c.type === "m.room.join_rules" && c.before !== null),
  );
  const problems: string[] = [];
  const extremities = change?.kind === "state.resolved" ? change.extremities : [];
  if (JSON.stringify(extremities) !== JSON.stringify([erin, split].sort())) {
    problems.push(
      `${room}: hs4 first changed its join rules with extremities ${extremities.map((e) => labelOf(ctx, e as EventId)).join(", ") || "(never)"}`,
    );
  }
  const asked = trace.some(
    (r) =>
      r.kind === "rpc.request" &&
      r.from === "hs4" &&
      r.to === "hs2" &&
      r.path.includes("/state_ids/") &&
      r.path.endsWith(`event_id=${encodeURIComponent(leave)}`),
  );
  if (!asked) problems.push(`${room}: hs4 never asked hs2 for the state at Alice's leave`);
  return problems;
}

/** jr1, a label without its room suffix, or "absent". */
function name(ctx: CheckContext, room: string, jr1: EventId | undefined, id: string | null | undefined): string {
  if (id === null || id === undefined) return "absent";
  if (id === jr1) return "jr1";
  return labelOf(ctx, id as EventId).replace(new RegExp(`-${room}$`), "");
}

export default scenario;
