// The application-service examples (feed-bot, bridge, moderation) as scenario runs:
// every check holds for several seeds, the checks say what reached whom, and they fail
// when what they assert does not happen.
import { describe, expect, it } from "vitest";
import { failedChecks } from "../../scenarios/runner/checks.ts";
import { nodeCrypto } from "../../cli/node-crypto.ts";
import bridge from "../../scenarios/shipped/bridge.ts";
import feedBot from "../../scenarios/shipped/feed-bot.ts";
import { SCENARIOS } from "../../scenarios/index.ts";
import moderation from "../../scenarios/shipped/moderation.ts";
import { runScenario, ScenarioRun } from "../../scenarios/runner/run.ts";
import type { Scenario } from "../../scenarios/runner/types.ts";

const SEEDS = [1, 2, 3, 4];
const failures = (s: Scenario, seed: number) =>
  runScenario(s, { seed, crypto: nodeCrypto })
    .checks.filter((c) => !c.ok)
    .map((c) => c.name);

describe.each([feedBot, bridge, moderation].map((s) => [s.name, s] as const))("%s", (_name, scenario) => {
  it.each(SEEDS)("passes every check with seed %i, its own checks included", (seed) => {
    const report = runScenario(scenario, { seed, crypto: nodeCrypto });
    expect(failedChecks(report.checks)).toEqual([]);
    expect(report.converged).toBe(true);
    const names = report.checks.map((c) => c.name);
    for (const c of scenario.customChecks ?? []) expect(names).toContain(c.name);
  });

  it("is registered, with a description", () => {
    expect(SCENARIOS).toContain(scenario);
    expect(scenario.description.length).toBeGreaterThan(200);
  });

  it("gives the same trace for the same seed", () => {
    const a = runScenario(scenario, { seed: 9, crypto: nodeCrypto, signing: false });
    const b = runScenario(scenario, { seed: 9, crypto: nodeCrypto, signing: false });
    expect(a.traceHash).toBe(b.traceHash);
  });
});

describe("bridge", () => {
  it("the trace shows the service attached to its homeserver and its traffic", () => {
    const run = new ScenarioRun(bridge, { seed: 1, crypto: nodeCrypto });
    run.runToEnd();
    const trace = run.world.trace.all();
    expect(trace.find((r) => r.kind === "as.registered")).toMatchObject({
      server: "hs1",
      service: "chat-bridge",
      url: "chat-bridge",
      sender: "@_chat_bot:hs1",
    });
    expect(
      trace.some(
        (r) =>
          r.kind === "rpc.request" &&
          r.from === "hs1" &&
          r.to === "chat-bridge" &&
          r.path.startsWith("/_matrix/app/v1/transactions/"),
      ),
    ).toBe(true);
    // Every transaction was acknowledged in the end, some after retries (the bridge's own outage).
    const ids = (kind: string) =>
      [...new Set(trace.flatMap((r) => (r.kind === kind && "txnId" in r ? [r.txnId] : [])))].sort();
    expect(ids("as.txn.ok")).toEqual(ids("as.txn.sent"));
    expect(trace.some((r) => r.kind === "as.txn.sent" && r.attempt > 1)).toBe(true);
    // Ghosts are the service's users: their actions are as.action records.
    expect(
      trace.some((r) => r.kind === "as.action" && r.user === "@_chat_dave:hs1" && r.action === "sendMessage"),
    ).toBe(true);
  });

  it("its checks fail when the split never heals: what crossed nothing never arrived", () => {
    const unhealed: Scenario = {
      ...bridge,
      heal: false,
      timeline: bridge.timeline.filter((a) => a.do !== "repair"),
      convergenceBudgetMs: 30 * 60_000,
    };
    const failed = failures(unhealed, 1);
    expect(failed).toEqual(
      expect.arrayContaining([
        "every Matrix message reached the platform exactly once, from its sender's puppet, in its sender's order",
      ]),
    );
    expect(failed.some((n) => n.startsWith("@alice:hs2's timeline"))).toBe(true);
  });
});

describe("moderation", () => {
  it("its checks fail when the service has no power to redact and ban", () => {
    const powerless: Scenario = {
      ...moderation,
      timeline: moderation.timeline.map((a) =>
        a.do === "createRoom" && a.room === "lobby" ? { ...a, powerLevels: { users: { "@alice:hs1": 100 } } } : a,
      ),
    };
    const failed = failures(powerless, 1);
    expect(failed).toEqual(expect.arrayContaining(["event spam is redacted", "@spammer:hs2 in lobby is ban"]));
  });
});

describe("feed-bot", () => {
  it("its checks fail when a reader's server stays cut off", () => {
    const cut: Scenario = {
      ...feedBot,
      heal: false,
      timeline: feedBot.timeline.filter((a) => a.do !== "repair"),
      convergenceBudgetMs: 30 * 60_000,
    };
    expect(failures(cut, 1).some((n) => n.startsWith("@bob:hs3's timeline"))).toBe(true);
  });
});
