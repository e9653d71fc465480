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
  const text = readFileSync(path, "utf8");
  const lines = new Map<number, SweepLine>();
  const rows = text.split("\n");
  const torn = !text.endsWith("\n") && text.length > 0;
  let wholeBytes = 0;
  rows.forEach((row, i) => {
    const last = i === rows.length - 1;
    if (last && torn) return; // cut off by a crash mid-write: run that seed again
    if (row.trim() === "") {
      wholeBytes += Buffer.byteLength(row) + (last ? 0 : 1);
      return;
    }
    const line = parseLine(row);
    if (typeof line === "string") throw new UsageError(`${path}:${i + 1}: ${line}`);
    const earlier = lines.get(line.seed);
    if (earlier && formatLine(earlier) !== formatLine(line)) throw new UsageError(`${path}:${i + 1}: seed ${line.seed} appears twice with different results`);
    lines.set(line.seed, line);
    wholeBytes += Buffer.byteLength(row) + 1;
  });
  return { lines, wholeBytes };
}

export function readResultsIfAny(path: string): Results | undefined {
  return existsSync(path) ? readResults(path) : undefined;
}

/** Appends lines to a results file, each written whole with one write. */
export class ResultsAppender {
  private readonly fd: number;

  constructor(path: string, wholeBytes: number | undefined) {
    try {
      // Drop a torn last line before appending after it.
      if (wholeBytes !== undefined) truncateSync(path, wholeBytes);
      this.fd = openSync(path, "a");
    } catch (e) {
      throw new UsageError(`cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }

  append(line: SweepLine): void {
    writeSync(this.fd, formatLine(line) + "\n");
  }

  close(): void {
    closeSync(this.fd);
  }
}

export function sortedLines(lines: Iterable<SweepLine>): SweepLine[] {
  return [...lines].sort((a, b) => a.seed - b.seed);
}

export function writeResultsSorted(path: string, lines: Iterable<SweepLine>): void {
  writeFileAtomic(path, sortedLines(lines).map((l) => formatLine(l) + "\n").join(""));
}
