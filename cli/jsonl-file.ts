// The JSON Lines files a sweep and an experiment append to as their jobs finish. A line is
// written whole with one write, so a crash loses at most the line being written; reading
// stops before a last line without its newline (torn by a crash), and an appender first
// truncates the file to its whole lines.

import { closeSync, openSync, readFileSync, truncateSync, writeSync } from "node:fs";
import { UsageError } from "./command.ts";

/**
 * Calls `onLine` for each whole, non-blank line (numbered from 1) and returns the bytes
 * they hold. Reads from the bytes line by line: a results file can be larger than a
 * string may be.
 */
export function forEachWholeLine(path: string, onLine: (text: string, lineNumber: number) => void): number {
  const bytes = readFileSync(path);
  let start = 0;
  let lineNumber = 0;
  while (start < bytes.length) {
    const end = bytes.indexOf(10, start);
    if (end < 0) break; // a last line cut off by a crash: its job runs again
    lineNumber++;
    const text = bytes.toString("utf8", start, end);
    start = end + 1;
    if (text.trim() !== "") onLine(text, lineNumber);
  }
  return start;
}

/** Appends lines to a JSON Lines file, each whole with one write; write failures are one-line usage errors. */
export class JsonLinesAppender<T> {
  private readonly fd: number;

  constructor(
    private readonly path: string,
    wholeBytes: number | undefined,
    private readonly format: (line: T) => string,
  ) {
    try {
      // Drop a torn last line before appending after it.
      if (wholeBytes !== undefined) truncateSync(path, wholeBytes);
      this.fd = openSync(path, "a");
    } catch (e) {
      throw new UsageError(`cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }

  append(line: T): void {
    try {
      writeSync(this.fd, this.format(line) + "\n");
    } catch (e) {
      throw new UsageError(`cannot write ${this.path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }

  close(): void {
    closeSync(this.fd);
  }
}
