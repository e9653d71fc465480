// A sweep's results file (JSON Lines, one SweepLine per seed). Lines are appended as
// seeds finish, so a crash loses at most the line being written; reading the file back
// drops such a torn last line, and a finished sweep rewrites the file sorted by seed
// (atomically), so that the same seeds always give the same file.

import { existsSync } from "node:fs";
import { writeFileAtomic } from "../atomic-write.ts";
import { UsageError } from "../command.ts";
import { forEachWholeLine, JsonLinesAppender } from "../jsonl-file.ts";
import { formatLine, parseLine, type SweepLine } from "./sweep-line.ts";

export interface Results {
  /** Lines by seed. */
  lines: Map<number, SweepLine>;
  /** Bytes of the file that hold whole lines (a torn last line is beyond this). */
  wholeBytes: number;
}

/** Read a results file; a malformed line (other than a torn last one) is bad input. */
export function readResults(path: string): Results {
  const lines = new Map<number, SweepLine>();
  const wholeBytes = forEachWholeLine(path, (row, lineNumber) => {
    const line = parseLine(row);
    if (typeof line === "string") throw new UsageError(`${path}:${lineNumber}: ${line}`);
    const earlier = lines.get(line.seed);
    if (earlier && formatLine(earlier) !== formatLine(line))
      throw new UsageError(`${path}:${lineNumber}: seed ${line.seed} appears twice with different results`);
    lines.set(line.seed, line);
  });
  return { lines, wholeBytes };
}

export function readResultsIfAny(path: string): Results | undefined {
  return existsSync(path) ? readResults(path) : undefined;
}

/** Appends sweep lines to a results file, each written whole with one write. */
export class ResultsAppender extends JsonLinesAppender<SweepLine> {
  constructor(path: string, wholeBytes: number | undefined) {
    super(path, wholeBytes, formatLine);
  }
}

export function sortedLines(lines: Iterable<SweepLine>): SweepLine[] {
  return [...lines].sort((a, b) => a.seed - b.seed);
}

export function writeResultsSorted(path: string, lines: Iterable<SweepLine>): void {
  writeFileAtomic(
    path,
    (function* () {
      for (const l of sortedLines(lines)) yield formatLine(l) + "\n";
    })(),
  );
}

/** Whether seeds in this order are already sorted, each once (then the file needs no rewrite). */
export function strictlyIncreasing(seeds: readonly number[]): boolean {
  return seeds.every((s, i) => i === 0 || seeds[i - 1]! < s);
}
