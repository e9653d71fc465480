// Reading a file named on the command line (a scenario, a fixture, an experiment, an
// application-service registration, a recording) with a bound on its size. Inputs may be
// pipes or devices (`/dev/stdin`, `<(…)`), which have no size to ask for beforehand, and a
// device such as /dev/zero or /dev/full never ends: read unbounded, it grows until the
// process dies of std::bad_alloc (found by `npm run fuzz`, seed 13300: `resolve /dev/full`).
// So the bytes are read in chunks and the read stops, with one line, past the bound.

import { closeSync, openSync, readSync } from "node:fs";
import { UsageError } from "./command.ts";

/** The most bytes an input file may hold: far above any scenario or fixture, far below the memory it would take. */
export const INPUT_BYTES_MAX = 256 * 1024 * 1024;

const CHUNK_BYTES = 1 << 20;

/** The file's text (UTF-8), or a UsageError naming the file: unreadable (EISDIR for a directory) or over `bytesMax`. */
export function readInputText(path: string, bytesMax: number = INPUT_BYTES_MAX): string {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    throw cannotRead(path, e);
  }
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(CHUNK_BYTES, bytesMax + 1 - total));
      const read = readChunk(fd, chunk, path);
      if (read === 0) break;
      total += read;
      if (total > bytesMax)
        throw new UsageError(`${path} holds more than ${formatBytes(bytesMax)}, the most an input may`);
      chunks.push(chunk.subarray(0, read));
    }
    return Buffer.concat(chunks, total).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

function readChunk(fd: number, chunk: Buffer, path: string): number {
  try {
    return readSync(fd, chunk, 0, chunk.length, null);
  } catch (e) {
    throw cannotRead(path, e);
  }
}

function cannotRead(path: string, e: unknown): UsageError {
  return new UsageError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
}

/** 268435456 → "256 MiB"; used for the bounds, which are whole MiB. */
export function formatBytes(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}
