// A trace file (JSON Lines from `netsplit run --trace`, or exported by the web view)
// carries its own recipe: run.start names the scenario, the seed and the room version,
// and every run.intervention / run.fork says what was done by hand after which step.
// With a known scenario the view re-runs it live and checks that the trace comes out the
// same; otherwise (or when it does not) it replays the file as it is, view only.

import type { Intervention } from "../../scenarios/runner/run.ts";
import type { TimelineAction } from "../../scenarios/runner/types.ts";
import type { TraceRecord } from "../../sim/trace.ts";

export interface TraceRecipe {
  scenario: string;
  seed: string;
  roomVersion: string;
  interventions: Intervention[];
}

export function recipeOf(records: readonly TraceRecord[]): TraceRecipe | null {
  const start = records[0];
  if (!start || start.kind !== "run.start") return null;
  const interventions: Intervention[] = [];
  for (const r of records) {
    if (r.kind === "run.intervention")
      interventions.push({ afterStep: r.afterStep, action: r.action as unknown as TimelineAction });
    else if (r.kind === "run.fork") interventions.push({ afterStep: r.afterStep, fork: r.seed });
  }
  return { scenario: start.scenario, seed: start.seed, roomVersion: start.roomVersion, interventions };
}

/** The first record where two traces differ (null: one is a prefix of the other). */
export function firstDifference(
  a: readonly TraceRecord[],
  b: readonly TraceRecord[],
  canonical: (r: TraceRecord) => string,
): number | null {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (canonical(a[i]!) !== canonical(b[i]!)) return i;
  return null;
}
