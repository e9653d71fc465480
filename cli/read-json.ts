// Reading a JSON file given on the command line: a missing file or bad JSON is bad
// input (UsageError, exit 2) with one line naming the file and the problem.

import { UsageError } from "./command.ts";
import { readInputText } from "./input-file.ts";

export function readJsonFile(path: string): unknown {
  const text = readInputText(path);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${path}: not valid JSON (${(e as Error).message})`);
  }
}
