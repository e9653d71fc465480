// `netsplit experiment exp.json --out DIR`: every cell of an experiment's grid with every
// seed, on worker threads (the sweep's pool), into DIR/runs.jsonl (one line per cell and
// seed, resumable, sliceable with --shard like a sweep), then DIR/summary.csv, the
// plots as SVG and the `expect` block's verdict. `--merge` combines the runs files of
// shards instead of running anything.

import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { ExperimentLine } from "../../scenarios/experiment/run-metrics.ts";
import { cellsOf, parseExperiment, type ExperimentSpec } from "../../scenarios/experiment/spec.ts";
import { checkExpectations, summariseCells, summaryCsv } from "../../scenarios/experiment/summary.ts";
import { ScenarioError } from "../../scenarios/runner/scenario-error.ts";
import { intOption, parseCommandArgs, seeHelp } from "../args.ts";
import { writeFileAtomic } from "../atomic-write.ts";
import { EXIT, UsageError, type Command } from "../command.ts";
import { renderPlots } from "../experiment/plots.ts";
import {
  experimentWorkerScript,
  jobNumber,
  jobOf,
  type ExperimentJob,
  type ExperimentReply,
} from "../experiment/jobs.ts";
import { readRuns, readRunsIfAny, RunsAppender, writeRunsSorted } from "../experiment/runs-file.ts";
import { checkOutputDirectory } from "../output-path.ts";
import { readJsonFile } from "../read-json.ts";
import { runJobsOnWorkers } from "../sweep/job-pool.ts";
import { Progress } from "../sweep/progress.ts";
import { checkResultsKey, lockResults, scenarioHash } from "../sweep/results-guard.ts";
import { netsplitVersion } from "../version.ts";
import { checkSliceSize, formatRange, parseShard, shardRange, type SeedRange } from "../sweep/seed-range.ts";
import { shardFromEnv } from "../sweep/shard-env.ts";
import { workerCount } from "./sweep.ts";

const HELP = `usage: netsplit experiment <experiment.json> --out <dir> [options]

Run every cell of an experiment's grid with every seed (docs/experiments.md) on worker
threads. Writes <dir>/runs.jsonl (one line per cell and seed, sorted; the same bytes
whatever the number of workers), <dir>/summary.csv (per cell and metric: n, mean,
standard error, p50, p95, max) and one SVG per plot, and checks the expect block.

options:
  --out <dir>      where the files go (created if missing); runs already in
                   <dir>/runs.jsonl are skipped
  --workers N      worker threads (default and most: one per CPU)
  --resume         continue the experiment in --out, which must hold runs.jsonl
  --shard I/N      run only slice I (0-based) of N equal slices of the (cell, seed) runs
  --shards N       the number of slices when the slice comes from JOB_COMPLETION_INDEX
  --merge <file>   instead of running: combine these runs files (repeat the option)
  --quick          the file's small sizes (its "quick" block), for tests
  -h, --help       this help

In a Slurm array job (SLURM_ARRAY_TASK_ID) or a Kubernetes indexed Job
(JOB_COMPLETION_INDEX) the slice is read from the environment unless --shard is given.
A slice writes only runs.jsonl; merge the slices' files with --merge to get the rest.

exit codes: 0 done (and every expectation held), 1 a cell outside its expectation,
2 bad input`;

export const experimentCommand: Command = {
  async run(args) {
    const parsed = parseCommandArgs(
      args,
      {
        out: { type: "string" },
        workers: { type: "string" },
        resume: { type: "boolean" },
        shard: { type: "string" },
        shards: { type: "string" },
        merge: { type: "string", multiple: true },
        quick: { type: "boolean" },
      },
      HELP,
    );
    if (!parsed) return EXIT.ok;
    const { values, positionals } = parsed;
    if (positionals.length !== 1)
      throw new UsageError(`expected one experiment file, got ${positionals.length} ${seeHelp(HELP)}`);
    const file = positionals[0]!;
    const spec = loadExperiment(file, values.quick ?? false);
    const out = values.out;
    if (out === undefined) throw new UsageError(`--out <dir> is required ${seeHelp(HELP)}`);
    checkOutputDirectory(out, "--out");
    mkdirSync(out, { recursive: true });
    const runsPath = join(out, "runs.jsonl");
    const release = lockResults(runsPath);
    try {
      if (values.merge) return mergeRuns(spec, values.merge, out);
      const total = cellsOf(spec.grid).length * spec.seeds;
      const slice = sliceOf(total, values.shard, intOption(values.shards, "shards", 0, 1) || undefined);
      checkSliceSize(total, slice.range, "runs", `${total} runs of ${file}`);
      const lines = await runInto(spec, runsPath, slice, {
        resume: values.resume ?? false,
        workers: workerCount(values.workers),
      });
      return slice.whole ? finish(spec, lines, out) : EXIT.ok;
    } finally {
      release();
    }
  },
};

function loadExperiment(file: string, quick: boolean): ExperimentSpec {
  try {
    return parseExperiment(readJsonFile(file), file, { quick });
  } catch (e) {
    if (e instanceof ScenarioError) throw new UsageError(e.message);
    throw e;
  }
}

interface Slice {
  range: SeedRange | null;
  whole: boolean;
}

/** The job numbers this process runs: all, or its shard's slice (from --shard or the environment). */
function sliceOf(total: number, shardFlag: string | undefined, shardsFlag: number | undefined): Slice {
  const range = { first: 0, last: total - 1 };
  const shard = shardFlag !== undefined ? parseShard(shardFlag) : shardFromEnv(process.env, shardsFlag);
  if (!shard) {
    if (shardsFlag !== undefined)
      throw new UsageError(
        "--shards N counts the slices of a Kubernetes indexed Job, but JOB_COMPLETION_INDEX is not set",
      );
    return { range, whole: true };
  }
  const slice = shardRange(range, shard);
  process.stderr.write(
    `shard ${shard.index}/${shard.count} (from ${shard.from}) of ${total} runs: ${slice ? `runs ${formatRange(slice)}` : "none"}\n`,
  );
  return { range: slice, whole: shard.count === 1 };
}

async function runInto(
  spec: ExperimentSpec,
  runsPath: string,
  slice: Slice,
  options: { resume: boolean; workers: number },
): Promise<Map<number, ExperimentLine>> {
  const existing = readRunsIfAny(runsPath, spec);
  if (options.resume && !existing)
    throw new UsageError(`--resume: ${runsPath} does not exist (leave out --resume to start it)`);
  const done = new Map(existing?.lines ?? []);
  checkResultsKey(runsPath, runsKey(spec), done.size > 0);
  const wanted = slice.range ? numbers(slice.range) : [];
  const todo = wanted.filter((n) => !done.has(n));
  if (existing && todo.length < wanted.length)
    process.stderr.write(`${runsPath}: ${wanted.length - todo.length} of ${wanted.length} runs already done\n`);
  const cells = cellsOf(spec.grid);
  const sink = new RunsAppender(runsPath, existing?.wholeBytes);
  const progress = new Progress(todo.length, process.stderr, () => performance.now(), spec.name, "runs");
  const inOrder = inJobOrder(todo, (n, line) => {
    done.set(n, line);
    sink.append(line);
  });
  const script = experimentWorkerScript();
  try {
    await runJobsOnWorkers<ExperimentJob, ExperimentReply>(
      script.file,
      { ...(script.entry ? { entry: script.entry } : {}), spec },
      todo.map((n) => jobOf(n, spec.seeds)),
      options.workers,
      ({ line }) => {
        const params = Object.entries(cells[line.cell]!)
          .map(([k, v]) => `${k}=${v}`)
          .join(" ");
        progress.tick(`cell ${line.cell} (${params}) seed ${line.seed}`);
        inOrder(jobNumber(line, spec.seeds), line);
      },
    );
  } finally {
    progress.finish();
    sink.close();
  }
  writeRunsSorted(runsPath, done);
  return done;
}

/** What the runs depend on (not the seeds' count, the plots or the expect block): a resume must not mix two experiments. */
function runsKey(spec: ExperimentSpec) {
  const {
    name,
    world,
    traffic,
    partition,
    grid,
    warmupMs,
    horizonMs,
    sampleEveryMs,
    convergenceBudgetMs,
    traceRetention,
  } = spec;
  return {
    netsplit: netsplitVersion(),
    scenario: name,
    scenarioHash: scenarioHash({
      world,
      traffic,
      partition,
      grid,
      warmupMs,
      horizonMs,
      sampleEveryMs,
      convergenceBudgetMs,
      traceRetention,
    }),
  };
}

/** Hand lines on in job order, whatever order they finish in. */
function inJobOrder(
  jobs: readonly number[],
  emit: (n: number, line: ExperimentLine) => void,
): (n: number, line: ExperimentLine) => void {
  const waiting = new Map<number, ExperimentLine>();
  let next = 0;
  return (n, line) => {
    waiting.set(n, line);
    while (next < jobs.length && waiting.has(jobs[next]!)) {
      emit(jobs[next]!, waiting.get(jobs[next]!)!);
      waiting.delete(jobs[next]!);
      next++;
    }
  };
}

function numbers(range: SeedRange): number[] {
  return Array.from({ length: range.last - range.first + 1 }, (_, i) => range.first + i);
}

/** --merge: the runs files of shards as one (a run in two files must be the same line in both). */
function mergeRuns(spec: ExperimentSpec, files: readonly string[], out: string): number {
  const merged = new Map<number, ExperimentLine>();
  for (const f of files) {
    if (!existsSync(f)) throw new UsageError(`--merge ${f}: no such file`);
    for (const [n, line] of readRuns(f, spec).lines) {
      const earlier = merged.get(n);
      if (earlier && JSON.stringify(earlier) !== JSON.stringify(line))
        throw new UsageError(
          `cell ${line.cell} seed ${line.seed} differs between ${f} and an earlier file: refusing to merge`,
        );
      merged.set(n, line);
    }
  }
  const runsPath = join(out, "runs.jsonl");
  // Merging into the directory that holds one of the inputs reads it first, then replaces it.
  writeRunsSorted(runsPath, merged);
  const total = cellsOf(spec.grid).length * spec.seeds;
  if (merged.size < total) process.stderr.write(`merged ${merged.size} of ${total} runs; the summary covers those\n`);
  return finish(spec, merged, out);
}

/** summary.csv, the plots and the expect block, from every run. */
function finish(spec: ExperimentSpec, runs: ReadonlyMap<number, ExperimentLine>, out: string): number {
  const lines = [...runs.keys()].sort((a, b) => a - b).map((n) => runs.get(n)!);
  const cells = summariseCells(spec, lines);
  writeFileAtomic(join(out, "summary.csv"), summaryCsv(spec, cells));
  for (const [name, svg] of renderPlots(spec, cells, lines)) writeFileAtomic(join(out, name), svg);
  const verdicts = checkExpectations(spec, cells);
  const failed = verdicts.filter((v) => !v.ok);
  const total = cellsOf(spec.grid).length * spec.seeds;
  process.stdout.write(
    `${spec.name}: ${lines.length}/${total} runs, ${cells.length} cells → ${join(out, "summary.csv")}` +
      `${spec.plots?.length ? `, ${spec.plots.length} plot(s)` : ""}\n`,
  );
  for (const v of verdicts) {
    const params = Object.entries(v.params)
      .map(([k, x]) => `${k}=${x}`)
      .join(" ");
    process.stdout.write(
      `  ${v.ok ? "ok  " : "FAIL"} ${v.metric} [${params}]: mean ${v.mean.toFixed(4)} ± ${v.se.toFixed(4)} (SE), expected ${v.expected.toFixed(4)}, ${Number.isFinite(v.distanceSE) ? v.distanceSE.toFixed(2) : "∞"} SE away\n`,
    );
  }
  if (verdicts.length > 0)
    process.stdout.write(`expect: ${verdicts.length - failed.length}/${verdicts.length} cells within tolerance\n`);
  return failed.length === 0 ? EXIT.ok : EXIT.failed;
}
