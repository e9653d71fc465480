// The DAG kept up to date as the cursor moves on (viz/model/dag-trail.ts) must equal
// dagAt() at every seq — on real runs with forks, soft-failed and rejected events,
// backfill and redactions — while actually reusing what did not change, and without
// ever changing a DAG it handed out before.

import { describe, expect, it } from "vitest";
import { nodeCrypto } from "../../cli/node-crypto.ts";
import { findScenario } from "../../scenarios/index.ts";
import { LiveRun } from "../../viz/engine/live-run.ts";
import { dagAt } from "../../viz/model/dag.ts";
import { dagTrailAt, type DagTrail } from "../../viz/model/dag-trail.ts";
import { TraceModel } from "../../viz/model/trace-model.ts";

function modelOf(scenario: string, untilMs: number): TraceModel {
  const live = new LiveRun(findScenario(scenario)!, { seed: "1", crypto: nodeCrypto });
  while (live.nowMs < untilMs && !live.scenarioDone) if (!live.step()) break;
  return new TraceModel(live.records);
}

/** Walk every server's log forward in strides of 1, 2, 3, … records (and once back), comparing with dagAt. */
function walk(model: TraceModel): { compared: number; extended: number } {
  let compared = 0;
  let extended = 0;
  for (const logs of model.dags.values())
    for (const log of logs.values()) {
      let trail: DagTrail | undefined;
      let stride = 1;
      for (let seq = -1; seq < model.length; seq += stride, stride = (stride % 7) + 1) {
        const before = trail ? structuredClone(trail.dag) : null;
        const next = dagTrailAt(log, seq, trail);
        expect(next.dag, `${log.server} at ${seq}`).toEqual(dagAt(log, seq));
        // What was handed out before is never changed.
        if (trail && before) expect(trail.dag).toEqual(before);
        if (trail && trail.dag.nodes.length > 0 && next.dag.nodes[0] === trail.dag.nodes[0]) extended++;
        trail = next;
        compared++;
      }
      // Back to an earlier seq: rebuilt, still equal.
      const back = Math.floor(model.length / 2);
      expect(dagTrailAt(log, back, trail).dag).toEqual(dagAt(log, back));
    }
  return { compared, extended };
}

describe("dagTrailAt", () => {
  it("equals dagAt at every stride of a netsplit that forks, soft-fails and heals", () => {
    const { compared, extended } = walk(modelOf("netsplit-heal", 120_000));
    expect(compared).toBeGreaterThan(1000);
    expect(extended).toBeGreaterThan(compared / 4);
  });

  it("equals dagAt through backfill, bans and redactions", () => {
    for (const scenario of ["late-joiner-backfill", "moderation", "ban-vs-power-levels"]) {
      const { compared } = walk(modelOf(scenario, Infinity));
      expect(compared, scenario).toBeGreaterThan(100);
    }
  });
});
