// runs.jsonl: one line per (cell, seed). Lines are appended as jobs finish (in job order),
// so a crash loses at most the line being written; reading drops a torn last line; the
// finished file is rewritten sorted by job number, so the same jobs give the same bytes.

import { existsSync } from "node:fs";
import type { ExperimentLine } from "../../scenarios/experiment/run-metrics.ts";
import { cellsOf, type ExperimentSpec } from "../../scenarios/experiment/spec.ts";
import { writeFileAtomic } from "../atomic-write.ts";
import { UsageError } from "../command.ts";
import { forEachWholeLine, JsonLinesAppender } from "../jsonl-file.ts";
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
  const lines = new Map<number, ExperimentLine>();
  const wholeBytes = forEachWholeLine(path, (text, number) => {
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
  });
  return { lines, wholeBytes };
}

export function readRunsIfAny(path: string, spec: ExperimentSpec): RunsRead | undefined {
  return existsSync(path) ? readRuns(path, spec) : undefined;
}

/** Appends experiment lines to runs.jsonl, each written whole with one write. */
export class RunsAppender extends JsonLinesAppender<ExperimentLine> {
  constructor(path: string, wholeBytes: number | undefined) {
    super(path, wholeBytes, formatRun);
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
