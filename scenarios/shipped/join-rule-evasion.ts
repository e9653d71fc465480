// Evading a ban and an invite-only room by pointing prev_events at old state: the
// story behind soft failure (server-server-api.md, "Soft failure").

import type { Scenario } from "../runner/types.ts";

const scenario: Scenario = {
  name: "join-rule-evasion",
  description:
    "hs3 is a malicious server. Its user Mallory is in a public room with Alice (hs1, the creator) and Bob (hs2). " +
    "Alice bans Mallory and then makes the room invite-only. From then on hs3 builds every event of Mallory's and of Trudy's " +
    "(another hs3 user, never in the room) on the forward extremities it had before the ban, with auth events chosen from that " +
    "old state: a message from Mallory, then a join from Trudy. Each of these passes authorization against its own auth events " +
    "and against the state before it (the old state says Mallory is joined and the room is public), so the honest servers " +
    "cannot reject them — but each fails against the room's current state, so they soft-fail them: the events are stored but " +
    "never shown to clients, never used as forward extremities and never become current state. Bob's timeline never shows " +
    "Mallory's message, and Trudy never becomes a member.",
  roomVersion: "11",
  servers: [
    { name: "hs1" },
    { name: "hs2" },
    { name: "hs3", adversary: { kind: "stale-prev-events", sinceMs: 2_500, users: ["@mallory:hs3", "@trudy:hs3"] } },
  ],
  users: ["@alice:hs1", "@bob:hs2", "@mallory:hs3", "@trudy:hs3"],
  timeline: [
    { at: 0, do: "createRoom", user: "@alice:hs1", room: "room", preset: "public_chat", name: "Evasion" },
    { at: 100, do: "join", user: "@bob:hs2", room: "room", via: ["hs1"], expect: "ok" },
    { at: 1_000, do: "join", user: "@mallory:hs3", room: "room", via: ["hs1"], expect: "ok" },
    { at: 2_000, do: "message", user: "@mallory:hs3", room: "room", body: "hello, I am harmless" },
    {
      at: 3_000,
      do: "ban",
      user: "@alice:hs1",
      room: "room",
      target: "@mallory:hs3",
      reason: "not harmless",
      label: "ban",
      expect: "ok",
    },
    {
      at: 4_000,
      do: "joinRules",
      user: "@alice:hs1",
      room: "room",
      rule: "invite",
      label: "invite-only",
      expect: "ok",
    },
    {
      at: 5_000,
      do: "message",
      user: "@mallory:hs3",
      room: "room",
      body: "you cannot ban me",
      label: "evading-message",
    },
    { at: 6_000, do: "join", user: "@trudy:hs3", room: "room", label: "evading-join" },
    { at: 7_000, do: "message", user: "@trudy:hs3", room: "room", body: "let me in", label: "trudy-message" },
    { at: 8_000, do: "message", user: "@bob:hs2", room: "room", body: "all quiet here" },
  ],
  annotations: [
    { at: 3_000, text: "Alice bans Mallory, then makes the room invite-only." },
    { at: 5_000, text: "hs3 cheats: Mallory's message cites the DAG as it was before the ban." },
    { at: 6_000, text: "Trudy 'joins' the same way, citing the room as it was when it was still public." },
    {
      at: 8_000,
      text: "hs1 and hs2 soft-failed both: they pass against their old state, not against the current one.",
    },
  ],
  checks: [
    { check: "converged" },
    { check: "event", event: "evading-message", status: "softFailed", servers: ["hs1", "hs2"] },
    { check: "event", event: "evading-join", status: "softFailed", servers: ["hs1", "hs2"] },
    { check: "membership", room: "room", user: "@mallory:hs3", is: "ban" },
    { check: "membership", room: "room", user: "@trudy:hs3", is: null },
    { check: "state", room: "room", type: "m.room.join_rules", event: "invite-only" },
    {
      check: "timeline",
      room: "room",
      user: "@bob:hs2",
      includes: ["hello, I am harmless", "all quiet here"],
      excludes: ["you cannot ban me", "let me in"],
    },
    { check: "timeline", room: "room", user: "@alice:hs1", excludes: ["you cannot ban me", "let me in"] },
  ],
};

export default scenario;
