// Writing a whole file so that a crash leaves either the old file or the new one, never
// half of one: write a temporary file beside it, flush it, then rename it over the target
// (rename is atomic within a file system).

import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/** `data` may come in pieces (lines of a large file), so it never has to be one string. */
export function writeFileAtomic(path: string, data: string | Iterable<string>): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    const fd = openSync(temp, "w");
    try {
      for (const piece of typeof data === "string" ? [data] : data) writeFileSync(fd, piece);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
}
