// The same netsplit under two federation retry models side by side: one pair of servers
// runs Synapse's (the default), the other netsplit 0.1's. The split outlasts the first
// backoff, so how a sender comes back after the heal decides how long each room stays
// forked. docs/federation.md gives the figures.

import { NETSPLIT_0_1_FEDERATION_PARAMS, type TraceRecord } from "../../sim/index.ts";
import type { CheckContext } from "../runner/check-context.ts";
import type { Scenario, TimelineAction } from "../runner/types.ts";

const SPLIT_MS = 10_000;
const HEAL_MS = 15 * 60_000;

/** Both sides of both rooms keep talking through the split. */
const chatter: TimelineAction[] = [
  ["@alice:syn1", "synapse"],
  ["@bob:syn2", "synapse"],
  ["@olive:old1", "old"],
  ["@oscar:old2", "old"],
].flatMap(([user, room], i) =>
  [0, 1, 2].map((n) => ({
    at: SPLIT_MS + 5_000 + n * 4 * 60_000 + i * 500,
    do: "message" as const,
    user: user!,
    room: room!,
    body: `${user} during the split #${n + 1}`,
  })),
);

/** When a room last accepted an event on any server, after the heal: when it stopped changing. */
function settledAtMs(ctx: CheckContext, room: string): number {
  const roomId = ctx.rooms.get(room);
  let last = HEAL_MS;
  for (const r of ctx.world.trace.all() as readonly TraceRecord[])
    if (r.kind === "pdu.accepted" && r.room === roomId) last = Math.max(last, r.atMs);
  return last;
}

const scenario: Scenario = {
  name: "retry-models",
  description:
    "Two rooms, two pairs of servers, one netsplit. syn1 and syn2 share a room and follow Synapse (the default federation " +
    'params); old1 and old2 share another and follow netsplit 0.1 (FEDERATION_PRESETS["netsplit-0.1"]). At 10 s the network ' +
    "splits syn1 and old1 from syn2 and old2 for 15 minutes, while everyone keeps talking. Synapse's sender retries each " +
    "/send ten times (4 s, 16 s, then every 60 s) before backing off, so when the split heals its next attempt gets through " +
    "within about two minutes. netsplit 0.1 gave up after one 60-second timeout, backed off 10 minutes, failed again while " +
    "still split, and backed off about 20 more: its room stays forked for some twenty minutes after the heal. Same split, same " +
    "messages; only the retry model differs.",
  roomVersion: "11",
  servers: [
    { name: "syn1" },
    { name: "syn2" },
    { name: "old1", params: { ...NETSPLIT_0_1_FEDERATION_PARAMS } },
    { name: "old2", params: { ...NETSPLIT_0_1_FEDERATION_PARAMS } },
  ],
  users: ["@alice:syn1", "@bob:syn2", "@olive:old1", "@oscar:old2"],
  timeline: [
    { at: 0, do: "createRoom", user: "@alice:syn1", room: "synapse", preset: "public_chat", name: "Synapse retries" },
    { at: 0, do: "createRoom", user: "@olive:old1", room: "old", preset: "public_chat", name: "netsplit 0.1 retries" },
    { at: 1_000, do: "join", user: "@bob:syn2", room: "synapse", via: ["syn1"], expect: "ok" },
    { at: 1_000, do: "join", user: "@oscar:old2", room: "old", via: ["old1"], expect: "ok" },
    {
      at: SPLIT_MS,
      do: "partition",
      partition: {
        shape: "split",
        sides: [
          ["syn1", "old1"],
          ["syn2", "old2"],
        ],
      },
    },
    ...chatter,
    { at: HEAL_MS, do: "repair" },
  ],
  convergenceBudgetMs: 2 * 3600_000,
  annotations: [
    { at: SPLIT_MS, text: "The network splits: syn1 and old1 on one side, syn2 and old2 on the other." },
    {
      at: SPLIT_MS + 75_000,
      text: "old1 and old2 give up after one timeout and back off 10 minutes; syn1 and syn2 keep retrying.",
    },
    { at: HEAL_MS, text: "The split heals. Synapse's next retry gets through; netsplit 0.1 waits out its backoff." },
  ],
  checks: [
    { check: "converged" },
    { check: "timeline", room: "synapse", user: "@alice:syn1", includes: ["@bob:syn2 during the split #3"] },
    { check: "timeline", room: "old", user: "@olive:old1", includes: ["@oscar:old2 during the split #3"] },
  ],
  customChecks: [
    {
      name: "Synapse's room settles within 3 minutes of the heal",
      run: (ctx) => {
        const after = settledAtMs(ctx, "synapse") - HEAL_MS;
        return after <= 3 * 60_000 ? [] : [`the Synapse room settled ${after} ms after the heal`];
      },
    },
    {
      name: "netsplit 0.1's room stays forked at least 10 minutes after the heal",
      run: (ctx) => {
        const after = settledAtMs(ctx, "old") - HEAL_MS;
        return after >= 10 * 60_000 ? [] : [`the netsplit 0.1 room settled only ${after} ms after the heal`];
      },
    },
  ],
};

export default scenario;
