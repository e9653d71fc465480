import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RandomStreams } from "../../sim/random.ts";
import { Scheduler } from "../../sim/scheduler.ts";
import { Simulation } from "../../sim/simulation.ts";
import { traceHash } from "../../sim/trace.ts";

describe("scheduler", () => {
  it("orders by time, then by scheduling order, and skips cancelled actions", () => {
    const s = new Scheduler();
    const ran: string[] = [];
    s.schedule(10, "b", () => ran.push("b"));
    s.schedule(5, "a", () => ran.push("a"));
    s.schedule(10, "c", () => ran.push("c"));
    const d = s.schedule(7, "d", () => ran.push("d"));
    s.schedule(7, "e", () => ran.push("e"), "hs2");
    s.cancel(d);
    expect(s.cancelOwner("hs2")).toBe(1);
    expect(s.size).toBe(3);
    for (let a = s.pop(); a; a = s.pop()) a.run();
    expect(ran).toEqual(["a", "b", "c"]);
  });

  it("pops in (time, seq) order for any schedule (model: a stable sort)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 200 }), (times) => {
        const s = new Scheduler();
        times.forEach((t, i) => s.schedule(t, String(i), () => {}));
        const popped: number[] = [];
        for (let a = s.pop(); a; a = s.pop()) popped.push(Number(a.label));
        const expected = times
          .map((t, i) => ({ t, i }))
          .sort((a, b) => a.t - b.t || a.i - b.i)
          .map((x) => x.i);
        expect(popped).toEqual(expected);
      }),
      { seed: 7, numRuns: 200 },
    );
  });
});

describe("random streams", () => {
  it("are reproducible per (seed, name) and independent of other streams' use", () => {
    const a = new RandomStreams(42);
    const b = new RandomStreams(42);
    b.stream("client:@x:hs9").next(); // a new client drawing first does not move the network's dice
    const draws = (r: RandomStreams) => Array.from({ length: 5 }, () => r.stream("network").next());
    expect(draws(a)).toEqual(draws(b));
    expect(new RandomStreams(43).stream("network").next()).not.toBe(new RandomStreams(42).stream("network").next());
    expect(() => new RandomStreams("")).toThrow(/explicit seed/);
  });
});

describe("network", () => {
  function world(seed = 1) {
    const sim = new Simulation(seed);
    const got: string[] = [];
    const send = (from: string, to: string, what: string) =>
      sim.network.send(from, to, what, () => got.push(`${to}<-${what}@${sim.nowMs}`));
    return { sim, got, send };
  }

  it("delivers after a latency between the minimum and mean ± jitter", () => {
    const { sim, got, send } = world();
    sim.network.links.setGlobal({ latencyMsMin: 20, latencyMsMean: 50, jitterMs: 10 });
    for (let i = 0; i < 50; i++) send("hs1", "hs2", `m${i}`);
    sim.runUntil(() => false);
    expect(got).toHaveLength(50);
    for (const line of got) {
      const at = Number(line.split("@")[1]);
      expect(at).toBeGreaterThanOrEqual(40);
      expect(at).toBeLessThanOrEqual(60);
    }
  });

  it("drops across a partition, counts it, and delivers again after repair", () => {
    const { sim, got, send } = world();
    sim.partition(["hs1"], ["hs2", "hs3"]);
    send("hs1", "hs2", "cut");
    send("hs2", "hs3", "same side");
    sim.runUntil(() => false);
    expect(got.map((g) => g.split("@")[0])).toEqual(["hs3<-same side"]);
    expect(sim.network.stats.dropped.partition).toBe(1);
    sim.repair();
    send("hs1", "hs2", "healed");
    sim.runUntil(() => false);
    expect(got.map((g) => g.split("@")[0])).toContain("hs2<-healed");
  });

  it("a one-way cut stops one direction only", () => {
    const { sim, got, send } = world();
    sim.partitionOneWay("hs1", "hs2");
    send("hs1", "hs2", "a");
    send("hs2", "hs1", "b");
    sim.runUntil(() => false);
    expect(got.map((g) => g.split("@")[0])).toEqual(["hs1<-b"]);
  });

  it("catches a message already in flight when the cut is made", () => {
    const { sim, got, send } = world();
    send("hs1", "hs2", "in flight");
    sim.partition(["hs1"], ["hs2"]);
    sim.runUntil(() => false);
    expect(got).toEqual([]);
    expect(sim.network.stats.dropped.partition).toBe(1);
  });

  it("holds messages and releases them in order", () => {
    const { sim, got, send } = world();
    sim.network.links.setGlobal({ jitterMs: 0 });
    sim.hold(["hs1"], ["hs2"]);
    send("hs1", "hs2", "1");
    send("hs1", "hs2", "2");
    sim.runFor(10_000);
    expect(got).toEqual([]);
    expect(sim.network.heldCount).toBe(2);
    sim.release(["hs1"], ["hs2"]);
    sim.runUntil(() => false);
    expect(got.map((g) => g.split("@")[0])).toEqual(["hs2<-1", "hs2<-2"]);
    expect(sim.network.stats.released).toBe(2);
  });

  it("loses and duplicates at the configured rates", () => {
    const { sim, got, send } = world(3);
    sim.network.links.setLink("hs1", "hs2", { loss: 0.3, duplication: 0.2 });
    for (let i = 0; i < 2000; i++) send("hs1", "hs2", "x");
    sim.runUntil(() => false);
    const { dropped, duplicated } = sim.network.stats;
    expect(dropped.loss / 2000).toBeGreaterThan(0.25);
    expect(dropped.loss / 2000).toBeLessThan(0.35);
    expect(duplicated / (2000 - dropped.loss)).toBeGreaterThan(0.15);
    expect(got).toHaveLength(2000 - dropped.loss + duplicated);
  });

  it("rejects nonsense link settings with a message naming the link", () => {
    const { sim } = world();
    expect(() => sim.network.links.setLink("hs1", "hs2", { loss: 2 })).toThrow(/link hs1–hs2: loss is a probability/);
    expect(() => sim.network.links.setGlobal({ latencyMsMean: -1 })).toThrow(/≥ 0/);
  });
});

describe("rpc", () => {
  it("returns the response, or a timeout the caller sees", () => {
    const sim = new Simulation(1);
    sim.rpc.listen("hs2", (origin, req, respond) => respond({ status: 200, body: { echo: req.path, origin } }));
    const outcomes: unknown[] = [];
    sim.rpc.request("hs1", "hs2", { method: "GET", path: "/ping" }, (o) => outcomes.push(o), 1000);
    sim.runUntil(() => false);
    sim.partition(["hs1"], ["hs2"]);
    sim.rpc.request("hs1", "hs2", { method: "GET", path: "/ping" }, (o) => outcomes.push(o), 1000);
    sim.runUntil(() => false);
    expect(outcomes).toEqual([
      { ok: true, status: 200, body: { echo: "/ping", origin: "hs1" } },
      { ok: false, error: "timeout" },
    ]);
  });
});

describe("runUntil", () => {
  it("reports the limit it hit instead of hanging", () => {
    const sim = new Simulation(1);
    const tick = () => void sim.after(1000, "tick", tick);
    tick();
    expect(sim.runUntil(() => false, { stepsMax: 5 }).reason).toBe("stepLimit");
    expect(sim.runUntil(() => false, { virtualTimeMsMax: 60_000 })).toMatchObject({
      reason: "virtualTimeLimit",
      nowMs: 60_000,
    });
    expect(sim.runUntil(() => sim.nowMs >= 61_000)).toMatchObject({ reason: "done" });
  });
});

it("same seed, same trace hash; another seed, another hash", () => {
  const run = (seed: number) => {
    const sim = new Simulation(seed);
    sim.network.links.setGlobal({ loss: 0.1, duplication: 0.1, reorder: 0.2 });
    for (let i = 0; i < 100; i++) sim.network.send(`hs${i % 3}`, `hs${(i + 1) % 3}`, `m${i}`, () => {});
    sim.runUntil(() => false);
    return traceHash(sim.trace.all());
  };
  expect(run(5)).toBe(run(5));
  expect(run(5)).not.toBe(run(6));
});
