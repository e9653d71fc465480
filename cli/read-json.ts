// Reading a JSON file given on the command line: a missing file or bad JSON is bad
// input (UsageError, exit 2) with one line naming the file and the problem.

import { readFileSync } from "node:fs";
import { UsageError } from "./command.ts";

export function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${path}: not valid JSON (${(e as Error).message})`);
  }
}
