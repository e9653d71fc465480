// The netsplit itself: five servers share a room, the network splits into a majority
// and a minority, both sides carry on, and then the swarm takes over with faults drawn
// from the seed. After the heal every server must agree again.

import type { Scenario } from "../runner/types.ts";

const servers = ["hs1", "hs2", "hs3", "hs4", "hs5"];
const users = ["@alice:hs1", "@bob:hs2", "@carol:hs3", "@dan:hs4", "@erin:hs5"];

const scenario: Scenario = {
  name: "netsplit-heal",
  description:
    "Five servers share a public room. At 5 s the network splits into a minority (hs1, hs2) and a majority (hs3, hs4, hs5); " +
    "both sides change the topic and keep talking, so each side's copy of the DAG forks. The split heals at 20 s, and from 30 s to the end of " +
    "a 30-minute chaos phase the seed draws its own faults: message loss, duplication and reordering, partitions of every shape " +
    "(dropped, held or slowed), crashes, clock skew and chatty users. Then everything heals, and within the budget every server " +
    "must hold the same state: the federation senders retry after their backoff, catch up with the forward extremities, and the " +
    "receivers fill the gaps with get_missing_events and resolve the forks with state resolution. Sweep it to measure how often and how fast that happens.",
  roomVersion: "11",
  servers: servers.map((name) => ({ name })),
  users,
  timeline: [
    { at: 0, do: "createRoom", user: "@alice:hs1", room: "room", preset: "public_chat", name: "netsplit" },
    ...users
      .slice(1)
      .map((user, i) => ({ at: 100 + 500 * i, do: "join" as const, user, room: "room", via: ["hs1"], expect: "ok" })),
    { at: 3_000, do: "powerLevel", user: "@alice:hs1", room: "room", target: "@carol:hs3", level: 50 },
    { at: 5_000, do: "partition", partition: { shape: "majority" } },
    { at: 6_000, do: "topic", user: "@alice:hs1", room: "room", topic: "minority topic", label: "minority-topic" },
    { at: 6_500, do: "topic", user: "@carol:hs3", room: "room", topic: "majority topic", label: "majority-topic" },
    { at: 7_000, do: "message", user: "@bob:hs2", room: "room", body: "minority side" },
    { at: 7_500, do: "message", user: "@dan:hs4", room: "room", body: "majority side" },
    { at: 20_000, do: "repair" },
  ],
  swarm: {
    startMs: 30_000,
    loss: [0, 0.05],
    duplication: [0, 0.02],
    reorder: [0, 0.1],
    partitionEveryMs: [60_000, 600_000],
    partitionForMs: [10_000, 300_000],
    shapes: ["isolate", "majority", "ring", "bridge", "random", "oneWay"],
    modes: ["drop", "hold", "slow"],
    crashEveryMs: [600_000, 3_600_000],
    crashForMs: [5_000, 120_000],
    skewMs: [-2_000, 2_000],
    driftPpm: [-100, 100],
    messageEveryMs: [30_000, 180_000],
  },
  chaosMs: 30 * 60_000,
  convergenceBudgetMs: 6 * 3600_000,
  annotations: [
    { at: 5_000, text: "The network splits: hs1 and hs2 can no longer reach hs3, hs4 and hs5." },
    { at: 6_000, text: "Both sides change the topic. Each side's DAG now has its own head." },
    { at: 20_000, text: "The split heals. Servers exchange what they missed and resolve the fork." },
  ],
  checks: [{ check: "converged" }],
};

export default scenario;
