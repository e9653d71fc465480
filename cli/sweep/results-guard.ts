// What keeps a sweep's --out file honest across runs and processes:
// - a lock file beside it (<out>.lock, created exclusively, holding the pid), so that two
//   sweeps never append to the same file at once; a lock whose process is gone (kill -9)
//   is taken over;
// - a key file beside it (<out>.key): the netsplit version and a hash of the scenario's
//   canonical content. Resuming with another scenario content or version would mix
//   stale lines with new ones, so it is refused, saying how to start afresh.

import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { isAlive, writeFileAtomic } from "../atomic-write.ts";
import { UsageError } from "../command.ts";

export interface ResultsKey {
  netsplit: string;
  scenario: string;
  scenarioHash: string;
}

export const lockPathOf = (out: string) => `${out}.lock`;
export const keyPathOf = (out: string) => `${out}.key`;

/** Take the lock on `out`; returns its release (also run when the process exits). */
export function lockResults(out: string): () => void {
  const lock = lockPathOf(out);
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(lock, `${process.pid}\n`, { flag: "wx" });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST")
        throw new UsageError(
          `cannot create the lock file ${lock}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        );
      const holder = Number.parseInt(readOr(lock, ""), 10);
      if (attempt === 0 && !(Number.isSafeInteger(holder) && holder !== process.pid && isAlive(holder))) {
        // The sweep that held it is gone (killed): its lines are whole up to the last one, which resume drops.
        rmSync(lock, { force: true });
        continue;
      }
      throw new UsageError(
        `${out} is being written by another sweep (pid ${holder}); wait for it, or delete ${lock} if no sweep is running`,
      );
    }
  }
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    process.removeListener("exit", release);
    if (readOr(lock, "") === `${process.pid}\n`) rmSync(lock, { force: true });
  };
  process.on("exit", release);
  return release;
}

function readOr(path: string, fallback: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return fallback;
  }
}

/**
 * Check `out`'s key against this run's, when the file holds lines; write this run's key
 * otherwise. A file with lines but no key (an older netsplit, or `sweep > file`) cannot be
 * trusted either.
 */
export function checkResultsKey(out: string, key: ResultsKey, hasLines: boolean): void {
  const keyFile = keyPathOf(out);
  const afresh = `delete ${out} and ${keyFile} to start afresh, or use another --out`;
  if (hasLines) {
    if (!existsSync(keyFile))
      throw new UsageError(
        `${out} has no key file ${keyFile}, so its lines may be stale (another scenario or netsplit version): ${afresh}`,
      );
    let stored: Partial<ResultsKey>;
    try {
      stored = JSON.parse(readFileSync(keyFile, "utf8")) as Partial<ResultsKey>;
    } catch (e) {
      throw new UsageError(`${keyFile} is not a key file (${(e as Error).message}): ${afresh}`);
    }
    if (stored.netsplit !== key.netsplit)
      throw new UsageError(
        `${out} was written by netsplit ${String(stored.netsplit)}, this is ${key.netsplit}: ${afresh}`,
      );
    if (stored.scenario !== key.scenario || stored.scenarioHash !== key.scenarioHash) {
      throw new UsageError(
        `${out} holds runs of another version of scenario ${String(stored.scenario)} (its content changed since): ${afresh}`,
      );
    }
    return;
  }
  writeFileAtomic(keyFile, JSON.stringify(key) + "\n");
}

/** sha256 of a scenario's canonical content: keys sorted, functions by their source, undefined left out. */
export function scenarioHash(scenario: unknown): string {
  return createHash("sha256").update(stableText(scenario)).digest("hex");
}

function stableText(value: unknown): string {
  if (typeof value === "function") return JSON.stringify(`function:${value.toString()}`);
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? "null" : stableText(v))).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const keys = Object.keys(value).sort();
    const members = keys
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableText((value as Record<string, unknown>)[k])}`);
    return `{${members.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
