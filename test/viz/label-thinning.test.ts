// Labels on the space-time diagram never overlap: the kept ones are apart by at least
// the gap, higher priorities win a clash, and lane names thin evenly.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { everyKth, thinLabels, type Label } from "../../viz/model/label-thinning.ts";

describe("thinLabels", () => {
  it("keeps labels that fit and drops one that overlaps a kept one", () => {
    const labels: Label[] = [
      { at: 0, size: 30 },
      { at: 20, size: 30 },
      { at: 60, size: 30 },
    ];
    expect(thinLabels(labels, 4)).toEqual([0, 2]);
  });

  it("a higher priority wins a clash whatever its position", () => {
    const labels: Label[] = [
      { at: 0, size: 30 },
      { at: 20, size: 30, priority: 1 },
    ];
    expect(thinLabels(labels)).toEqual([1]);
  });

  it("no two kept labels overlap, and every dropped label clashes with a kept one (property)", () => {
    const label = fc.record({ at: fc.integer({ min: 0, max: 1000 }), size: fc.integer({ min: 1, max: 80 }) });
    fc.assert(
      fc.property(fc.array(label, { maxLength: 40 }), fc.integer({ min: 0, max: 10 }), (labels, gap) => {
        const kept = thinLabels(labels, gap);
        const overlaps = (a: Label, b: Label) => a.at < b.at + b.size + gap && b.at < a.at + a.size + gap;
        for (const a of kept) for (const b of kept) if (a !== b) expect(overlaps(labels[a]!, labels[b]!)).toBe(false);
        labels.forEach((l, i) => {
          if (!kept.includes(i)) expect(kept.some((k) => overlaps(l, labels[k]!))).toBe(true);
        });
      }),
      { seed: 17, numRuns: 300 },
    );
  });
});

describe("everyKth", () => {
  it("names every lane when they fit", () => {
    expect(everyKth(4, 20, 12)).toEqual([0, 1, 2, 3]);
  });

  it("thins to every k-th lane, apart by at least the text size, the last lane named", () => {
    for (const [count, pitch] of [
      [30, 5],
      [30, 7],
      [12, 11],
      [7, 3],
      [2, 5],
    ] as const) {
      const kept = everyKth(count, pitch, 12);
      expect(kept[0]).toBe(0);
      if ((count - 1) * pitch >= 12) expect(kept[kept.length - 1]).toBe(count - 1);
      for (let i = 1; i < kept.length; i++) expect((kept[i]! - kept[i - 1]!) * pitch).toBeGreaterThanOrEqual(12);
    }
  });
});
