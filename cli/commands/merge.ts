// `netsplit merge a.jsonl b.jsonl …`: the shards of a sweep as one. A seed in two files
// must have the same line in both (a different one means the runs were not the same:
// another version of netsplit, other options, or a determinism bug), and every file
// must be a sweep of the same scenario with the same options.

import { statSync } from "node:fs";
import { parseCommandArgs, seeHelp } from "../args.ts";
import { EXIT, UsageError, type Command } from "../command.ts";
import { readResults, writeResultsSorted } from "../sweep/results-file.ts";
import { formatSummary, summarise } from "../sweep/summary.ts";
import { sweepKind, type SweepLine } from "../sweep/sweep-line.ts";
import { reproduceCommand } from "./sweep.ts";

const HELP = `usage: netsplit merge <results.jsonl>... [options]

Combine the results files of a sweep's shards (\`netsplit sweep --shard I/N --out …\`)
into one summary, and optionally one file sorted by seed. Refuses files of different
scenarios or options, and a seed whose lines differ between files. Seeds missing
between the smallest and the largest are listed.

options:
  --out <file>    write every line, sorted by seed, to this file
  --json          print the summary as one JSON object
  -h, --help      this help

exit codes: 0 every seed passed, 1 some seed failed, 2 bad input (or files that disagree)`;

export const mergeCommand: Command = {
  name: "merge",
  summary: "combine the results files of a sweep's shards into one summary",
  async run(args) {
    const parsed = parseCommandArgs(args, { out: { type: "string" }, json: { type: "boolean" } }, HELP);
    if (!parsed) return EXIT.ok;
    const { values, positionals: files } = parsed;
    if (files.length === 0) throw new UsageError(`give at least one results file ${seeHelp(HELP)}`);
    const merged = new Map<number, { line: SweepLine; file: string }>();
    let kind: { text: string; file: string } | undefined;
    for (const file of files) {
      const results = readFile(file);
      if (results.wholeBytes < statSync(file).size) process.stderr.write(`${file}: the last line is cut off (a crash while writing?); its seed is left out\n`);
      for (const line of results.lines.values()) {
        const k = sweepKind(line);
        kind ??= { text: k, file };
        if (k !== kind.text) throw new UsageError(`${file} holds runs of ${k}, but ${kind.file} holds runs of ${kind.text}`);
        const earlier = merged.get(line.seed);
        if (earlier) {
          const field = firstDifferentField(earlier.line, line);
          if (field !== undefined) throw new UsageError(`seed ${line.seed} differs between ${earlier.file} and ${file} (${field}): refusing to merge`);
        } else merged.set(line.seed, { line, file });
      }
    }
    const lines = [...merged.values()].map((m) => m.line);
    if (values.out !== undefined) {
      try {
        writeResultsSorted(values.out, lines);
      } catch (e) {
        throw new UsageError(`cannot write ${values.out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
    }
    const seeds = lines.map((l) => l.seed);
    const range = seeds.length > 0 ? { first: Math.min(...seeds), last: Math.max(...seeds) } : null;
    const summary = summarise(lines, range);
    const first = lines[0];
    const reproduce = (seed: number) =>
      reproduceCommand(first?.scenario ?? "?", seed, { ...(first ? { roomVersion: first.roomVersion } : {}), ...(first?.signing === false ? { signing: false } : {}), checkDeterminism: first?.firstDifference !== undefined });
    process.stdout.write((values.json ? JSON.stringify(summary) : formatSummary(summary, reproduce)) + "\n");
    return summary.failedSeeds.length === 0 ? EXIT.ok : EXIT.failed;
  },
};

function readFile(file: string) {
  try {
    return readResults(file);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** The first field where two lines of one seed differ ("traceHash"), or undefined when they agree. */
function firstDifferentField(a: SweepLine, b: SweepLine): string | undefined {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return keys.find((k) => JSON.stringify((a as unknown as Record<string, unknown>)[k]) !== JSON.stringify((b as unknown as Record<string, unknown>)[k]));
}
