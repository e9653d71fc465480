// The v2-vs-v21 scenario: MSC4297's problem A arising in a network, in a room version
// 11 room and a room version 12 room side by side. Every check holds for several seeds;
// without the final repair the v11 room never converges, and without the faulty server
// neither room resets.
import { describe, expect, it } from "vitest";
import { failedChecks } from "../../scenarios/runner/checks.ts";
import { nodeCrypto } from "../../cli/node-crypto.ts";
import { stateKey } from "../../core/index.ts";
import { runScenario, ScenarioRun } from "../../scenarios/runner/run.ts";
import type { Scenario } from "../../scenarios/runner/types.ts";
import scenario from "../../scenarios/shipped/v2-vs-v21.ts";

const SEEDS = [1, 2, 3, 4];
const JOIN_RULES = stateKey("m.room.join_rules", "");

function run(s: Scenario, seed = 1) {
  const r = new ScenarioRun(s, { seed, crypto: nodeCrypto });
  const report = r.runToEnd();
  const room = (label: string, server: string) => r.world.server(server).room(r.rooms.get(label)!)!;
  const resetsOnHs4 = (label: string) =>
    r.world.trace
      .all()
      .filter((x) => x.kind === "state.resolved" && x.server === "hs4" && x.room === r.rooms.get(label))
      .flatMap((x) => (x.kind === "state.resolved" ? x.changed : []))
      .filter((c) => c.type === "m.room.join_rules" && c.after === null).length;
  return { r, report, room, resetsOnHs4 };
}

describe("scenario v2-vs-v21", () => {
  it.each(SEEDS)("passes every check with seed %i", (seed) => {
    const report = runScenario(scenario, { seed, crypto: nodeCrypto });
    const failed = failedChecks(report.checks);
    expect(failed).toEqual([]);
    expect(report.passed).toBe(true);
    expect(report.converged).toBe(true);
    // The scenario's own checks ran, not only the runner's.
    expect(report.checks.map((c) => c.name)).toEqual(expect.arrayContaining(scenario.customChecks!.map((c) => c.name)));
  });

  it("without Bob's repair the v11 room never converges: hs4 alone holds no join rules; the v12 room converges", () => {
    const unrepaired: Scenario = {
      ...scenario,
      timeline: scenario.timeline.filter((a) => !a.label?.startsWith("jr3-")),
      checks: [],
      customChecks: [],
    };
    const { r, report, room } = run(unrepaired);
    expect(report.converged).toBe(false);
    expect(r.world.divergentServers(r.rooms.get("v11")!, r.honest)).toEqual(["hs4"]);
    expect(r.world.divergentServers(r.rooms.get("v12")!, r.honest)).toEqual([]);
    expect(room("v11", "hs4").currentState.has(JOIN_RULES)).toBe(false);
    expect(room("v11", "hs2").currentState.get(JOIN_RULES)).toBe(r.events.get("jr2-v11"));
    expect(room("v12", "hs4").currentState.get(JOIN_RULES)).toBe(r.events.get("jr2-v12"));
  });

  it("with hs3 honest, neither room resets and Frank joins both", () => {
    const honest: Scenario = {
      ...scenario,
      servers: scenario.servers.map(({ adversary: _adversary, ...s }) => s),
      timeline: scenario.timeline.map((a) => (a.label === "frank-joins-v11" ? { ...a, expect: "ok" } : a)),
      checks: [],
      customChecks: [],
    };
    const { r, report, room, resetsOnHs4 } = run(honest);
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(resetsOnHs4("v11")).toBe(0);
    expect(resetsOnHs4("v12")).toBe(0);
    for (const label of ["v11", "v12"]) {
      const erin = r.events.get(`erin-joins-${label}`)!;
      expect(room(label, "hs4").get(erin)!.stateBefore!.get(JOIN_RULES)).toBe(r.events.get(`jr2-${label}`));
      expect(r.world.server("hs4").membership(room(label, "hs4"), "@frank:hs4")).toBe("join");
    }
  });

  it("the same seed gives the same trace", () => {
    expect(runScenario(scenario, { seed: 7, crypto: nodeCrypto }).traceHash).toBe(
      runScenario(scenario, { seed: 7, crypto: nodeCrypto }).traceHash,
    );
  });
});
