// A sweep's results file (JSON Lines, one SweepLine per seed). Lines are appended as
// seeds finish, so a crash loses at most the line being written; reading the file back
// drops such a torn last line, and a finished sweep rewrites the file sorted by seed
// (atomically), so that the same seeds always give the same file.

import { closeSync, existsSync, openSync, readFileSync, truncateSync, writeSync } from "node:fs";
import { writeFileAtomic } from "../atomic-write.ts";
import { UsageError } from "../command.ts";
import { formatLine, parseLine, type SweepLine } from "./sweep-line.ts";

export interface Results {
  /** Lines by seed. */
  lines: Map<number, SweepLine>;
  /** Bytes of the file that hold whole lines (a torn last line is beyond this). */
  wholeBytes: number;
}

/** Read a results file; a malformed line (other than a torn last one) is bad input. */
export function readResults(path: string): Results {
  // Line by line from the bytes: a sweep's file can be larger than a string may be.
  const bytes = readFileSync(path);
  const lines = new Map<number, SweepLine>();
  let start = 0;
  let lineNumber = 0;
  while (start < bytes.length) {
    const end = bytes.indexOf(10, start);
    if (end < 0) break; // a last line without its newline was cut off by a crash: run that seed again
    lineNumber++;
    const row = bytes.toString("utf8", start, end);
    start = end + 1;
    if (row.trim() === "") continue;
    const line = parseLine(row);
    if (typeof line === "string") throw new UsageError(`${path}:${lineNumber}: ${line}`);
    const earlier = lines.get(line.seed);
    if (earlier && formatLine(earlier) !== formatLine(line))
      throw new UsageError(`${path}:${lineNumber}: seed ${line.seed} appears twice with different results`);
    lines.set(line.seed, line);
  }
  return { lines, wholeBytes: start };
}

export function readResultsIfAny(path: string): Results | undefined {
  return existsSync(path) ? readResults(path) : undefined;
}

/** Appends lines to a results file, each written whole with one write. */
export class ResultsAppender {
  private readonly fd: number;

  constructor(
    private readonly path: string,
    wholeBytes: number | undefined,
  ) {
    try {
      // Drop a torn last line before appending after it.
      if (wholeBytes !== undefined) truncateSync(path, wholeBytes);
      this.fd = openSync(path, "a");
    } catch (e) {
      throw new UsageError(`cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }

  append(line: SweepLine): void {
    try {
      writeSync(this.fd, formatLine(line) + "\n");
    } catch (e) {
      throw new UsageError(`cannot write ${this.path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }

  close(): void {
    closeSync(this.fd);
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
