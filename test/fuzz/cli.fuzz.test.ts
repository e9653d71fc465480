// Fuzzing the command line in-process (cli/main.ts's main, stdout and stderr captured):
// generated scenario files (valid ones from scenarioArbitrary, near-valid ones with one
// leaf replaced by a hostile value, hostile JSON) and argument lists. The contract:
// exit 0/1 with a report, or exit 2 with one line naming the problem; never a stack
// trace, never an exception out of main.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, it } from "vitest";
import { scenarioArbitrary } from "../../scenarios/generators/arbitraries.ts";
import { cli, tempDir } from "../cli/cli.ts";
import { contractBroken, fuzzRuns, fuzzSeed, Tally } from "./budget.ts";
import { HOSTILE_JSON, withLeafReplaced, withNodeReplaced } from "./hostile-json.ts";

const scenario = scenarioArbitrary({ serversMin: 2, serversMax: 3, actionsMax: 4, partitionsMax: 1, crashesMax: 1 });

const scenarioText = fc.oneof(
  { weight: 1, arbitrary: scenario.map((s) => JSON.stringify(s)) },
  {
    weight: 4,
    arbitrary: fc
      .tuple(scenario, fc.nat(), fc.constantFrom(...HOSTILE_JSON))
      .map(([s, pick, raw]) => withLeafReplaced(s, pick, raw)),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 60 }) },
);

/** A valid scenario with one node (an object, an array or a leaf) replaced by a hostile value, or removed. */
const scenarioNodeText = fc
  .tuple(scenario, fc.nat(), fc.option(fc.constantFrom(...HOSTILE_JSON), { nil: undefined }))
  .map(([s, pick, raw]) => withNodeReplaced(s, pick, raw));

describe("fuzz: the command line", () => {
  it("scenario files: run answers 0/1 with a report or 2 with one line", async () => {
    await fuzzScenarioFiles(scenarioText, 13_200, "scenario files");
  });

  it("scenario files with a node replaced or removed: the same", async () => {
    await fuzzScenarioFiles(scenarioNodeText, 13_201, "scenario files, a node replaced or removed");
  });

  it("argument lists: every command answers 0/1 with a report or 2 with one line", async () => {
    const dir = tempDir();
    const results = join(dir, "r.jsonl");
    writeFileSync(results, "");
    const word = fc.constantFrom(
      "run",
      "sweep",
      "merge",
      "list",
      "resolve",
      "help",
      "nosuch",
      "--help",
      "-h",
      "--version",
      "three-servers",
      "no-such-scenario",
      results,
      dir,
      "/dev/full",
      "/proc/x",
      join(dir, "missing", "x"),
      "--seed",
      "--seeds",
      "--workers",
      "--out",
      "--trace",
      "--json",
      "--room-version",
      "--no-signing",
      "--resume",
      "--shard",
      "--bogus",
      "--seed=-1",
      "1",
      "0",
      "-1",
      "07",
      " 7",
      "7.0",
      "1.5",
      "abc",
      "",
      "1..1",
      "2..1",
      "1..",
      "0..9007199254740992",
      "1000",
      "0/1",
      "1/0",
      "11",
      "99",
      "\uD800",
    );
    // Relative output paths ("--trace 1") land in the temporary directory, not the checkout.
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      await fuzzArgs(word);
    } finally {
      process.chdir(cwd);
    }
  });
});

async function fuzzScenarioFiles(texts: fc.Arbitrary<string>, seed: number, target: string): Promise<void> {
  const file = join(tempDir(), "s.json");
  const tally = new Tally();
  await fc.assert(
    fc.asyncProperty(texts, async (text) => {
      writeFileSync(file, text);
      const r = await cli("run", file, "--no-signing");
      const problem = contractBroken(r);
      if (problem) throw new Error(problem);
      tally.add(`exit ${r.status}`);
    }),
    { seed: fuzzSeed(seed), numRuns: fuzzRuns(40) },
  );
  tally.print(target);
}

async function fuzzArgs(word: fc.Arbitrary<string>): Promise<void> {
  const tally = new Tally();
  await fc.assert(
    fc.asyncProperty(fc.array(word, { minLength: 0, maxLength: 6 }), async (args) => {
      // Keep the slice fast: sweeps run one seed on one worker; no run writes outside the temporary directory.
      if (args.includes("sweep") && args.some((a) => /^\d+\.\.\d+$/.test(a) && a !== "1..1"))
        return tally.add("not run (a sweep of more than one seed)");
      const r = await cli(...args);
      const problem = contractBroken(r);
      if (problem) throw new Error(`${JSON.stringify(args)}: ${problem}`);
      tally.add(`exit ${r.status}`);
    }),
    { seed: fuzzSeed(13_300), numRuns: fuzzRuns(60) },
  );
  tally.print("argument lists");
}
