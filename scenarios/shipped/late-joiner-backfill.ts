// A server that joins a room late receives its state, not its history: the history
// comes on demand, through backfill, when a client scrolls back.

import type { Scenario } from "../runner/types.ts";

const history = Array.from({ length: 30 }, (_, i) => ({
  at: 2_000 + i * 1_000,
  do: "message" as const,
  user: i % 2 === 0 ? "@alice:hs1" : "@bob:hs2",
  room: "room",
  body: `early message #${i + 1}`,
}));

const scenario: Scenario = {
  name: "late-joiner-backfill",
  description:
    "Alice (hs1) and Bob (hs2) exchange 30 messages before Carol's server hs3 has ever heard of the room. When Carol joins, " +
    "send_join gives hs3 the room's current state and its auth chain — enough to authorize new events, but none of the " +
    "conversation. Carol's sync starts at her own join. When her client asks for the room's history (/messages), hs3 holds " +
    "too little and backfills it from hs1 (/backfill, walking prev_events back from the join), checks each event's signatures " +
    "and hashes, and stores the history with the state at each event, as Synapse does (under the netsplit-0.1 preset: as " +
    "backfilled outliers), so Carol can read what was said before she arrived.",
  roomVersion: "11",
  servers: [{ name: "hs1" }, { name: "hs2" }, { name: "hs3" }],
  users: ["@alice:hs1", "@bob:hs2", "@carol:hs3"],
  timeline: [
    {
      at: 0,
      do: "createRoom",
      user: "@alice:hs1",
      room: "room",
      preset: "public_chat",
      name: "Backfill",
      expect: "ok",
    },
    { at: 100, do: "join", user: "@bob:hs2", room: "room", via: ["hs1"], expect: "ok" },
    ...history,
    { at: 40_000, do: "join", user: "@carol:hs3", room: "room", via: ["hs1"], expect: "ok" },
    { at: 41_000, do: "message", user: "@carol:hs3", room: "room", body: "hi, what did I miss?" },
    { at: 42_000, do: "messages", user: "@carol:hs3", room: "room", limit: 40, expect: "ok" },
  ],
  annotations: [
    { at: 2_000, text: "Alice and Bob talk; hs3 is not in the room yet." },
    { at: 40_000, text: "Carol joins: hs3 receives the current state and auth chain, but no history." },
    { at: 42_000, text: "Carol scrolls back: hs3 backfills the history from hs1." },
  ],
  checks: [
    { check: "converged" },
    {
      check: "timeline",
      room: "room",
      user: "@carol:hs3",
      includes: ["hi, what did I miss?"],
      excludes: ["early message #1"],
    },
    {
      check: "history",
      room: "room",
      user: "@carol:hs3",
      limit: 40,
      includes: ["early message #1", "early message #15", "early message #30", "hi, what did I miss?"],
    },
  ],
  customChecks: [
    {
      name: "hs3 asked for the history with /backfill",
      run: ({ world }) =>
        world.trace
          .all()
          .some((r) => r.kind === "rpc.request" && r.from === "hs3" && r.path.includes("/federation/v1/backfill/"))
          ? []
          : ["no /backfill request from hs3 in the trace"],
    },
  ],
};

export default scenario;
