// `netsplit check`: random scenarios (scenarios/generators/arbitraries.ts) run one after
// the other; each must pass its checks (liveness, safety, and any --require'd ones). A failure is
// shrunk by fast-check to a minimal scenario, saved as a JSON scenario file, and the
// `netsplit run` command that replays it is printed.

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { scenarioArbitrary } from "../../scenarios/generators/arbitraries.ts";
import { result as checkResult, type CheckResult } from "../../scenarios/runner/checks.ts";
import { parseCheck, type JsonScenario } from "../../scenarios/runner/parse-scenario.ts";
import { runScenario } from "../../scenarios/runner/run.ts";
import { ScenarioError } from "../../scenarios/runner/scenario-error.ts";
import type { Check } from "../../scenarios/runner/types.ts";
import { intOption, parseCommandArgs, seedOption, seeHelp, roomVersionOption } from "../args.ts";
import { writeFileAtomic } from "../atomic-write.ts";
import { checkOutputDirectory } from "../output-path.ts";
import { EXIT, UsageError, type Command } from "../command.ts";
import { formatJsonForReading } from "../format-json.ts";
import { nodeCrypto } from "../node-crypto.ts";
import { freshSeed, searchCounterexample } from "../property-search.ts";

const HELP = `usage: netsplit check [options]

Run random scenarios: 3–6 servers with a user each, one room, random client actions,
partitions of the named shapes, crashes. Every run must pass its checks (liveness and
safety). A failing scenario is shrunk to a minimal one and saved as a JSON scenario
file that \`netsplit run\` replays; the seed of the search is printed to replay it.

options:
  --runs N               how many scenarios to try (default 100)
  --seed S               the search's seed (default: a new one, printed)
  --out <dir>            where a failing scenario is saved (default: .)
  --room-version <v>     draw only rooms of this version (default: 10, 11 and 12)
  --require <check>      a check (JSON, docs/scenarios.md) every scenario must pass as
                         well; may be repeated. The room is "room"; users are
                         @alice:hs1, @bob:hs2, … one per server
  -h, --help             this help

exit codes: 0 every scenario passed, 1 a failing scenario was found and saved, 2 bad input`;

interface Failure {
  seed: number;
  failed: CheckResult[];
}

export const checkCommand: Command = {
  async run(args) {
    const parsed = parseCommandArgs(
      args,
      {
        runs: { type: "string" },
        seed: { type: "string" },
        out: { type: "string" },
        "room-version": { type: "string" },
        require: { type: "string", multiple: true },
      },
      HELP,
    );
    if (!parsed) return EXIT.ok;
    const { values, positionals } = parsed;
    if (positionals.length > 0) throw new UsageError(`check takes no scenario (it makes its own) ${seeHelp(HELP)}`);
    const runs = intOption(values.runs, "runs", 100, 1);
    const seed = seedOption(values.seed, "seed", freshSeed());
    const roomVersion = roomVersionOption(values["room-version"]);
    const required = (values.require ?? []).map(parseRequired);
    const out = values.out ?? ".";
    checkOutputDirectory(out, "--out");

    const arbitrary = fc.tuple(
      scenarioArbitrary({ checks: required, ...(roomVersion ? { roomVersions: [roomVersion] } : {}) }),
      fc.nat({ max: 1_000_000 }),
    );
    process.stderr.write(`netsplit check: ${runs} random scenarios, seed ${seed}\n`);
    const result = searchCounterexample(
      arbitrary,
      ([scenario, runSeed]): Failure | null => {
        try {
          const report = runScenario(scenario, { seed: runSeed, crypto: nodeCrypto });
          return report.passed ? null : { seed: runSeed, failed: report.checks.filter((c) => !c.ok) };
        } catch (e) {
          // An exception in the engine is a finding like any other: shrink it too.
          return { seed: runSeed, failed: [checkResult("the run crashed", [(e as Error).message])] };
        }
      },
      { seed, runs, onFailure: (run) => process.stderr.write(`run ${run} failed; shrinking…\n`) },
    );
    if (!result.found) {
      process.stdout.write(`✓ ${result.runs} random scenarios passed every check (seed ${seed})\n`);
      return EXIT.ok;
    }
    const [scenario] = result.value;
    const file = join(out, `netsplit-check-${seed}.json`);
    const saved: JsonScenario = {
      ...scenario,
      name: `check-${seed}`,
      description:
        `Found by netsplit check --seed ${seed} (run ${result.run}, shrunk ${result.shrinks} times) and failing with run seed ${result.failure.seed}: ` +
        `${result.failure.failed.map((c) => c.name).join("; ")}. ${scenario.description}`,
    };
    save(out, file, formatJsonForReading(saved) + "\n");
    process.stdout.write(
      `✗ run ${result.run} of ${runs} failed (search seed ${seed}); shrunk ${result.shrinks} times to ${shape(scenario)}:\n`,
    );
    for (const c of result.failure.failed) {
      process.stdout.write(`  ✗ ${c.name}\n`);
      for (const p of c.problems) process.stdout.write(`      ${p}\n`);
    }
    process.stdout.write(`saved ${file}; replay it with:\n  netsplit run ${file} --seed ${result.failure.seed}\n`);
    process.stdout.write(
      `or repeat the search with:\n  netsplit check --seed ${seed} --runs ${runs}${roomVersion ? ` --room-version ${roomVersion}` : ""}\n`,
    );
    return EXIT.failed;
  },
};

function parseRequired(text: string, i: number): Check {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--require #${i + 1}: not valid JSON (${(e as Error).message})`);
  }
  try {
    return parseCheck(json, `--require #${i + 1}`);
  } catch (e) {
    if (e instanceof ScenarioError) throw new UsageError(e.message);
    throw e;
  }
}

function shape(s: JsonScenario): string {
  const count = (verbs: string[]) => s.timeline.filter((a) => verbs.includes(a.do)).length;
  const actions =
    s.timeline.length - count(["createRoom", "partition", "repair", "crash", "restart"]) - (s.users.length - 1);
  return `${s.servers.length} servers, ${actions} client actions, ${count(["partition"])} partitions, ${count(["crash"])} crashes`;
}

export function save(dir: string, file: string, text: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    writeFileAtomic(file, text);
  } catch (e) {
    throw new UsageError(`cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
