// Reading a results file line by line in fixed-size chunks, so that a file of millions
// of lines (gigabytes) is never one buffer or one string.

import { closeSync, openSync, readSync } from "node:fs";
import { UsageError } from "../command.ts";
import { formatBytes } from "../input-file.ts";

const CHUNK_BYTES = 1 << 20;

/**
 * The longest line a results file may hold. A sweep's lines are a few hundred bytes; the
 * bound keeps a file without newlines (/dev/zero, a binary file) from being gathered into
 * one ever-growing line until the process runs out of memory.
 */
export const LINE_BYTES_MAX = 16 * 1024 * 1024;

export interface RawLine {
  /** 1-based. */
  number: number;
  text: string;
}

/**
 * The whole lines of a file, in order; blank lines are skipped. A last line without its
 * newline (cut off by a crash) is not yielded: `onTornTail` hears of it instead.
 */
export function* readLines(
  path: string,
  onTornTail: () => void = () => {},
  lineBytesMax: number = LINE_BYTES_MAX,
): Generator<RawLine> {
  const fd = openSync(path, "r");
  try {
    let carry = Buffer.alloc(0);
    let number = 0;
    const chunk = Buffer.alloc(CHUNK_BYTES);
    for (;;) {
      const read = readSync(fd, chunk, 0, CHUNK_BYTES, null);
      if (read === 0) break;
      const bytes = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, read)]) : chunk.subarray(0, read);
      let start = 0;
      for (let end = bytes.indexOf(10, start); end >= 0; end = bytes.indexOf(10, start)) {
        number++;
        const text = bytes.toString("utf8", start, end);
        start = end + 1;
        if (text.trim() !== "") yield { number, text };
      }
      if (bytes.length - start > lineBytesMax)
        throw new UsageError(
          `${path}:${number + 1}: a line longer than ${formatBytes(lineBytesMax)}; not a results file`,
        );
      // Copied: `chunk` is overwritten by the next read.
      carry = Buffer.from(bytes.subarray(start));
    }
    if (carry.length > 0) onTornTail();
  } finally {
    closeSync(fd);
  }
}
