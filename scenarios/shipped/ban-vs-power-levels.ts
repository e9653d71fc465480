// A ban racing a power-level change, across a netsplit (the fixture
// test/fixtures/ban-vs-power-levels.json, played out by real servers).

import type { Scenario } from "../runner/types.ts";

const scenario: Scenario = {
  name: "ban-vs-power-levels",
  description:
    "Alice (hs1, power 100) makes Bob (hs2) a moderator (50, enough to ban). Then hs1 is cut off from hs2 and hs3. " +
    "On hs1's side Alice demotes Bob to 0; on the other side, at the same moment, Bob bans Carol (hs3). " +
    "When the network heals, every server resolves the fork with state resolution v2: both the demotion and the ban are power events, " +
    "sorted by the power of their senders, so Alice's demotion is applied first, and Bob's ban is then checked against power levels " +
    "where Bob has 0 < ban 50 — it fails. Every server ends with Bob demoted and Carol still in the room, even hs2 and hs3, " +
    "which had seen the ban take effect during the split.",
  roomVersion: "11",
  servers: [{ name: "hs1" }, { name: "hs2" }, { name: "hs3" }],
  users: ["@alice:hs1", "@bob:hs2", "@carol:hs3"],
  timeline: [
    { at: 0, do: "createRoom", user: "@alice:hs1", room: "room", preset: "public_chat", name: "Moderation" },
    { at: 100, do: "join", user: "@bob:hs2", room: "room", via: ["hs1"], expect: "ok" },
    { at: 1_000, do: "join", user: "@carol:hs3", room: "room", via: ["hs1"], expect: "ok" },
    {
      at: 2_000,
      do: "powerLevel",
      user: "@alice:hs1",
      room: "room",
      target: "@bob:hs2",
      level: 50,
      label: "bob-moderator",
      expect: "ok",
    },
    { at: 3_000, do: "partition", partition: { shape: "isolate", server: "hs1" } },
    {
      at: 4_000,
      do: "powerLevel",
      user: "@alice:hs1",
      room: "room",
      target: "@bob:hs2",
      level: 0,
      label: "demotion",
      expect: "ok",
    },
    {
      at: 4_000,
      do: "ban",
      user: "@bob:hs2",
      room: "room",
      target: "@carol:hs3",
      reason: "spam",
      label: "ban",
      expect: "ok",
    },
    { at: 5_000, do: "message", user: "@alice:hs1", room: "room", body: "Bob is no longer a moderator" },
    { at: 5_000, do: "message", user: "@bob:hs2", room: "room", body: "Carol is banned" },
  ],
  chaosMs: 10_000,
  annotations: [
    { at: 2_000, text: "Alice makes Bob a moderator: power 50, enough to ban." },
    { at: 3_000, text: "hs1 is cut off. From here the two sides' DAGs fork." },
    {
      at: 4_000,
      text: "At the same moment: Alice demotes Bob on hs1; Bob bans Carol on hs2. Each side applies its own change.",
    },
    {
      at: 10_000,
      text: "The network heals. State resolution sorts the power events: Alice (100) before Bob (50). The ban fails against the demotion.",
    },
  ],
  checks: [
    { check: "converged" },
    { check: "state", room: "room", type: "m.room.power_levels", event: "demotion" },
    { check: "membership", room: "room", user: "@carol:hs3", is: "join", servers: ["hs1", "hs2", "hs3"] },
    { check: "event", event: "ban", status: "softFailed", servers: ["hs1"] },
    { check: "membership", room: "room", user: "@bob:hs2", is: "join" },
  ],
};

export default scenario;
