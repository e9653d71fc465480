// Writing a whole file so that a crash leaves either the old file or the new one, never
// half of one: write a temporary file beside it, flush it, then rename it over the target
// (rename is atomic within a file system).
//
// The temporary file (.<name>.<pid>.tmp) is removed on every way out: an error, a normal
// exit, SIGINT/SIGTERM/SIGHUP while it is written; one left by a process killed with
// SIGKILL is removed by the next write of the same file.

import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

const live = new Set<string>();
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

function removeLive(): void {
  for (const temp of live) rmSync(temp, { force: true });
  live.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  removeLive();
  unwatch();
  // With our handler gone, the signal does what it would have done.
  process.kill(process.pid, signal);
}

function watch(): void {
  if (live.size > 1) return;
  process.on("exit", removeLive);
  for (const s of SIGNALS) process.on(s, onSignal);
}

function unwatch(): void {
  process.removeListener("exit", removeLive);
  for (const s of SIGNALS) process.removeListener(s, onSignal);
}

/** Temporary files of this target left by processes that no longer exist (killed with SIGKILL). */
function removeOrphans(path: string): void {
  const prefix = `.${basename(path)}.`;
  let names: string[];
  try {
    names = readdirSync(dirname(path));
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith(".tmp")) continue;
    const pid = Number(name.slice(prefix.length, -".tmp".length));
    if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && !isAlive(pid))
      rmSync(join(dirname(path), name), { force: true });
  }
}

/**
 * Whether a process with this id is running (EPERM: it is, but belongs to someone else).
 * A zombie is not: a process killed after its parent died waits, dead, for an init that
 * may never reap it (PID 1 in many containers does not), and would hold its lock forever.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
  return !isZombie(pid);
}

/** Linux only: the state field of /proc/<pid>/stat, after the parenthesised command name. */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) === "Z";
  } catch {
    return false; // no /proc (not Linux): trust kill(pid, 0)
  }
}

/** `data` may come in pieces (lines of a large file), so it never has to be one string. */
export function writeFileAtomic(path: string, data: string | Iterable<string>): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  removeOrphans(path);
  live.add(temp);
  watch();
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
  } finally {
    live.delete(temp);
    if (live.size === 0) unwatch();
  }
}
