// One grammar for seeds everywhere (cli/args.ts SEED_GRAMMAR): plain decimal digits,
// 0..2^53−1, one spelling per seed; anything else is one line and exit 2. --workers is
// lowered to the CPU count with a message.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseSeedText } from "../../cli/args.ts";
import { workerCount } from "../../cli/commands/sweep.ts";
import { parseSeedRange } from "../../cli/sweep/seed-range.ts";
import { cli, expectOneLineError } from "./cli.ts";

const refused = ["abc", "1.5", "-1", "07", " 7", "7 ", "7.0", "", "+7", "1e3", "0x10", "9007199254740992", "٣", "7\n"];

describe("the seed grammar", () => {
  it("accepts plain decimal seeds up to 2^53−1", () => {
    expect(parseSeedText("0")).toBe(0);
    expect(parseSeedText("7")).toBe(7);
    expect(parseSeedText("9007199254740991")).toBe(Number.MAX_SAFE_INTEGER);
  });

  it("gives every seed exactly one spelling (property, seed 13003)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (text) => {
        const seed = parseSeedText(text);
        if (seed !== undefined) expect(String(seed)).toBe(text);
      }),
      { seed: 13_003, numRuns: 2_000 },
    );
    fc.assert(
      fc.property(fc.maxSafeNat(), (n) => {
        expect(parseSeedText(String(n))).toBe(n);
      }),
      { seed: 13_004, numRuns: 500 },
    );
  });

  for (const text of refused) {
    it(`refuses ${JSON.stringify(text)} in run --seed, check --seed and both ends of sweep --seeds, in one line`, async () => {
      expect(parseSeedText(text)).toBeUndefined();
      expectOneLineError(await cli("run", "three-servers", "--seed", text), /--seed/);
      expectOneLineError(await cli("check", "--seed", text, "--runs", "1"), /--seed/);
      expect(() => parseSeedRange(`${text}..9`)).toThrow(/each end must be|must look like A\.\.B/);
      expect(() => parseSeedRange(`1..${text}`)).toThrow(/each end must be|must look like A\.\.B/);
    });
  }

  it("says `--seed -1` in one line, not Node's three", async () => {
    const r = await cli("run", "three-servers", "--seed", "-1");
    expectOneLineError(r, /--seed needs a value/);
  });
});

describe("--workers", () => {
  it("is lowered to the CPU count, with a message", async () => {
    const written: string[] = [];
    const original = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => (written.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      expect(workerCount("1000", 2)).toBe(2);
      expect(workerCount("2", 2)).toBe(2);
      expect(workerCount("1", 4)).toBe(1);
      expect(workerCount(undefined, 3)).toBe(3);
    } finally {
      process.stderr.write = original;
    }
    expect(written).toEqual(["netsplit sweep: --workers 1000 is more than the 2 CPUs here; using 2\n"]);
    expect(() => workerCount("0", 2)).toThrow(/at least|≥ 1/);
  });
});
