// `netsplit sweep <scenario> --seeds A..B`: many seeds on worker threads, one JSON line
// per seed (appended in seed order as they finish, so a crash loses nothing finished;
// a re-run with the same --out skips what is there), then a summary.

import { availableParallelism } from "node:os";
import { DEFAULT_ROOM_VERSION } from "../../sim/index.ts";
import {
  intOption,
  parseCommandArgs,
  requireFullTrace,
  seeHelp,
  roomVersionOption,
  traceRetentionFor,
  traceRetentionOption,
} from "../args.ts";
import { EXIT, UsageError, type Command } from "../command.ts";
import { loadScenario } from "../load-scenario.ts";
import { checkOutputFile } from "../output-path.ts";
import { checkResultsKey, lockResults, scenarioHash } from "../sweep/results-guard.ts";
import { netsplitVersion } from "../version.ts";
import { runSeedsOnWorkers } from "../sweep/pool.ts";
import { Progress } from "../sweep/progress.ts";
import { readResultsIfAny, ResultsAppender, strictlyIncreasing, writeResultsSorted } from "../sweep/results-file.ts";
import type { SweepOptions } from "../sweep/run-seed.ts";
import {
  checkSliceSize,
  formatRange,
  parseSeedRange,
  parseShard,
  seedsOf,
  shardRange,
  type SeedRange,
} from "../sweep/seed-range.ts";
import { shardFromEnv } from "../sweep/shard-env.ts";
import { formatSummary, summarise } from "../sweep/summary.ts";
import { formatLine, sweepKind, type SweepLine } from "../sweep/sweep-line.ts";

const HELP = `usage: netsplit sweep <scenario> --seeds A..B [options]

Run a scenario with every seed of a range on worker threads. Writes one JSON line per
seed (sorted by seed; the same bytes whatever the number of workers), shows progress on
stderr, and ends with a summary: convergence rate, time to converge (p50/p95/p99/max)
and the failing seeds with the command that replays one.

options:
  --seeds A..B           the seeds to run, both included (e.g. 1..1000)
  --workers N            worker threads (default and most: one per CPU)
  --out <file>           write the lines here (default: standard output, with the summary
                         on stderr); seeds already in the file are skipped
  --resume               continue the sweep in --out, which must exist
  --shard I/N            run only slice I (0-based) of N equal slices of the range
  --shards N             the number of slices when the slice comes from
                         JOB_COMPLETION_INDEX (Kubernetes); or set NETSPLIT_SHARDS
  --room-version <v>     rooms that do not name their version use this one
  --no-signing           do not sign or verify events (faster)
  --check-determinism    run each seed twice; a seed whose two traces differ fails
  --trace-retention <r>  what each run's trace keeps: full, hash-only (the same trace hash, less
                         memory) or none (no hash: traceHash is null); by default full when something
                         reads the records (--check-determinism, the scenario's trace, event or own
                         checks), hash-only otherwise
  --json                 print the summary as one JSON object
  -h, --help             this help

In a Slurm array job (SLURM_ARRAY_TASK_ID) or a Kubernetes indexed Job
(JOB_COMPLETION_INDEX) the slice is read from the environment unless --shard is
given; \`netsplit merge\` combines the slices' files. See docs/cli.md.

exit codes: 0 every seed passed, 1 some seed failed, 2 bad input`;

export const sweepCommand: Command = {
  async run(args) {
    const parsed = parseCommandArgs(
      args,
      {
        seeds: { type: "string" },
        workers: { type: "string" },
        out: { type: "string" },
        resume: { type: "boolean" },
        shard: { type: "string" },
        shards: { type: "string" },
        "room-version": { type: "string" },
        "no-signing": { type: "boolean" },
        "check-determinism": { type: "boolean" },
        "trace-retention": { type: "string" },
        json: { type: "boolean" },
      },
      HELP,
    );
    if (!parsed) return EXIT.ok;
    const { values, positionals } = parsed;
    if (positionals.length > 1)
      throw new UsageError(`expected one scenario, got ${positionals.length} ${seeHelp(HELP)}`);
    const { ref, scenario } = loadScenario(positionals[0]);
    const roomVersion = roomVersionOption(values["room-version"]);
    const workers = workerCount(values.workers);
    const traceRetention = traceRetentionOption(values["trace-retention"]);
    if (values["check-determinism"]) requireFullTrace(traceRetention, "--check-determinism");
    const whole = parseSeedRange(values.seeds);
    const range = sliceOf(whole, values.shard, intOption(values.shards, "shards", 0, 1) || undefined);
    checkSliceSize(whole.last - whole.first + 1, range, "seeds", `seeds ${formatRange(whole)}`);
    const options: SweepOptions = {
      ...(roomVersion ? { roomVersion } : {}),
      ...(values["no-signing"] ? { signing: false } : {}),
      checkDeterminism: values["check-determinism"] ?? false,
      traceRetention: traceRetentionFor(traceRetention, scenario, values["check-determinism"] === true),
    };
    const kind = sweepKind({
      scenario: scenario.name,
      roomVersion: roomVersion ?? scenario.roomVersion ?? DEFAULT_ROOM_VERSION,
      signing: options.signing ?? scenario.signing ?? true,
    });

    const out = values.out;
    if (values.resume && out === undefined) throw new UsageError("--resume needs --out <file> (the sweep to continue)");
    if (out !== undefined) checkOutputFile(out, "--out");
    // Held until the process exits: no other sweep appends to the file meanwhile.
    const release = out === undefined ? undefined : lockResults(out);
    try {
      return await sweepInto(out, values, positionals, { ref, scenario, kind, workers, range, options });
    } finally {
      release?.();
    }
  },
};

interface SweepPlan {
  ref: ReturnType<typeof loadScenario>["ref"];
  scenario: ReturnType<typeof loadScenario>["scenario"];
  kind: string;
  workers: number;
  range: SeedRange | null;
  options: SweepOptions;
}

async function sweepInto(
  out: string | undefined,
  values: { resume?: boolean; json?: boolean },
  positionals: readonly string[],
  { ref, scenario, kind, workers, range, options }: SweepPlan,
): Promise<number> {
  const existing = out === undefined ? undefined : readResultsIfAny(out);
  if (values.resume && !existing)
    throw new UsageError(`--resume: ${out} does not exist (leave out --resume to start it)`);
  const done = new Map<number, SweepLine>();
  for (const line of existing?.lines.values() ?? []) {
    if (sweepKind(line) !== kind)
      throw new UsageError(`${out} holds runs of ${sweepKind(line)}, not ${kind}: use another --out, or delete it`);
    done.set(line.seed, line);
  }
  if (out !== undefined)
    checkResultsKey(
      out,
      { netsplit: netsplitVersion(), scenario: scenario.name, scenarioHash: scenarioHash(scenario) },
      done.size > 0,
    );
  const todo = seedsOf(range).filter((s) => !done.has(s));
  if (existing && todo.length < seedsOf(range).length)
    process.stderr.write(
      `${out}: ${seedsOf(range).length - todo.length} seed(s) of ${range ? formatRange(range) : "the range"} already done\n`,
    );

  const sink = out === undefined ? undefined : new ResultsAppender(out, existing?.wholeBytes);
  const write = (line: SweepLine) => (sink ? sink.append(line) : process.stdout.write(formatLine(line) + "\n"));
  const progress = new Progress(todo.length, process.stderr, () => performance.now(), scenario.name);
  const inOrder = inSeedOrder(todo, (line) => {
    done.set(line.seed, line);
    write(line);
  });
  try {
    await runSeedsOnWorkers(ref, todo, options, workers, (line) => {
      progress.tick();
      inOrder(line);
    });
  } finally {
    progress.finish();
    sink?.close();
  }
  // The file is in seed order unless a resumed sweep added seeds before those it held.
  const fileOrder = [...(existing?.lines.keys() ?? []), ...todo];
  if (out !== undefined && !strictlyIncreasing(fileOrder)) writeResultsSorted(out, done.values());

  const inRange = [...done.values()].filter((l) => range !== null && l.seed >= range.first && l.seed <= range.last);
  const summary = summarise(inRange, range);
  const text = values.json
    ? JSON.stringify(summary)
    : formatSummary(summary, (seed) => reproduceCommand(positionals[0]!, seed, options));
  (out === undefined ? process.stderr : process.stdout).write(text + "\n");
  return summary.failedSeeds.length === 0 ? EXIT.ok : EXIT.failed;
}

/**
 * --workers, at most one per CPU: each worker holds a whole engine (about 40 MB), and more
 * workers than CPUs only share them. A larger number is lowered, with a message.
 */
export function workerCount(flag: string | undefined, cpus = availableParallelism()): number {
  const asked = intOption(flag, "workers", cpus, 1);
  if (asked <= cpus) return asked;
  process.stderr.write(
    `netsplit sweep: --workers ${asked} is more than the ${cpus} CPU${cpus === 1 ? "" : "s"} here; using ${cpus}\n`,
  );
  return cpus;
}

/** The range this process runs: all of it, or its shard (from --shard or the environment). */
function sliceOf(range: SeedRange, shardFlag: string | undefined, shardsFlag: number | undefined): SeedRange | null {
  const shard = shardFlag !== undefined ? parseShard(shardFlag) : shardFromEnv(process.env, shardsFlag);
  if (!shard) {
    if (shardsFlag !== undefined)
      throw new UsageError(
        "--shards N counts the slices of a Kubernetes indexed Job, but JOB_COMPLETION_INDEX is not set: use --shard I/N",
      );
    return range;
  }
  const slice = shardRange(range, shard);
  process.stderr.write(
    `shard ${shard.index}/${shard.count} (from ${shard.from}) of ${formatRange(range)}: ${slice ? `seeds ${formatRange(slice)}` : "no seeds"}\n`,
  );
  return slice;
}

/**
 * Hand lines on in the order of `seeds`, whatever order they finish in: a line waits
 * until every seed before it is done (at most about one line per worker waits).
 */
export function inSeedOrder(seeds: readonly number[], emit: (line: SweepLine) => void): (line: SweepLine) => void {
  const waiting = new Map<number, SweepLine>();
  let next = 0;
  return (line) => {
    waiting.set(line.seed, line);
    while (next < seeds.length && waiting.has(seeds[next]!)) {
      emit(waiting.get(seeds[next]!)!);
      waiting.delete(seeds[next]!);
      next++;
    }
  };
}

/** The `netsplit run` command that replays one seed of a sweep. */
export function reproduceCommand(scenarioArg: string, seed: number, options: SweepOptions): string {
  return [
    "netsplit run",
    /^[\w./-]+$/.test(scenarioArg) ? scenarioArg : JSON.stringify(scenarioArg),
    `--seed ${seed}`,
    ...(options.roomVersion ? [`--room-version ${options.roomVersion}`] : []),
    ...(options.signing === false ? ["--no-signing"] : []),
    ...(options.checkDeterminism ? ["--check-determinism"] : []),
  ].join(" ");
}
