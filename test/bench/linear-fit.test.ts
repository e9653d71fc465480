// The fit behind the benches' "linear in servers" verdict (bench/linear-fit.ts): it must
// recover a cost that is linear, and must call a cost with a term growing with servers not
// linear. The runs are the engine bench's shapes: 1,000 messages among 3, 10, 30 and 100
// servers, each message received by every other server.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fitLinear, LINEAR_MISFIT_MAX, misfitVerdict, SERVER_COUNTS, type SizedRun } from "../../bench/linear-fit.ts";

const MESSAGES = 1_000;

function runs(cost: (messages: number, deliveries: number, servers: number) => number): SizedRun[] {
  return SERVER_COUNTS.map((servers) => {
    const deliveries = MESSAGES * (servers - 1);
    return { label: `${servers} servers`, messages: MESSAGES, deliveries, cost: cost(MESSAGES, deliveries, servers) };
  });
}

describe("fitLinear", () => {
  it("recovers the costs of a linear run exactly", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 100_000 }), (a, b) => {
        const fit = fitLinear(runs((m, d) => a * m + b * d))!;
        expect(fit.perMessage).toBeCloseTo(a, 6);
        expect(fit.perDelivery).toBeCloseTo(b, 6);
        expect(fit.worst.misfit).toBeLessThan(1e-9);
      }),
    );
  });

  it("finds a term that grows with servers: each delivery also costing a walk over the servers", () => {
    // 20 µs a message, 10 µs a delivery, and 0.1 µs per server per delivery: at 100 servers
    // the walk is 10 µs a delivery, as much as the delivery itself.
    const fit = fitLinear(runs((m, d, servers) => 20 * m + 10 * d + 0.1 * servers * d))!;
    expect(fit.worst.misfit).toBeGreaterThan(LINEAR_MISFIT_MAX);
  });

  it("weighs every run alike, not the largest most: noise of 10% on each run misses none by much more", () => {
    // A least-squares fit of the raw costs would follow the 100-server run and miss 3 servers widely.
    const noisy = runs((m, d, servers) => (20 * m + 10 * d) * (servers % 2 === 0 ? 1.1 : 0.9));
    expect(fitLinear(noisy)!.worst.misfit).toBeLessThan(0.12);
  });

  it("declines what cannot decide two costs: fewer than two runs, or runs in proportion", () => {
    expect(fitLinear(runs((m, d) => m + d).slice(0, 1))).toBeUndefined();
    const proportional = [1, 2].map((k) => ({ label: `×${k}`, messages: k, deliveries: 2 * k, cost: 3 * k }));
    expect(fitLinear(proportional)).toBeUndefined();
  });

  it("gives no verdict on two runs, which any line fits exactly, however far from linear", () => {
    const growing = runs((m, d, servers) => 20 * m + 10 * d + 0.1 * servers * d);
    const two = fitLinear(growing.slice(2))!;
    expect(two.worst.misfit).toBeLessThan(1e-9);
    expect(misfitVerdict(two)).toBe(
      "no verdict on linear: 2 runs fit two costs exactly (it takes three sizes or more)",
    );
    expect(misfitVerdict(fitLinear(growing)!)).toContain("NOT met");
  });
});
