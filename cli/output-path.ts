// Output paths checked before a run, so that a bad --out or --trace is one line and exit
// 2 at once, not a stack trace after the whole run (the report lost): the parent must be
// a writable directory, the path must not be a directory, and it must be a regular file
// if it exists — a device (/dev/full), a pipe or a terminal can neither be renamed over
// nor resumed, and kernel pseudo-files (/proc, /sys) are not storage.

import { accessSync, constants, statfsSync, statSync, type Stats } from "node:fs";
import { dirname, resolve } from "node:path";
import { UsageError } from "./command.ts";

/** statfs magic numbers of file systems that are not storage (linux/magic.h). */
const PSEUDO_FILE_SYSTEMS = new Map<number, string>([
  [0x9fa0, "proc"],
  [0x62656572, "sysfs"],
  [0x64626720, "debugfs"],
  [0x27e0eb, "cgroup"],
  [0x63677270, "cgroup2"],
  [0x73636673, "securityfs"],
]);

/** Throws a UsageError naming `option` when `path` cannot take a whole file. */
export function checkOutputFile(path: string, option: string): void {
  const where = `${option} ${path}`;
  const parent = dirname(resolve(path));
  const dir = statOrUndefined(parent);
  if (!dir) throw new UsageError(`${where}: the directory ${parent} does not exist (create it first)`);
  if (!dir.isDirectory()) throw new UsageError(`${where}: ${parent} is not a directory`);
  const fsType = pseudoFileSystem(parent);
  if (fsType) throw new UsageError(`${where}: ${parent} is on ${fsType}, a kernel pseudo-file system, not storage`);
  const target = statOrUndefined(path);
  if (target?.isDirectory()) throw new UsageError(`${where} is a directory; give a file name`);
  if (target && !target.isFile())
    throw new UsageError(`${where} is not a regular file (a device, pipe or socket); give a file name`);
  writable(parent, `${where}: cannot create files in ${parent}`);
  if (target) writable(path, `${where}: the file is not writable`);
}

/**
 * Throws a UsageError when files cannot be written in the directory `path` (check --out),
 * which is created when missing: then its nearest existing ancestor must allow it.
 */
export function checkOutputDirectory(path: string, option: string): void {
  const where = `${option} ${path}`;
  let existing = resolve(path);
  while (!statOrUndefined(existing) && dirname(existing) !== existing) existing = dirname(existing);
  const dir = statOrUndefined(existing);
  if (!dir?.isDirectory()) throw new UsageError(`${where}: ${existing} is not a directory`);
  const fsType = pseudoFileSystem(existing);
  if (fsType) throw new UsageError(`${where}: ${existing} is on ${fsType}, a kernel pseudo-file system, not storage`);
  writable(existing, `${where}: cannot create files in ${existing}`);
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function pseudoFileSystem(dir: string): string | undefined {
  try {
    return PSEUDO_FILE_SYSTEMS.get(Number(statfsSync(dir).type));
  } catch {
    return undefined;
  }
}

function writable(path: string, message: string): void {
  try {
    accessSync(path, constants.W_OK);
  } catch (e) {
    throw new UsageError(`${message} (${(e as NodeJS.ErrnoException).code ?? "not writable"})`);
  }
}
