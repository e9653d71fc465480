// The verdict lines of the state resolution bench (bench/state-res-report.ts): one per goal
// of issue 11, and where a figure falls short, why (the issue asks the bench to say so).

import { describe, expect, it } from "vitest";
import { verdicts, type ColdRun, type Measured } from "../../bench/state-res-report.ts";
import { ISSUE_ROOMS } from "../../bench/state-res-rooms.ts";

const room = (label: string) => ISSUE_ROOMS.find((r) => r.label === label)!;

const coldRun = (ms: number): ColdRun => ({
  ms,
  secondMs: ms,
  heapRoomMb: 10,
  peakHeapMb: 12,
  rssRoomMb: 90,
  peakRssMb: 100,
});

function measured(label: string, fresh: number[], cold?: number, newObjects: number[] = []): Measured {
  return {
    room: room(label),
    events: 1_000,
    conflictedKeys: 10,
    conflictedEvents: 20,
    authDifference: 30,
    authChainEvents: 40,
    plUserEntries: 50,
    fresh,
    prebuilt: fresh,
    newObjects,
    cold: cold === undefined ? undefined : coldRun(cold),
  };
}

describe("verdicts", () => {
  it("says a cold run within ×3 of the warm minimum is met, without a reason", () => {
    const [fresh, cold] = verdicts([measured("1.2k", [2.5, 2], 6, [4])]);
    expect(fresh).toBe("1.2k fresh: 2.0 ms, goal ≤ 5: met");
    expect(cold).toBe("1.2k cold: ×3.0 warm, goal ≤ ×3: met");
  });

  it("says why a cold run falls short: what new objects cost once compiled, the rest is the JIT", () => {
    const [, cold] = verdicts([measured("1.2k", [2], 34, [3.8, 4.6])]);
    expect(cold).toMatch(/^1\.2k cold: ×17\.0 warm, goal ≤ ×3: SHORT \(new objects in a warm JIT: ×1\.9; /);
    expect(cold).toContain("compiling the resolver");
  });

  it("gives no reason it did not measure (no new-object runs)", () => {
    const [, cold] = verdicts([measured("1.2k", [2], 34)]);
    expect(cold).toBe("1.2k cold: ×17.0 warm, goal ≤ ×3: SHORT");
  });

  it("points a growth that falls short in time to the count of the resolver's instructions", () => {
    const lines = verdicts([measured("11k", [30]), { ...measured("45k", [200]), events: 4_100 }]);
    const growth = lines.find((l) => l.startsWith("growth"))!;
    expect(growth).toMatch(
      /^growth 11k → 45k \(×4\.1 events\), the table's minima: ×6\.7 fresh, goal ≤ ×5: SHORT in time /,
    );
    expect(growth).toContain("npm run bench:instructions -- growth");
    const met = verdicts([measured("11k", [30]), measured("45k", [120])]).find((l) => l.startsWith("growth"))!;
    expect(met).toContain("goal ≤ ×5: met (×4.0 prebuilt)");
  });
});
