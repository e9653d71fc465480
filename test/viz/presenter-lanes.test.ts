// A server's lane shows the newest LANE_EVENTS_MAX events of its DAG in the DAG's order
// (row, then column), keeping every head even when it is older. presenterAt picks them in
// one pass; here the same choice is made the plain way — sort everything, take the tail,
// put the older heads first — and the two must agree at every seq of a run that forks.

import { describe, expect, it } from "vitest";
import { nodeCrypto } from "../../cli/node-crypto.ts";
import { findScenario } from "../../scenarios/index.ts";
import { LiveRun } from "../../viz/engine/live-run.ts";
import type { DagNode } from "../../viz/model/dag.ts";
import { LANE_EVENTS_MAX, presenterAt } from "../../viz/model/presenter.ts";
import { TraceModel } from "../../viz/model/trace-model.ts";
import { viewModelAt } from "../../viz/model/view-model.ts";

function plainNewest(nodes: readonly DagNode[], max: number): string[] {
  const sorted = [...nodes].sort((a, b) => a.row - b.row || a.col - b.col);
  if (sorted.length <= max) return sorted.map((n) => n.id);
  const tail = sorted.slice(sorted.length - max);
  const older = sorted.slice(0, sorted.length - max).filter((n) => n.extremity);
  return [...older, ...tail.slice(older.length)].map((n) => n.id);
}

describe("presenterAt's lanes", () => {
  it("hold the newest events in DAG order, heads kept, at every seq of netsplit-heal", () => {
    const live = new LiveRun(findScenario("netsplit-heal")!, { seed: "1", crypto: nodeCrypto });
    while (live.nowMs < 90_000 && !live.scenarioDone) if (!live.step()) break;
    const model = new TraceModel(live.records);
    let compared = 0;
    for (let seq = 0; seq < model.length; seq += 5) {
      const vm = viewModelAt(model, { seq, atMs: model.records[seq]!.atMs });
      const lanes = presenterAt(vm.dags, vm.stateTable).lanes;
      for (const dag of vm.dags) {
        const lane = lanes.find((l) => l.server === dag.server);
        if (!lane) continue;
        expect(
          lane.events.map((e) => e.id),
          `${dag.server} at ${seq}`,
        ).toEqual(plainNewest(dag.nodes, LANE_EVENTS_MAX));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(500);
  });

  it("keep an older head: a short branch healed into a long one", () => {
    const live = new LiveRun(findScenario("three-servers")!, { seed: "1", crypto: nodeCrypto });
    while (!live.scenarioDone) if (!live.step()) break;
    live.intervene({ at: 0, do: "partition", partition: { shape: "isolate", server: "hs3" } });
    live.intervene({ at: 0, do: "message", user: "@carol:hs3", room: "room", body: "short branch" });
    for (let i = 0; i < 8; i++)
      live.intervene({ at: 0, do: "message", user: "@alice:hs1", room: "room", body: `long ${i}` });
    for (let i = 0; i < 200; i++) live.step();
    live.intervene({ at: 0, do: "heal" });
    for (let i = 0; i < 400; i++) live.step();
    const model = new TraceModel(live.records);
    const vm = viewModelAt(model, { seq: model.length - 1, atMs: live.nowMs });
    const hs1 = presenterAt(vm.dags, vm.stateTable).lanes.find((l) => l.server === "hs1")!;
    const dag = vm.dags.find((d) => d.server === "hs1")!;
    expect(dag.width).toBe(2);
    // Carol's message heads the short branch; it is older than the six newest, and kept first.
    expect(hs1.events[0]).toMatchObject({ label: "carol: short branch", head: true });
    expect(hs1.events.map((e) => e.id)).toEqual(plainNewest(dag.nodes, LANE_EVENTS_MAX));
  });
});
