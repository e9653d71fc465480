// `netsplit run <scenario>`: one seed, headless, with the node:crypto backend; a readable
// summary or one JSON object, the trace as JSON Lines on request, and optionally a second
// run of the same seed to check that the two traces are identical.

import { TraceNotKeptError, traceToJsonLines } from "../../sim/index.ts";
import {
  parseCommandArgs,
  requireFullTrace,
  roomVersionOption,
  seedOption,
  seeHelp,
  traceRetentionFor,
  traceRetentionOption,
} from "../args.ts";
import { writeFileAtomic } from "../atomic-write.ts";
import { checkOutputFile } from "../output-path.ts";
import { EXIT, UsageError, type Command } from "../command.ts";
import { describeDifference, runTwice, runWithTrace, type TraceDifference } from "../determinism.ts";
import { formatReport } from "../format-report.ts";
import { loadScenario } from "../load-scenario.ts";
import { nodeCrypto } from "../node-crypto.ts";

const HELP = `usage: netsplit run <scenario> [options]

Run a scenario headless and print what happened. <scenario> is a shipped scenario's
name (see \`netsplit list\`) or the path of a JSON scenario file (docs/scenarios.md).

options:
  --seed <s>             the run's seed (default 1; digits only, no leading zeros): the same seed gives the same run
  --room-version <v>     rooms that do not name their version use this one
  --no-signing           do not sign or verify events (faster; hashes and auth still run)
  --trace <file>         write the trace as JSON Lines (docs/trace.md)
  --trace-retention <r>  what the trace keeps: full, hash-only (the same trace hash, records dropped
                         as they are hashed: memory does not grow with them) or none (no hash); by
                         default full when something reads the records (--trace, --check-determinism,
                         the scenario's trace, event or own checks), hash-only otherwise
  --json                 print the run report as one JSON object instead of the summary
  --check-determinism    run the seed twice and report the first trace record that differs
  -h, --help             this help

exit codes: 0 every check held, 1 a check failed (or the two runs differed), 2 bad input`;

export const runCommand: Command = {
  async run(args) {
    const parsed = parseCommandArgs(
      args,
      {
        seed: { type: "string" },
        "room-version": { type: "string" },
        "no-signing": { type: "boolean" },
        trace: { type: "string" },
        "trace-retention": { type: "string" },
        json: { type: "boolean" },
        "check-determinism": { type: "boolean" },
      },
      HELP,
    );
    if (!parsed) return EXIT.ok;
    const { values, positionals } = parsed;
    if (positionals.length > 1)
      throw new UsageError(`expected one scenario, got ${positionals.length} ${seeHelp(HELP)}`);
    // Kept as the text it was given (the run's seed is a string); the grammar makes it canonical.
    const seed = String(seedOption(values.seed, "seed", 1));
    const roomVersion = roomVersionOption(values["room-version"]);
    const traceRetention = traceRetentionOption(values["trace-retention"]);
    if (values.trace !== undefined) requireFullTrace(traceRetention, "--trace");
    if (values["check-determinism"]) requireFullTrace(traceRetention, "--check-determinism");
    if (values.trace !== undefined) checkOutputFile(values.trace, "--trace");
    const { scenario } = loadScenario(positionals[0]);
    const signing = values["no-signing"] ? false : (scenario.signing ?? true);
    const retention = traceRetentionFor(
      traceRetention,
      scenario,
      values.trace !== undefined || values["check-determinism"] === true,
    );
    const options = {
      seed,
      crypto: nodeCrypto,
      signing,
      ...(roomVersion ? { roomVersion } : {}),
      traceRetention: retention,
    };

    let run;
    let difference: TraceDifference | null = null;
    try {
      if (values["check-determinism"]) ({ difference, ...run } = runTwice(scenario, options));
      else run = runWithTrace(scenario, options);
    } catch (e) {
      if (e instanceof TraceNotKeptError)
        throw new UsageError(`${scenario.name}'s checks read the trace's records: run it with --trace-retention full`);
      process.stderr.write(
        `netsplit run: ${scenario.name} with seed ${seed} crashed: ${(e as Error).stack ?? String(e)}\n`,
      );
      return EXIT.failed;
    }
    const { report, trace } = run;
    if (values.trace !== undefined) {
      try {
        writeFileAtomic(values.trace, traceToJsonLines(trace!));
      } catch (e) {
        throw new UsageError(
          `cannot write the trace to ${values.trace}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        );
      }
    }
    const deterministic = values["check-determinism"]
      ? { determinism: { identical: difference === null, firstDifference: difference } }
      : {};
    if (values.json) process.stdout.write(JSON.stringify({ ...report, signing, ...deterministic }) + "\n");
    else {
      process.stdout.write(formatReport(report, { signing, hashed: retention !== "none" }) + "\n");
      if (values["check-determinism"])
        process.stdout.write(
          difference
            ? `\n✗ ${describeDifference(difference)}\n`
            : `✓ determinism: a second run gave the same ${report.traceRecords} records\n`,
        );
      if (values.trace !== undefined) process.stdout.write(`trace written to ${values.trace}\n`);
    }
    return report.passed && difference === null ? EXIT.ok : EXIT.failed;
  },
};
