// A server crashes for three hours while the room carries on: what it persisted
// survives, its peers give up queueing for it and switch to catch-up, and after the
// restart the gap is filled from the forward extremities.

import type { Scenario } from "../runner/types.ts";

const chatter = Array.from({ length: 60 }, (_, i) => ({
  at: 10_000 + i * 60_000,
  do: "message" as const,
  user: i % 2 === 0 ? "@alice:hs1" : "@bob:hs2",
  room: "room",
  body: `while hs3 is down #${i + 1}`,
}));

const scenario: Scenario = {
  name: "crash-and-catch-up",
  description:
    "hs3 is cut off at 3 s; Carol's message at 4 s cannot leave it and waits in its federation sender's queue. At 5 s hs3 crashes: " +
    "the queue (memory) is lost, but Carol's event is in its store (persisted), and so is the mark that hs1 and hs2 need catching up. " +
    "While hs3 is down for three hours, Alice and Bob send 60 messages. Their servers' transactions to hs3 fail, each after ten " +
    "attempts inside the request, and back off — 10, 20, 40 minutes, then past an hour, when they drop the queue and mark hs3 for " +
    "catch-up, as Synapse does. When hs3 restarts, it sends its forward extremity (Carol's message) to both; the request from hs3 " +
    "clears their backoff (an attempt already under way still waits out its timeout), they send hs3 the room's forward " +
    "extremities it has not seen, and hs3 fills the gap from them. Nothing accepted and persisted is lost: Alice sees Carol's message, Carol sees the latest of the chatter, and " +
    "every server holds the same state.",
  roomVersion: "11",
  servers: [{ name: "hs1" }, { name: "hs2" }, { name: "hs3" }],
  users: ["@alice:hs1", "@bob:hs2", "@carol:hs3"],
  timeline: [
    { at: 0, do: "createRoom", user: "@alice:hs1", room: "room", preset: "public_chat", name: "Crash" },
    { at: 100, do: "join", user: "@bob:hs2", room: "room", via: ["hs1"], expect: "ok" },
    { at: 1_000, do: "join", user: "@carol:hs3", room: "room", via: ["hs1"], expect: "ok" },
    { at: 2_000, do: "message", user: "@carol:hs3", room: "room", body: "before the crash" },
    { at: 3_000, do: "partition", partition: { shape: "isolate", server: "hs3" } },
    { at: 4_000, do: "message", user: "@carol:hs3", room: "room", body: "sent while cut off", label: "carol-stranded" },
    { at: 5_000, do: "crash", server: "hs3" },
    { at: 6_000, do: "repair" },
    ...chatter,
    { at: 3 * 3600_000, do: "restart", server: "hs3" },
  ],
  annotations: [
    { at: 3_000, text: "hs3 is cut off; Carol's next message waits in hs3's federation queue." },
    { at: 5_000, text: "hs3 crashes: its queue is gone, its store is not." },
    { at: 3 * 3600_000, text: "hs3 restarts and catches up: only forward extremities are sent; the gap is fetched." },
  ],
  checks: [
    { check: "converged" },
    {
      check: "timeline",
      room: "room",
      user: "@alice:hs1",
      includes: ["before the crash", "sent while cut off", "while hs3 is down #60"],
    },
    {
      check: "timeline",
      room: "room",
      user: "@carol:hs3",
      includes: ["before the crash", "sent while cut off", "while hs3 is down #60"],
    },
    { check: "trace", kind: "fed.backoff", where: { catchUp: true }, atLeast: 2 },
    { check: "trace", kind: "fed.txn.sent", where: { catchUp: true }, atLeast: 2 },
    { check: "event", event: "carol-stranded", status: "accepted" },
  ],
};

export default scenario;
