// Fuzzing `netsplit resolve` in-process with generated fixtures: valid ones from
// fixtureArbitrary, near-valid ones with one node replaced by a hostile value or removed
// (an event without prev_events, content null, a float depth, a lone surrogate), and
// hostile JSON. The contract: exit 0/1 with a report, or exit 2 with one line naming the
// problem; never a stack trace, never an exception out of main.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, it } from "vitest";
import { fixtureArbitrary } from "../../scenarios/generators/fixture-arbitraries.ts";
import { cli, tempDir } from "../cli/cli.ts";
import { contractBroken, fuzzRuns, fuzzSeed, Tally } from "./budget.ts";
import { HOSTILE_JSON, withNodeReplaced } from "./hostile-json.ts";

const fixture = fixtureArbitrary({ usersMax: 3, opsMax: 8 });

const fixtureText = fc.oneof(
  { weight: 1, arbitrary: fixture.map((f) => JSON.stringify(f)) },
  {
    weight: 4,
    arbitrary: fc
      .tuple(fixture, fc.nat(), fc.option(fc.constantFrom(...HOSTILE_JSON), { nil: undefined }))
      .map(([f, pick, raw]) => withNodeReplaced(f, pick, raw)),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 60 }) },
);

const flags = fc.subarray(["--explain", "--expect", "--json", "--room-version=10", "--room-version=12"]);

describe("fuzz: fixtures", () => {
  it("resolve answers 0/1 with a report or 2 with one line", async () => {
    const file = join(tempDir(), "f.json");
    const tally = new Tally();
    await fc.assert(
      fc.asyncProperty(fixtureText, flags, async (text, options) => {
        writeFileSync(file, text);
        const r = await cli("resolve", file, ...options);
        const problem = contractBroken(r);
        if (problem) throw new Error(problem);
        tally.add(`exit ${r.status}`);
      }),
      { seed: fuzzSeed(13_400), numRuns: fuzzRuns(60) },
    );
    tally.print("fixtures");
  });
});
