// Matrix's introductory picture: three homeservers, one client each, one room that all
// three share. Every message reaches every server, and every client sees the same
// messages in the same causal order.

import type { Scenario } from "../runner/types.ts";

const scenario: Scenario = {
  name: "three-servers",
  description:
    "Matrix's introductory picture: three homeservers (hs1, hs2, hs3), one user on each, and one public room they all join. " +
    "Alice creates the room on hs1; Bob and Carol join over federation (make_join/send_join through hs1), and each sends a message. " +
    "Every server ends up holding the same DAG and the same state, and every client's sync shows the three messages in the same causal order.",
  roomVersion: "11",
  servers: [{ name: "hs1" }, { name: "hs2" }, { name: "hs3" }],
  users: ["@alice:hs1", "@bob:hs2", "@carol:hs3"],
  timeline: [
    { at: 0, do: "createRoom", user: "@alice:hs1", room: "room", preset: "public_chat", name: "Federation" },
    { at: 100, do: "join", user: "@bob:hs2", room: "room", via: ["hs1"], expect: "ok" },
    { at: 1_000, do: "join", user: "@carol:hs3", room: "room", via: ["hs1"], expect: "ok" },
    { at: 2_000, do: "message", user: "@alice:hs1", room: "room", body: "hello from alice" },
    { at: 3_000, do: "message", user: "@bob:hs2", room: "room", body: "hi alice, bob here" },
    { at: 4_000, do: "message", user: "@carol:hs3", room: "room", body: "carol joining in" },
  ],
  annotations: [
    { at: 0, text: "Alice creates a room on hs1: the create event, her join, power levels and join rules." },
    {
      at: 100,
      text: "Bob joins from hs2: hs2 asks hs1 for a join template (make_join), signs it, and sends it back (send_join).",
    },
    { at: 2_000, text: "Each message is a PDU that its server sends to the other two in a federation transaction." },
  ],
  checks: [
    { check: "converged" },
    ...["@alice:hs1", "@bob:hs2", "@carol:hs3"].map((user) => ({
      check: "timeline" as const,
      room: "room",
      user,
      order: ["hello from alice", "hi alice, bob here", "carol joining in"],
    })),
    ...["@alice:hs1", "@bob:hs2", "@carol:hs3"].map((user) => ({
      check: "membership" as const,
      room: "room",
      user,
      is: "join",
    })),
  ],
};

export default scenario;
