// `netsplit merge a.jsonl b.jsonl …`: the shards of a sweep as one. A seed in two files
// must have the same line in both (a different one means the runs were not the same:
// another version of netsplit, other options, or a determinism bug), and every file
// must be a sweep of the same scenario with the same options.
//
// Streamed: a sweep leaves its file sorted by seed, so the files are merged like sorted
// runs, one line of each in memory at a time, and the summary is built as lines pass.
// A file that is not sorted (a resumed sweep killed before its final sort) is read
// whole and sorted instead; the merge starts again with it.

import { statSync } from "node:fs";
import { writeFileAtomic } from "../atomic-write.ts";
import { checkOutputFile } from "../output-path.ts";
import { parseCommandArgs, seeHelp } from "../args.ts";
import { EXIT, UsageError, type Command } from "../command.ts";
import { readLines } from "../sweep/line-reader.ts";
import { readResults, sortedLines } from "../sweep/results-file.ts";
import { formatSummary } from "../sweep/summary.ts";
import { SummaryBuilder } from "../sweep/summary-builder.ts";
import { formatLine, parseLine, sweepKind, type SweepLine } from "../sweep/sweep-line.ts";
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
  async run(args) {
    const parsed = parseCommandArgs(args, { out: { type: "string" }, json: { type: "boolean" } }, HELP);
    if (!parsed) return EXIT.ok;
    const { values, positionals: files } = parsed;
    if (files.length === 0) throw new UsageError(`give at least one results file ${seeHelp(HELP)}`);
    if (values.out !== undefined) checkOutputFile(values.out, "--out");
    const readWhole = new Set<string>();
    for (;;) {
      try {
        return mergeOnce(files, readWhole, values.out, values.json ?? false);
      } catch (e) {
        if (!(e instanceof UnsortedFile)) throw e;
        readWhole.add(e.file);
      }
    }
  },
};

class UnsortedFile extends Error {
  constructor(readonly file: string) {
    super(`${file} is not sorted by seed`);
  }
}

function mergeOnce(
  files: readonly string[],
  readWhole: ReadonlySet<string>,
  out: string | undefined,
  json: boolean,
): number {
  const builder = new SummaryBuilder();
  let first: SweepLine | undefined;
  const merged = mergedLines(files, readWhole, (line) => {
    first ??= line;
    builder.add(line);
  });
  if (out !== undefined) {
    try {
      writeFileAtomic(out, inPieces(merged));
    } catch (e) {
      if (e instanceof UsageError || e instanceof UnsortedFile) throw e;
      throw new UsageError(`cannot write ${out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  } else {
    // No file to write: the lines are only read, for the summary.
    for (let next = merged.next(); !next.done; next = merged.next());
  }
  const summary = builder.summary();
  const reproduce = (seed: number) =>
    reproduceCommand(first?.scenario ?? "?", seed, {
      ...(first ? { roomVersion: first.roomVersion } : {}),
      ...(first?.signing === false ? { signing: false } : {}),
      checkDeterminism: first?.firstDifference !== undefined,
    });
  process.stdout.write((json ? JSON.stringify(summary) : formatSummary(summary, reproduce)) + "\n");
  return summary.failedSeeds.length === 0 ? EXIT.ok : EXIT.failed;
}

/** Lines joined into pieces of about a megabyte: one write each, not one per line. */
function* inPieces(lines: Iterable<Formatted>): Generator<string> {
  let piece = "";
  for (const { text } of lines) {
    piece += text + "\n";
    if (piece.length >= 1 << 20) {
      yield piece;
      piece = "";
    }
  }
  if (piece !== "") yield piece;
}

/** A line and its text as formatLine writes it (formatted once: it is compared and written). */
interface Formatted {
  line: SweepLine;
  text: string;
}

interface Head extends Formatted {
  order: number;
  file: string;
  rest: Iterator<Formatted>;
}

/**
 * Every seed once, in seed order, from files each sorted by seed: the smallest head goes
 * next; a seed at the head of several files must have the same line in each.
 */
function* mergedLines(
  files: readonly string[],
  readWhole: ReadonlySet<string>,
  onLine: (line: SweepLine) => void,
): Generator<Formatted> {
  let kind: { text: string; file: string } | undefined;
  const heads: Head[] = [];
  const advance = (order: number, file: string, rest: Iterator<Formatted>) => {
    const next = rest.next();
    if (next.done) return;
    const { line, text } = next.value;
    const k = sweepKind(line);
    kind ??= { text: k, file };
    if (k !== kind.text)
      throw new UsageError(`${file} holds runs of ${k}, but ${kind.file} holds runs of ${kind.text}`);
    heads.push({ order, file, line, text, rest });
  };
  files.forEach((file, order) => advance(order, file, readWhole.has(file) ? wholeFile(file) : sortedFile(file)));
  while (heads.length > 0) {
    let min = heads[0]!;
    // The smallest seed; of equal seeds the file named first, so that messages name files in command-line order.
    for (const h of heads)
      if (h.line.seed < min.line.seed || (h.line.seed === min.line.seed && h.order < min.order)) min = h;
    const seed = min.line.seed;
    for (const h of heads.filter((x) => x.line.seed === seed)) {
      if (h.text !== min.text)
        throw new UsageError(
          `seed ${seed} differs between ${min.file} and ${h.file} (${firstDifferentField(min.line, h.line)}): refusing to merge`,
        );
    }
    onLine(min.line);
    yield min;
    const taken = heads.filter((x) => x.line.seed === seed);
    for (const h of taken) heads.splice(heads.indexOf(h), 1);
    for (const h of taken) advance(h.order, h.file, h.rest);
  }
}

/** A file's lines as they stream by; UnsortedFile when a seed comes before one already read. */
function* sortedFile(file: string): Generator<Formatted> {
  let previous: { seed: number; text: string } | undefined;
  try {
    for (const raw of readLines(file, () => tornTail(file))) {
      const line = parseLine(raw.text);
      if (typeof line === "string") throw new UsageError(`${file}:${raw.number}: ${line}`);
      const text = formatLine(line);
      if (previous && line.seed === previous.seed) {
        if (text !== previous.text)
          throw new UsageError(`${file}:${raw.number}: seed ${line.seed} appears twice with different results`);
        continue;
      }
      if (previous && line.seed < previous.seed) throw new UnsortedFile(file);
      previous = { seed: line.seed, text };
      yield { line, text };
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof UnsortedFile) throw e;
    throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** A file that is not sorted: read whole (readResults), then in seed order. */
function* wholeFile(file: string): Generator<Formatted> {
  let results;
  try {
    results = readResults(file);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (results.wholeBytes < statSync(file).size) tornTail(file);
  for (const line of sortedLines(results.lines.values())) yield { line, text: formatLine(line) };
}

function tornTail(file: string): void {
  process.stderr.write(`${file}: the last line is cut off (a crash while writing?); its seed is left out\n`);
}

/** The first field where two lines of one seed differ ("traceHash"), or undefined when they agree. */
function firstDifferentField(a: SweepLine, b: SweepLine): string | undefined {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return keys.find(
    (k) =>
      JSON.stringify((a as unknown as Record<string, unknown>)[k]) !==
      JSON.stringify((b as unknown as Record<string, unknown>)[k]),
  );
}
