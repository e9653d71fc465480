// `merge` streams: shards sorted by seed are merged one line of each at a time, with the
// summary built as lines pass (SummaryBuilder, which must agree with summarise). A merge
// of 150,000 seeds (beyond the ~130,000 where spreading seeds into Math.min overflowed
// the stack) runs here; scripts/merge-10m.ts runs ten million lines, outside npm test.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { summarise } from "../../cli/sweep/summary.ts";
import { SummaryBuilder } from "../../cli/sweep/summary-builder.ts";
import { formatLine, type SweepLine } from "../../cli/sweep/sweep-line.ts";
import { cli, expectOneLineError, tempDir } from "./cli.ts";

function line(seed: number, passed = true, time: number | null = 1000 + (seed % 97)): SweepLine {
  return {
    seed,
    scenario: "big",
    roomVersion: "11",
    signing: false,
    outcome: passed ? "converged" : "liveness-failure",
    converged: passed,
    passed,
    failed: passed ? [] : ["converged"],
    timeToConvergeMs: passed ? time : null,
    virtualTimeMs: 5000,
    traceHash: `h${seed}`,
    pdusSent: 1,
    pdusDelivered: 1,
    swarm: null,
  };
}

const text = (lines: readonly SweepLine[]) => lines.map((l) => formatLine(l) + "\n").join("");

describe("merge, streamed", () => {
  it("SummaryBuilder gives what summarise gives (property, seed 13005)", () => {
    const lines = fc.uniqueArray(
      fc.record({ seed: fc.nat({ max: 400 }), passed: fc.boolean(), time: fc.nat({ max: 10_000 }) }),
      { selector: (x) => x.seed, maxLength: 60 },
    );
    fc.assert(
      fc.property(lines, (drawn) => {
        const sorted = drawn.map((d) => line(d.seed, d.passed, d.time)).sort((a, b) => a.seed - b.seed);
        const builder = new SummaryBuilder();
        for (const l of sorted) builder.add(l);
        const range = sorted.length > 0 ? { first: sorted[0]!.seed, last: sorted[sorted.length - 1]!.seed } : null;
        expect(builder.summary()).toEqual(summarise(sorted, range));
      }),
      { seed: 13_005, numRuns: 300 },
    );
  });

  it("merges 150,000 seeds in two shards, with a seed in both, into one sorted file", async () => {
    const dir = tempDir();
    const n = 150_000;
    const all = Array.from({ length: n }, (_, i) => line(i + 1, (i + 1) % 1000 !== 0));
    const a = join(dir, "a.jsonl");
    const b = join(dir, "b.jsonl");
    writeFileSync(a, text(all.slice(0, n / 2 + 1)));
    writeFileSync(b, text(all.slice(n / 2)));
    const out = join(dir, "all.jsonl");
    const r = await cli("merge", b, a, "--out", out, "--json");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(1);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ seeds: n, range: { first: 1, last: n }, missing: [], passed: n - 150 });
    expect(summary.failedSeeds).toHaveLength(150);
    expect(readFileSync(out, "utf8")).toBe(text(all));
  }, 60_000);

  it("reads an unsorted file whole and still merges it in seed order", async () => {
    const dir = tempDir();
    const a = join(dir, "a.jsonl");
    const b = join(dir, "b.jsonl");
    writeFileSync(a, text([line(5), line(1), line(3)]));
    writeFileSync(b, text([line(2), line(4), line(7)]) + '{"seed": 8, "torn');
    const out = join(dir, "all.jsonl");
    const r = await cli("merge", a, b, "--out", out, "--json");
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/b\.jsonl: the last line is cut off/);
    expect(JSON.parse(r.stdout)).toMatchObject({ seeds: 6, missing: [6] });
    expect(readFileSync(out, "utf8")).toBe(text([1, 2, 3, 4, 5, 7].map((s) => line(s))));
  });

  it("refuses a seed whose lines differ between files, in one line", async () => {
    const dir = tempDir();
    const a = join(dir, "a.jsonl");
    const b = join(dir, "b.jsonl");
    writeFileSync(a, text([line(1), line(2)]));
    writeFileSync(b, text([{ ...line(2), traceHash: "other" }, line(3)]));
    expectOneLineError(await cli("merge", a, b), /seed 2 differs between .*a\.jsonl and .*b\.jsonl \(traceHash\)/);
  });
});
