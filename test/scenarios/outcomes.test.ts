// How a run ends when the network goes quiet before every server agrees. Concurrent
// joins leave a late joiner without the joins that crossed its own: nobody forwards
// another server's events, so it learns of them only when a later event cites them.
// Synapse's resident sends that later event itself (a dummy after a send_join that left
// more than one extremity: dummyAfterRemoteJoin); netsplit 0.1 did not.
import { describe, expect, it } from "vitest";
import { nodeCrypto } from "../../cli/node-crypto.ts";
import { runScenario } from "../../scenarios/runner/run.ts";
import type { Scenario, ServerSpec, TimelineAction } from "../../scenarios/runner/types.ts";

const names = Array.from({ length: 12 }, (_, i) => `hs${i + 1}`);
const users = names.map((n) => `@u:${n}`);

function crowdedJoins(
  after: TimelineAction[],
  params: ServerSpec["params"] = { dummyAfterRemoteJoin: "off" },
): Scenario {
  return {
    name: "crowded-joins",
    description: "twelve servers join 50 ms apart",
    roomVersion: "11",
    servers: names.map((name) => ({ name, params })),
    users,
    timeline: [
      { at: 0, do: "createRoom", user: users[0]!, room: "room", preset: "public_chat" },
      ...users.slice(1).map((user, i) => ({ at: 50 * (i + 1), do: "join" as const, user, room: "room", via: ["hs1"] })),
      ...after,
    ],
  };
}

describe("a run whose network goes quiet before the servers agree (no dummy after a remote join)", () => {
  it("is stalled (a liveness failure), not a safety failure, when servers hold different forward extremities", () => {
    const report = runScenario(crowdedJoins([]), { seed: 1, crypto: nodeCrypto });
    expect(report.outcome).toBe("liveness-failure");
    expect(report.stalled).toBe(true);
    const failed = report.checks.filter((c) => !c.ok).map((c) => c.name);
    expect(failed).toEqual(["liveness: converged within 2.0 h after the heal"]);
    expect(report.checks[0]!.problems[0]).toMatch(
      /^stalled: the network is quiet but servers hold different forward extremities/,
    );
  });

  it("converges once everyone speaks again: each new event cites what its server holds", () => {
    const report = runScenario(
      crowdedJoins(users.map((user) => ({ at: 10_000, do: "message" as const, user, room: "room", body: "hello" }))),
      { seed: 1, crypto: nodeCrypto },
    );
    expect(report.outcome).toBe("converged");
    expect(report.stalled).toBe(false);
  });
});

describe("concurrent joins under Synapse's defaults", () => {
  it("converge with nobody speaking: each resident's dummy after a send_join cites what the joiner missed", () => {
    for (const seed of [1, 2, 3]) {
      const report = runScenario(crowdedJoins([], {}), { seed, crypto: nodeCrypto });
      expect(report.outcome, `seed ${seed}`).toBe("converged");
    }
  });
});
