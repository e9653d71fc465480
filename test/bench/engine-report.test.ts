// The engine bench's headline verdict (bench/engine-report.ts) and the collector's pauses it
// charges to a phase (bench/gc-pauses.ts): issue 12 asks the bench to say honestly where a
// figure falls short, so the lines it prints are held to hand-worked figures here.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { costLine, deliveryVerdict, type PhaseCost } from "../../bench/engine-report.ts";
import { pausedWithin } from "../../bench/gc-pauses.ts";

const phase = (cpuUs: number, wallUs: number, gcWallUs: number): PhaseCost => ({
  deliveries: 1_000,
  cpuUs,
  wallUs,
  gcWallUs,
});

describe("pausedWithin", () => {
  it("counts pauses inside the window whole and those across an edge in part", () => {
    const pauses = [
      { startMs: 0, durationMs: 2 }, // before the window
      { startMs: 9, durationMs: 2 }, // 1 ms inside
      { startMs: 12, durationMs: 3 }, // inside
      { startMs: 19, durationMs: 4 }, // 1 ms inside
      { startMs: 30, durationMs: 1 }, // after
    ];
    expect(pausedWithin(pauses, 10, 20)).toBe(5);
  });

  it("never counts more than the window, nor less than nothing", () => {
    const pause = fc.record({
      startMs: fc.double({ min: -100, max: 100, noNaN: true }),
      durationMs: fc.double({ min: 0, max: 50, noNaN: true }),
    });
    fc.assert(
      fc.property(
        fc.array(pause, { maxLength: 1 }),
        fc.double({ min: -50, max: 50, noNaN: true }),
        fc.double({ min: 0, max: 50, noNaN: true }),
        (one, start, length) => {
          const paused = pausedWithin(one, start, start + length);
          expect(paused).toBeGreaterThanOrEqual(0);
          expect(paused).toBeLessThanOrEqual(length + 1e-9);
        },
      ),
    );
  });
});

/** The verdict at a goal of 10 µs, each phase given as [CPU, wall, collector] µs per delivery. */
const verdictOf = (kept: Triple, none: Triple, hashed: Triple): string[] =>
  deliveryVerdict(10, phaseOf(kept), phaseOf(none), phaseOf(hashed));
type Triple = [cpu: number, wall: number, gc: number];
const phaseOf = ([cpu, wall, gc]: Triple): PhaseCost => phase(cpu * 1_000, wall * 1_000, gc * 1_000);

describe("deliveryVerdict", () => {
  it("says how far short the kept trace is, and how far the engine alone", () => {
    const lines = verdictOf([23, 19, 4], [18, 15, 3], [29, 26, 3]);
    expect(lines[0]).toBe("unsigned: 23.0 CPU µs per delivery, goal ≤ 10: ×2.3 short; with no trace at all ×1.8");
    expect(lines[1]).toBe(
      "  trace kept (unsigned): 23.0 CPU µs per delivery, 19.0 wall, of which the collector's pauses 4.0 (21%)",
    );
    expect(lines[4]).toBe(
      "  against no trace, CPU µs per delivery: +5.0 to keep the records, +11.0 to hash them as they come",
    );
  });

  it("says met when the goal is reached, and prints a cost below no trace with its sign", () => {
    const lines = verdictOf([9, 8, 1], [9.5, 8, 1], [12, 11, 1]);
    expect(lines[0]).toBe("unsigned: 9.0 CPU µs per delivery, goal ≤ 10: met");
    expect(lines[4]).toBe(
      "  against no trace, CPU µs per delivery: −0.5 to keep the records, +2.5 to hash them as they come",
    );
  });
});

describe("costLine", () => {
  it("gives the collector's share of the wall clock", () => {
    expect(costLine("x", phase(2_000, 1_000, 250))).toBe(
      "x: 2.0 CPU µs per delivery, 1.0 wall, of which the collector's pauses 0.3 (25%)",
    );
  });
});
