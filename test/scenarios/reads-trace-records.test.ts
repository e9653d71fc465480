// Which scenarios need every trace record kept (readsTraceRecords): the CLI runs the
// others hash-only by default. A scenario it calls record-free must run its checks to the
// same verdicts under hash-only, with the same trace hash as a full run.
import { describe, expect, it } from "vitest";
import { loadScenario } from "../../cli/load-scenario.ts";
import { readsTraceRecords, runScenario, SCENARIOS, type Scenario } from "../../scenarios/index.ts";

const JSON_SHIPPED = ["held-then-released.json", "three-servers.json"].map(
  (file) => loadScenario(new URL(`../../scenarios/shipped/json/${file}`, import.meta.url).pathname).scenario,
);

const base: Scenario = {
  name: "stand-in",
  description: "",
  servers: [{ name: "hs1" }],
  users: ["@a:hs1"],
  timeline: [],
};

describe("readsTraceRecords", () => {
  it("is true for trace and event checks and for a module scenario's own code, false for the rest", () => {
    expect(readsTraceRecords(base)).toBe(false);
    expect(readsTraceRecords({ ...base, checks: [{ check: "converged" }] })).toBe(false);
    expect(readsTraceRecords({ ...base, checks: [{ check: "trace", kind: "pdu.dropped", atLeast: 1 }] })).toBe(true);
    expect(
      readsTraceRecords({
        ...base,
        checks: [{ check: "event", event: "e", status: "absent" }],
      }),
    ).toBe(true);
    expect(readsTraceRecords({ ...base, customChecks: [{ name: "c", run: () => [] }] })).toBe(true);
    expect(readsTraceRecords({ ...base, setup: () => {} })).toBe(true);
  });

  const recordFree = [...SCENARIOS, ...JSON_SHIPPED].filter((s) => !readsTraceRecords(s));
  it.each(recordFree.map((s) => [s.name, s] as const))(
    "%s runs hash-only to the same report as a full run",
    (_name, scenario) => {
      const full = runScenario(scenario, { seed: 3, signing: false, traceRetention: "full" });
      const hashOnly = runScenario(scenario, { seed: 3, signing: false, traceRetention: "hash-only" });
      expect(hashOnly).toEqual(full);
      expect(full.passed).toBe(true);
    },
  );
});
