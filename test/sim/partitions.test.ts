// Partitions as data: each named generator gives the directed map its name promises.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildPartition, canReach, describePartition, partitionPairs } from "../../sim/partitions.ts";
import { RandomStreams } from "../../sim/random.ts";

const five = ["hs1", "hs2", "hs3", "hs4", "hs5"];

describe("partition generators", () => {
  it("isolate cuts one server off both ways and leaves the rest connected", () => {
    const p = buildPartition({ shape: "isolate", server: "hs2" }, five);
    for (const s of five.filter((x) => x !== "hs2")) {
      expect(canReach(p, "hs2", s)).toBe(false);
      expect(canReach(p, s, "hs2")).toBe(false);
    }
    expect(canReach(p, "hs1", "hs3")).toBe(true);
    expect(partitionPairs(p)).toHaveLength(8);
    expect(p.mode).toBe("drop");
  });

  it("majority puts the first ⌈n/2⌉−1 servers on the minority side", () => {
    const p = buildPartition({ shape: "majority", mode: "hold" }, five);
    expect(canReach(p, "hs1", "hs2")).toBe(true);
    expect(canReach(p, "hs3", "hs5")).toBe(true);
    expect(canReach(p, "hs2", "hs3")).toBe(false);
    expect(canReach(p, "hs4", "hs1")).toBe(false);
    expect(p.mode).toBe("hold");
  });

  it("ring: each server reaches the neighbours within reach, a different overlapping majority each", () => {
    // Five servers: each sees itself and one neighbour either way, 3 of 5.
    const p = buildPartition({ shape: "ring" }, five);
    expect(p.blocked).toEqual({
      hs1: ["hs3", "hs4"],
      hs2: ["hs4", "hs5"],
      hs3: ["hs1", "hs5"],
      hs4: ["hs1", "hs2"],
      hs5: ["hs2", "hs3"],
    });
    const six = [...five, "hs6"];
    const r = buildPartition({ shape: "ring", reach: 2 }, six);
    expect(canReach(r, "hs1", "hs3")).toBe(true);
    expect(canReach(r, "hs1", "hs5")).toBe(true); // two steps the other way round
    expect(canReach(r, "hs1", "hs4")).toBe(false); // three steps either way
    expect(canReach(r, "hs2", "hs5")).toBe(false);
  });

  it("bridge keeps the bridge connected to both sides, which cannot reach each other", () => {
    const p = buildPartition(
      {
        shape: "bridge",
        bridge: "hs3",
        sides: [
          ["hs1", "hs2"],
          ["hs4", "hs5"],
        ],
      },
      five,
    );
    for (const s of ["hs1", "hs2", "hs4", "hs5"]) expect(canReach(p, "hs3", s) && canReach(p, s, "hs3")).toBe(true);
    expect(canReach(p, "hs1", "hs4")).toBe(false);
    expect(canReach(p, "hs5", "hs2")).toBe(false);
  });

  it("oneWay cuts one direction only", () => {
    const p = buildPartition({ shape: "oneWay", from: ["hs1"], to: ["hs2"] }, five);
    expect(canReach(p, "hs1", "hs2")).toBe(false);
    expect(canReach(p, "hs2", "hs1")).toBe(true);
    expect(describePartition(p)).toBe("hs1→hs2 (drop)");
  });

  it("names an unknown server and the known ones", () => {
    expect(() => buildPartition({ shape: "isolate", server: "hs9" }, five)).toThrow(
      /unknown server "hs9" \(servers are hs1, hs2, hs3, hs4, hs5\)/,
    );
  });

  it("random: two non-empty sides, every cross pair cut both ways, the same for the same stream", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 8 }), fc.nat(), (n, seed) => {
        const servers = Array.from({ length: n }, (_, i) => `s${i}`);
        const p = buildPartition({ shape: "random" }, servers, new RandomStreams(seed).stream("partitions"));
        const again = buildPartition({ shape: "random" }, servers, new RandomStreams(seed).stream("partitions"));
        expect(again).toEqual(p);
        // Sides: servers that reach s0, and those that do not.
        const side = servers.filter((s) => canReach(p, "s0", s));
        const other = servers.filter((s) => !side.includes(s));
        expect(side.length).toBeGreaterThan(0);
        expect(other.length).toBeGreaterThan(0);
        for (const a of side) for (const b of other) expect(canReach(p, a, b) || canReach(p, b, a)).toBe(false);
        for (const a of side) for (const b of side) expect(canReach(p, a, b)).toBe(true);
      }),
      { seed: 7, numRuns: 100 },
    );
  });
});

describe("a partition applied to the simulation", () => {
  it("cuts exactly its pairs, and repairing it lifts exactly those", async () => {
    const { Simulation } = await import("../../sim/simulation.ts");
    const sim = new Simulation(1);
    const split = buildPartition({ shape: "split", sides: [["a"], ["b", "c"]] }, ["a", "b", "c"]);
    const oneWay = buildPartition({ shape: "oneWay", from: ["b"], to: ["c"] }, ["a", "b", "c"]);
    sim.applyPartition(split);
    sim.applyPartition(oneWay);
    expect(sim.network.cuts.list().map((c) => `${c.from}>${c.to}`)).toEqual(["a>b", "a>c", "b>a", "b>c", "c>a"]);
    sim.repairPartition(split);
    expect(sim.network.cuts.list().map((c) => `${c.from}>${c.to}`)).toEqual(["b>c"]);
  });
});
