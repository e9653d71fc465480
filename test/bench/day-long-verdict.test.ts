// The day-long bench's verdict (bench/day-long-split.bench.ts): met, or short with the
// start-up and the same run repeated in one process beside it (issue 12 asks the bench to
// say where a figure falls short).

import { describe, expect, it } from "vitest";
import { warmUpVerdict } from "../../bench/day-long-split.bench.ts";

describe("warmUpVerdict", () => {
  it("says met under the goal, with no reason", () => {
    expect(warmUpVerdict(1, 0.96, 0.18, [900, 400])).toBe("run, signing off: 0.96 s wall, goal < 1 s: met");
  });

  it("gives the start-up and each repeated run when the goal is missed", () => {
    expect(warmUpVerdict(1, 1.06, 0.18, [1104.5, 624.7, 489.9, 406.8])).toBe(
      "run, signing off: 1.06 s wall, goal < 1 s: NOT met. Start-up (run --help) takes 0.18 s, and the run itself pays " +
        "for V8's warm-up: the same run repeated in one process took 1.10, 0.62, 0.49, 0.41 s (each its own wall clock, start-up excluded)",
    );
  });

  it("counts a run of exactly the goal as missed (the goal is under a second)", () => {
    expect(warmUpVerdict(1, 1, 0.18, [1000])).toContain("NOT met");
  });
});
