// `netsplit difftest --resolver "<command>"`: differential testing of another
// implementation's state resolution. Random forked-room fixtures (scenarios/generators/
// fixture-arbitraries.ts) go to the external command and to netsplit's own resolver; the first
// fixture on which they differ is shrunk to a minimal one and saved, with netsplit's
// answer as its "expected" state, so `netsplit resolve --expect` and the other
// implementation's test suite can both replay it.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { checkOutputDirectory } from "../output-path.ts";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { diffStates, parseFixture, resolveFixture, type StateDifference, type StateMap } from "../../core/index.ts";
import { buildFixture, fixtureArbitrary, type FixtureJson } from "../../scenarios/generators/fixture-arbitraries.ts";
import { intOption, parseCommandArgs, seedOption, seeHelp, roomVersionOption } from "../args.ts";
import { EXIT, UsageError, type Command } from "../command.ts";
import { runResolver, COMMAND_NOT_FOUND } from "../external-resolver.ts";
import { formatJsonForReading } from "../format-json.ts";
import { freshSeed, searchCounterexample } from "../property-search.ts";
import { save } from "./check.ts";

const HELP = `usage: netsplit difftest --resolver "<command>" [options]

Compare another implementation's state resolution with netsplit's on random
forked-room fixtures (valid events; forks and merges of random shape; power
struggles, bans, joins, join-rule changes). The command is run through sh with the
fixture's path as its last argument, and prints the resolved state on stdout as
{"state": {type: {state_key: event_id}}} or as a list of event ids (docs/cli.md). On a
difference the fixture is shrunk to a minimal one and saved with netsplit's answer as
"expected".

options:
  --resolver <command>   the other implementation's resolver (required), e.g.
                         "npm run --silent netsplit -- resolve --json"
  --runs N               how many fixtures to try (default 100)
  --seed S               the search's seed (default: a new one, printed)
  --out <dir>            where a differing fixture is saved (default: .)
  --room-version <v>     generate rooms of this version only (default: 10, 11, 12)
  --timeout-ms N         a resolver run longer than this fails (default 60000)
  -h, --help             this help

exit codes: 0 no difference, 1 a difference was found and saved, 2 bad input`;

type Failure =
  | { kind: "differs"; differences: StateDifference[]; ours: StateMap }
  | { kind: "failed"; problem: string; ours: StateMap };

export const difftestCommand: Command = {
  async run(args) {
    const parsed = parseCommandArgs(
      args,
      {
        resolver: { type: "string" },
        runs: { type: "string" },
        seed: { type: "string" },
        out: { type: "string" },
        "room-version": { type: "string" },
        "timeout-ms": { type: "string" },
      },
      HELP,
    );
    if (!parsed) return EXIT.ok;
    const { values, positionals } = parsed;
    if (positionals.length > 0)
      throw new UsageError(`difftest takes no arguments besides its options ${seeHelp(HELP)}`);
    const command = values.resolver?.trim();
    if (!command) throw new UsageError(`--resolver "<command>" is required ${seeHelp(HELP)}`);
    const runs = intOption(values.runs, "runs", 100, 1);
    const seed = seedOption(values.seed, "seed", freshSeed());
    const roomVersion = roomVersionOption(values["room-version"]);
    const timeoutMs = intOption(values["timeout-ms"], "timeout-ms", 60_000, 1);
    const out = values.out ?? ".";
    checkOutputDirectory(out, "--out");

    const dir = mkdtempSync(join(tmpdir(), "netsplit-difftest-"));
    const path = join(dir, "fixture.json");
    const compare = (json: FixtureJson): Failure | null => {
      writeFileSync(path, JSON.stringify(json));
      const fixture = parseFixture(json, path);
      const ours = resolveFixture(fixture);
      const theirs = runResolver(command, path, fixture, { timeoutMs });
      if (!theirs.ok) return { kind: "failed", problem: theirs.problem, ours };
      const differences = diffStates(ours, theirs.state);
      return differences.length === 0 ? null : { kind: "differs", differences, ours };
    };
    try {
      preflight(command, path, timeoutMs);
      process.stderr.write(`netsplit difftest: ${runs} random fixtures, seed ${seed}, resolver: ${command}\n`);
      const arbitrary = fixtureArbitrary(roomVersion ? { roomVersions: [roomVersion] } : {});
      const result = searchCounterexample(arbitrary, compare, {
        seed,
        runs,
        onFailure: (run) => process.stderr.write(`fixture ${run} differs; shrinking…\n`),
      });
      if (!result.found) {
        process.stdout.write(
          `✓ ${result.runs} random fixtures: the resolver agrees with netsplit on every one (seed ${seed})\n`,
        );
        return EXIT.ok;
      }
      const file = join(out, `netsplit-difftest-${seed}.json`);
      const { failure } = result;
      const summary =
        failure.kind === "failed"
          ? failure.problem
          : `it differs from netsplit in ${failure.differences.map((d) => `${d.type} ${JSON.stringify(d.stateKey)}`).join(", ")}`;
      const saved: FixtureJson = {
        ...result.value,
        description: `Found by netsplit difftest --seed ${seed} (fixture ${result.run}, shrunk ${result.shrinks} times) with the resolver \`${command}\`: ${summary}. "expected" is netsplit's resolution. ${result.value.description}`,
        expected: [...failure.ours.values()].sort(),
      };
      save(out, file, formatJsonForReading(saved) + "\n");
      process.stdout.write(
        `✗ fixture ${result.run} of ${runs} (search seed ${seed}), shrunk ${result.shrinks} times to ${result.value.events.length} events:\n`,
      );
      if (failure.kind === "failed") process.stdout.write(`  ${failure.problem}\n`);
      else
        for (const d of failure.differences)
          process.stdout.write(
            `  ${d.type} ${JSON.stringify(d.stateKey)}: netsplit ${d.expected ?? "(absent)"}, resolver ${d.got ?? "(absent)"}\n`,
          );
      process.stdout.write(
        `saved ${file}; replay it with:\n  ${command} ${file}\n  netsplit resolve --expect --explain ${file}\n`,
      );
      process.stdout.write(
        `or repeat the search with:\n  netsplit difftest --resolver ${JSON.stringify(command)} --seed ${seed} --runs ${runs}${roomVersion ? ` --room-version ${roomVersion}` : ""}\n`,
      );
      return EXIT.failed;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

/** A resolver command that does not exist is bad input, not a difference to shrink. */
function preflight(command: string, path: string, timeoutMs: number): void {
  const json = buildFixture({ roomVersion: "11", users: 1, levels: [], ops: [] });
  writeFileSync(path, JSON.stringify(json));
  const r = runResolver(command, path, parseFixture(json, path), { timeoutMs });
  if (r.status === COMMAND_NOT_FOUND)
    throw new UsageError(
      `--resolver: ${r.ok ? "the command was not found" : r.problem} (is ${JSON.stringify(command.split(/\s+/)[0])} on the PATH?)`,
    );
}
