// A trace file carries its recipe: re-running it gives the same trace, record for record.
import { describe, expect, it } from "vitest";
import { nodeCrypto } from "../../cli/node-crypto.ts";
import { canonicalJson } from "../../core/index.ts";
import { findScenario } from "../../scenarios/index.ts";
import { parseTraceJsonLines, traceToJsonLines, type TraceRecord } from "../../sim/trace.ts";
import { LiveRun } from "../../viz/engine/live-run.ts";
import { firstDifference, recipeOf } from "../../viz/model/trace-file.ts";

describe("trace files", () => {
  it("name their scenario, seed, room version and interventions, and re-run to the same trace", () => {
    const live = new LiveRun(findScenario("topic-war")!, {
      seed: "5",
      crypto: nodeCrypto,
      interventions: [{ afterStep: 30, fork: "x" }],
    });
    live.advanceToStep(60);
    live.intervene({ at: 0, do: "crash", server: "hs2" });
    live.advanceToStep(90);
    const file = parseTraceJsonLines(traceToJsonLines(live.records));
    const recipe = recipeOf(file)!;
    expect(recipe).toMatchObject({ scenario: "topic-war", seed: "5", roomVersion: "11" });
    expect(recipe.interventions).toEqual([
      { afterStep: 30, fork: "x" },
      { afterStep: 60, action: expect.objectContaining({ do: "crash", server: "hs2" }) },
    ]);
    const again = new LiveRun(findScenario(recipe.scenario)!, {
      seed: recipe.seed,
      roomVersion: recipe.roomVersion,
      interventions: recipe.interventions,
      crypto: nodeCrypto,
    });
    while (again.records.length < file.length && again.step());
    expect(firstDifference(again.records, file, canonicalJson as (r: TraceRecord) => string)).toBeNull();
    expect(again.records.length).toBe(file.length);
  });

  it("say where two traces part", () => {
    const a = parseTraceJsonLines(
      '{"kind":"note","seq":0,"atMs":0,"text":"a"}\n{"kind":"note","seq":1,"atMs":0,"text":"b"}\n',
    );
    const b = parseTraceJsonLines(
      '{"kind":"note","seq":0,"atMs":0,"text":"a"}\n{"kind":"note","seq":1,"atMs":0,"text":"c"}\n',
    );
    expect(firstDifference(a, b, canonicalJson as (r: TraceRecord) => string)).toBe(1);
    expect(firstDifference(a, a.slice(0, 1), canonicalJson as (r: TraceRecord) => string)).toBeNull();
    expect(recipeOf(a)).toBeNull();
  });
});
