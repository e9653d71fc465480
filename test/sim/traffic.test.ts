// Traffic models (sim/traffic.ts): each model's rate is right within sampling error, for
// parameters fast-check draws; times are increasing, whole and inside [start, end); each
// process draws from its own stream, so adding one leaves the others' times alone.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { arrivals, meanRatePerSec, RandomStreams, type TrafficModel } from "../../sim/index.ts";
import { trafficProcesses } from "../../sim/traffic.ts";

const SPAN_MS = 2_000_000;

function count(model: TrafficModel, seed: number, spanMs = SPAN_MS): number[] {
  return [...arrivals(model, new RandomStreams(seed).stream("t"), 0, spanMs)];
}

/** Sends are within 5 standard deviations of what the model's rate gives over the span. */
function expectRate(model: TrafficModel, times: number[], sd: number) {
  const expected = (meanRatePerSec(model) * SPAN_MS) / 1000;
  expect(Math.abs(times.length - expected)).toBeLessThanOrEqual(5 * sd + 1);
}

const params = { seed: 16, numRuns: 40 };

describe("traffic models", () => {
  it("bernoulli: binomial count, rounds on the period", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100, max: 20_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.nat(),
        (periodMs, p, seed) => {
          const model: TrafficModel = { model: "bernoulli", periodMs, p };
          const times = count(model, seed);
          const rounds = Math.floor((SPAN_MS - 1) / periodMs);
          expectRate(model, times, Math.sqrt(rounds * p * (1 - p)));
          for (const t of times) expect(t % periodMs).toBe(0);
        },
      ),
      params,
    );
  });

  it("poisson: count within sampling error of rate × span", () => {
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 5, noNaN: true }), fc.nat(), (ratePerSec, seed) => {
        const model: TrafficModel = { model: "poisson", ratePerSec };
        const times = count(model, seed);
        expectRate(model, times, Math.sqrt((ratePerSec * SPAN_MS) / 1000));
      }),
      params,
    );
  });

  it("bursts: size sends spacingMs apart, bursts at the model's mean rate", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1000, max: 60_000 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 0, max: 500 }),
        fc.nat(),
        (everyMs, size, spacingMs, seed) => {
          const model: TrafficModel = { model: "bursts", everyMs, size, spacingMs };
          const times = count(model, seed);
          // Bursts form a renewal process; its count's sd is about size·√(bursts), the gap being exponential.
          const bursts = SPAN_MS / (everyMs + (size - 1) * spacingMs);
          expectRate(model, times, size * Math.sqrt(bursts) + size);
        },
      ),
      params,
    );
  });

  it("every model: increasing whole milliseconds inside [start, end)", () => {
    const models: TrafficModel[] = [
      { model: "bernoulli", periodMs: 333, p: 0.5 },
      { model: "poisson", ratePerSec: 3 },
      { model: "bursts", everyMs: 2000, size: 4, spacingMs: 50 },
      { model: "schedule", atMs: [5000, 100, 7000, 100, 99_999] },
    ];
    for (const m of models) {
      const times = [...arrivals(m, new RandomStreams(1).stream("t"), 100, 50_000)];
      expect(times.length).toBeGreaterThan(0);
      times.forEach((t, i) => {
        expect(Number.isInteger(t) && t >= 100 && t < 50_000).toBe(true);
        if (i > 0) expect(t).toBeGreaterThanOrEqual(times[i - 1]!);
      });
    }
    expect([...arrivals(models[3]!, new RandomStreams(1).stream("t"), 100, 50_000)]).toEqual([100, 100, 5000, 7000]);
  });

  it("per user: one process and one stream each; per server: one per server, over its users", () => {
    const users = ["@b:hs2", "@a:hs1", "@c:hs1"];
    expect(trafficProcesses({ model: "poisson", ratePerSec: 1, room: "r" }, 0, users)).toEqual([
      { stream: "traffic:0:@a:hs1", senders: ["@a:hs1"] },
      { stream: "traffic:0:@b:hs2", senders: ["@b:hs2"] },
      { stream: "traffic:0:@c:hs1", senders: ["@c:hs1"] },
    ]);
    expect(
      trafficProcesses({ model: "poisson", ratePerSec: 1, room: "r", per: "server", servers: ["hs1"] }, 2, users),
    ).toEqual([{ stream: "traffic:2:hs1", senders: ["@a:hs1", "@c:hs1"] }]);
  });
});
