// A topic war across a three-way split: when no power event is in conflict, the latest
// origin_server_ts wins — and a server whose clock runs ahead wins with it.

import type { Scenario } from "../runner/types.ts";

const scenario: Scenario = {
  name: "topic-war",
  description:
    "Alice (hs1, 100), Bob (hs2, 50) and Carol (hs3, 50) may all set the topic. The network splits three ways and each of them " +
    "changes the topic several times on their own side; Carol's server hs3 has a clock that runs ten minutes fast. After the heal " +
    "the topics are the only conflict. None of them is a power event, and all of them cite the same power levels, so they share " +
    "one position on the mainline and state resolution v2 orders them by origin_server_ts, applying the latest last: it wins. " +
    "Carol's first topic of all, stamped by a clock ten minutes ahead, beats every later topic from Alice and Bob. " +
    "Every server agrees — on the topic that was set first in real time.",
  roomVersion: "11",
  servers: [{ name: "hs1" }, { name: "hs2" }, { name: "hs3", skew: { offsetMs: 10 * 60_000 } }],
  users: ["@alice:hs1", "@bob:hs2", "@carol:hs3"],
  timeline: [
    { at: 0, do: "createRoom", user: "@alice:hs1", room: "room", preset: "public_chat", name: "Topic war" },
    { at: 100, do: "join", user: "@bob:hs2", room: "room", via: ["hs1"], expect: "ok" },
    { at: 1_000, do: "join", user: "@carol:hs3", room: "room", via: ["hs1"], expect: "ok" },
    { at: 2_000, do: "powerLevel", user: "@alice:hs1", room: "room", target: "@bob:hs2", level: 50, expect: "ok" },
    { at: 2_500, do: "powerLevel", user: "@alice:hs1", room: "room", target: "@carol:hs3", level: 50, expect: "ok" },
    {
      at: 4_000,
      do: "partition",
      partition: { shape: "map", blocked: { hs1: ["hs2", "hs3"], hs2: ["hs1", "hs3"], hs3: ["hs1", "hs2"] } },
    },
    {
      at: 5_000,
      do: "topic",
      user: "@carol:hs3",
      room: "room",
      topic: "Carol's topic (set first)",
      label: "carol-topic",
      expect: "ok",
    },
    { at: 6_000, do: "topic", user: "@alice:hs1", room: "room", topic: "Alice's first topic", expect: "ok" },
    { at: 7_000, do: "topic", user: "@bob:hs2", room: "room", topic: "Bob's first topic", expect: "ok" },
    {
      at: 60_000,
      do: "topic",
      user: "@alice:hs1",
      room: "room",
      topic: "Alice's second topic",
      label: "alice-topic",
      expect: "ok",
    },
    {
      at: 120_000,
      do: "topic",
      user: "@bob:hs2",
      room: "room",
      topic: "Bob's last word",
      label: "bob-topic",
      expect: "ok",
    },
  ],
  chaosMs: 180_000,
  annotations: [
    { at: 4_000, text: "Three-way split: every server is alone." },
    { at: 5_000, text: "Carol sets the topic first — but hs3's clock is ten minutes fast." },
    { at: 120_000, text: "Bob has the last word in real time." },
    {
      at: 180_000,
      text: "Heal. The topics share a mainline position; the latest origin_server_ts is applied last and wins: Carol's.",
    },
  ],
  checks: [{ check: "converged" }, { check: "state", room: "room", type: "m.room.topic", event: "carol-topic" }],
};

export default scenario;
