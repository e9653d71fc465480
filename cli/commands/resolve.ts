// `netsplit resolve <fixture.json>`: run state resolution on a fixture and print the
// resolved state, the explanation, or the comparison with the fixture's expectation.

import {
  diffStates,
  explainFixture,
  FixtureError,
  parseFixture,
  resolveFixture,
  stateMapToObject,
  type Fixture,
  type ResolutionExplanation,
  type StateMap,
} from "../../core/index.ts";
import { parseCommandArgs, roomVersionRecordOption, seeHelp } from "../args.ts";
import { EXIT, UsageError, type Command } from "../command.ts";
import { formatExplanation, formatStateTable } from "../format-resolution.ts";
import { readJsonFile } from "../read-json.ts";

const HELP = `usage: netsplit resolve <fixture.json> [options]

Resolve the state of a room from a fixture (format: docs/fixtures.md).

options:
  --json                 print {"state": {type: {state_key: event_id}}}
  --explain              also print how resolution decided (conflicted set, power
                         events, mainline, each event's auth check)
  --expect               compare with the fixture's "expected" state; exit 1 and
                         name the differing keys when they differ
  --room-version <v>     resolve under another room version than the fixture's
  -h, --help             this help

exit codes: 0 resolved (and as expected), 1 differs from "expected", 2 bad input`;

export const resolveCommand: Command = {
  async run(args) {
    const parsed = parseCommandArgs(
      args,
      {
        json: { type: "boolean" },
        explain: { type: "boolean" },
        expect: { type: "boolean" },
        "room-version": { type: "string" },
      },
      HELP,
    );
    if (!parsed) return EXIT.ok;
    const { values, positionals } = parsed;
    if (positionals.length !== 1) throw new UsageError(`expected one fixture file ${seeHelp(HELP)}`);
    const fixture = loadFixture(positionals[0]!, values["room-version"]);

    let state: StateMap;
    let explanation: ResolutionExplanation | undefined;
    if (values.explain) ({ state, explanation } = explainFixture(fixture));
    else state = resolveFixture(fixture);

    if (values.json) {
      process.stdout.write(
        JSON.stringify({ state: stateMapToObject(state), ...(explanation ? { explanation } : {}) }, null, 2) + "\n",
      );
    } else {
      process.stdout.write(
        `${fixture.source}: room version ${fixture.roomVersion.id}, ${fixture.events.size} events\n\n`,
      );
      process.stdout.write(formatStateTable(state) + "\n");
      if (explanation) process.stdout.write("\n" + formatExplanation(explanation) + "\n");
    }
    if (!values.expect) return EXIT.ok;
    if (!fixture.expected) throw new UsageError(`${fixture.source}: --expect needs an "expected" state in the fixture`);
    const diff = diffStates(fixture.expected, state);
    if (diff.length === 0) {
      if (!values.json) process.stdout.write("\nas expected\n");
      return EXIT.ok;
    }
    process.stderr.write(`${fixture.source}: the resolved state differs from "expected" in ${diff.length} key(s):\n`);
    for (const d of diff)
      process.stderr.write(
        `  ${d.type} ${JSON.stringify(d.stateKey)}: expected ${d.expected ?? "(absent)"}, got ${d.got ?? "(absent)"}\n`,
      );
    return EXIT.failed;
  },
};

function loadFixture(path: string, roomVersion: string | undefined): Fixture {
  const json = readJsonFile(path);
  const override = roomVersionRecordOption(roomVersion);
  try {
    return parseFixture(json, path, override);
  } catch (e) {
    if (e instanceof FixtureError) throw new UsageError(e.message);
    throw new UsageError(`${path}: ${(e as Error).message}`);
  }
}
