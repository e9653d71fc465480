// runs.jsonl: one line per (cell, seed). Lines are appended as jobs finish (in job order),
// so a crash loses at most the line being written; reading drops a torn last line; the
// finished file is rewritten sorted by job number, so the same jobs give the same bytes.

import { closeSync, existsSync, openSync, readFileSync, truncateSync, writeSync } from "node:fs";
import type { ExperimentLine } from "../../scenarios/experiment/run-metrics.ts";
import { cellsOf, type ExperimentSpec } from "../../scenarios/experiment/spec.ts";
import { writeFileAtomic } from "../atomic-write.ts";
import { UsageError } from "../command.ts";
import { jobNumber } from "./jobs.ts";

export function formatRun(line: ExperimentLine): string {
  return JSON.stringify(line);
}

export interface RunsRead {
  /** Lines by job number. */
  lines: Map<number, ExperimentLine>;
  /** Bytes of whole lines (a torn last line lies beyond). */
  wholeBytes: number;
}

/** Read a runs file of this experiment: every line must be one of its cells with the cell's parameters. */
export function readRuns(path: string, spec: ExperimentSpec): RunsRead {
  const cells = cellsOf(spec.grid);
  const bytes = readFileSync(path);
  const lines = new Map<number, ExperimentLine>();
  let start = 0;
  let number = 0;
  while (start < bytes.length) {
    const end = bytes.indexOf(10, start);
    if (end < 0) break;
    number++;
    const text = bytes.toString("utf8", start, end);
    start = end + 1;
    if (text.trim() === "") continue;
    let line: ExperimentLine;
    try {
      line = JSON.parse(text) as ExperimentLine;
    } catch (e) {
      throw new UsageError(`${path}:${number}: not JSON (${(e as Error).message})`);
    }
    const cell = cells[line.cell];
    if (line.experiment !== spec.name || !cell || JSON.stringify(cell) !== JSON.stringify(line.params))
      throw new UsageError(
        `${path}:${number}: a run of ${line.experiment} ${JSON.stringify(line.params)}, not a cell of this experiment's grid (${spec.name}): use another --out`,
      );
    if (!Number.isInteger(line.seed) || line.seed < 1 || line.seed > spec.seeds)
      throw new UsageError(`${path}:${number}: seed ${line.seed} is outside 1..${spec.seeds}`);
    const n = jobNumber(line, spec.seeds);
    const earlier = lines.get(n);
    if (earlier && formatRun(earlier) !== formatRun(line))
      throw new UsageError(
        `${path}:${number}: cell ${line.cell} seed ${line.seed} appears twice with different results: refusing to go on`,
      );
    lines.set(n, line);
  }
  return { lines, wholeBytes: start };
}

export function readRunsIfAny(path: string, spec: ExperimentSpec): RunsRead | undefined {
  return existsSync(path) ? readRuns(path, spec) : undefined;
}

export class RunsAppender {
  private readonly fd: number;

  constructor(
    private readonly path: string,
    wholeBytes: number | undefined,
  ) {
    try {
      if (wholeBytes !== undefined) truncateSync(path, wholeBytes);
      this.fd = openSync(path, "a");
    } catch (e) {
      throw new UsageError(`cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }

  append(line: ExperimentLine): void {
    try {
      writeSync(this.fd, formatRun(line) + "\n");
    } catch (e) {
      throw new UsageError(`cannot write ${this.path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** Write the lines sorted by job number (atomically). */
export function writeRunsSorted(path: string, lines: ReadonlyMap<number, ExperimentLine>): void {
  writeFileAtomic(
    path,
    (function* () {
      for (const n of [...lines.keys()].sort((a, b) => a - b)) yield formatRun(lines.get(n)!) + "\n";
    })(),
  );
}
