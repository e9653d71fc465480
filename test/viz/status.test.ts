// The live status, the presenter's lanes and state groups, and what a walkthrough note
// names — on a real run (three-servers, cut apart and acted on in free play, healed,
// merged) and on hand-made inputs for the marks and the retry countdown.
import { describe, expect, it } from "vitest";
import { nodeCrypto } from "../../cli/node-crypto.ts";
import { findScenario } from "../../scenarios/index.ts";
import { LiveRun } from "../../viz/engine/live-run.ts";
import { misfitsOf } from "../../viz/engine/session.ts";
import { namedIn } from "../../viz/model/narration.ts";
import type { NetworkVm } from "../../viz/model/network.ts";
import { eventLabel, presenterAt } from "../../viz/model/presenter.ts";
import { refusalOfLastIntervention } from "../../viz/model/refusals.ts";
import { formatDuration, liveStatus, type Misfits } from "../../viz/model/status.ts";
import { TraceModel } from "../../viz/model/trace-model.ts";
import { viewModelAt, type ViewModel } from "../../viz/model/view-model.ts";

const NONE: Misfits = { adversarial: [], skewed: {} };

function runToEnd(live: LiveRun): void {
  while (!live.scenarioDone) if (!live.step()) break;
}

function at(live: LiveRun): ViewModel {
  const model = new TraceModel(live.records);
  return viewModelAt(model, { seq: model.length - 1, atMs: live.nowMs });
}

const statusOf = (vm: ViewModel, misfits = NONE) =>
  liveStatus({ stateTable: vm.stateTable, dags: vm.dags, network: vm.network, misfits });

describe("liveStatus on a run", () => {
  it("says converged at the end, diverged (naming the key) after a cut and a topic, forked after the heal, converged once merged", () => {
    const live = new LiveRun(findScenario("three-servers")!, { seed: "1", crypto: nodeCrypto });
    runToEnd(live);
    expect(statusOf(at(live)).kind).toBe("converged");

    live.intervene({ at: 0, do: "partition", partition: { shape: "isolate", server: "hs3" } });
    live.intervene({ at: 0, do: "topic", user: "@alice:hs1", room: "room", topic: "minority" });
    live.intervene({ at: 0, do: "message", user: "@carol:hs3", room: "room", body: "meanwhile" });
    for (let i = 0; i < 40; i++) live.step();
    const apart = at(live);
    const s = statusOf(apart);
    expect(s.kind).toBe("diverged");
    expect(s.keys).toEqual(["m.room.topic"]);
    expect(s.headline).toContain("m.room.topic");
    // The presenter groups hs1 and hs2 (they have the topic) apart from hs3.
    const p = presenterAt(apart.dags, apart.stateTable);
    expect(p.groups.map((g) => g.servers)).toEqual([["hs1", "hs2"], ["hs3"]]);
    expect(p.differences).toEqual([
      {
        label: "m.room.topic",
        values: [
          { letter: "A", text: "“minority”", servers: ["hs1", "hs2"] },
          { letter: "B", text: "—", servers: ["hs3"] },
        ],
      },
    ]);
    const hs1 = p.lanes.find((l) => l.server === "hs1")!;
    expect(hs1.events.at(-1)).toMatchObject({ label: "topic: minority", creator: "hs1", head: true });
    // The senders across the cut retry inside their /send (Synapse: up to 10 attempts), then
    // back off: from then on the status says when the next retry is due.
    let backingOff = s;
    for (let i = 0; i < 5000 && !/retries/.test(backingOff.pending) && live.step(); i++)
      backingOff = statusOf(at(live));
    expect(backingOff.kind).toBe("diverged");
    expect(backingOff.pending).toMatch(/^(\d+ messages? on the way · )?hs\d retries hs\d in \d+(s|m\d\ds|h\d\dm)$/);

    live.intervene({ at: 0, do: "heal" });
    while (live.step());
    const healed = statusOf(at(live));
    expect(healed.kind).toBe("forked");
    expect(healed.headline).toContain("merges with the next event");

    live.intervene({ at: 0, do: "message", user: "@bob:hs2", room: "room", body: "merging" });
    while (live.step());
    expect(statusOf(at(live)).kind).toBe("converged");
  });

  it("leaves adversarial servers out of the verdict and marks them, with skewed clocks and crashed servers", () => {
    const live = new LiveRun(findScenario("three-servers")!, { seed: "1", crypto: nodeCrypto });
    runToEnd(live);
    live.intervene({ at: 0, do: "partition", partition: { shape: "isolate", server: "hs3" } });
    live.intervene({ at: 0, do: "topic", user: "@alice:hs1", room: "room", topic: "minority" });
    live.intervene({ at: 0, do: "crash", server: "hs2" });
    for (let i = 0; i < 40; i++) live.step();
    const vm = at(live);
    const s = statusOf(vm, { adversarial: ["hs3"], skewed: { hs1: 300_000 } });
    // hs2 crashed before it heard of the topic; hs3's state does not count.
    expect(s.keys).toEqual(["m.room.topic"]);
    expect(s.marks).toEqual({ hs3: ["adversarial"], hs1: ["clock +5m00s"], hs2: ["down"] });
    const withoutHs2 = statusOf(vm, { adversarial: ["hs2", "hs3"], skewed: {} });
    expect(withoutHs2.kind).toBe("converged");
  });

  it("shows a refused call of the last intervention (Bob, power 0, changing the topic)", () => {
    const live = new LiveRun(findScenario("three-servers")!, { seed: "1", crypto: nodeCrypto });
    runToEnd(live);
    live.intervene({ at: 0, do: "topic", user: "@bob:hs2", room: "room", topic: "mine" });
    live.step();
    const refused = refusalOfLastIntervention(live.records);
    expect(refused).toMatchObject({ user: "@bob:hs2", server: "hs2" });
    expect(refused!.error).toMatch(/^M_FORBIDDEN/);
    const model = new TraceModel(live.records);
    expect(model.spaceTime.marks.filter((m) => m.kind === "refused").map((m) => m.server)).toEqual(["hs2"]);
    live.intervene({ at: 0, do: "message", user: "@bob:hs2", room: "room", body: "allowed" });
    live.step();
    expect(refusalOfLastIntervention(live.records)).toBeNull();
  });
});

describe("the small parts", () => {
  it("reads a retry's countdown and names nothing when nothing is pending", () => {
    const network: NetworkVm = {
      servers: [
        {
          id: "hs1",
          up: true,
          users: [],
          serviceUsers: [],
          services: [],
          width: 1,
          divergentFrom: [],
          backoff: [
            { destination: "hs2", retryAtMs: 0, inMs: 598_000, intervalMs: 600_000, failures: 2, catchUp: false },
            { destination: "hs3", retryAtMs: 0, inMs: 42_000, intervalMs: 60_000, failures: 1, catchUp: false },
          ],
        },
      ],
      links: [],
      messages: [],
      drops: [],
    };
    const empty = { room: null, servers: [], rows: [], divergent: {} };
    expect(liveStatus({ stateTable: empty, dags: [], network, misfits: NONE })).toMatchObject({
      kind: "empty",
      pending: "hs1 retries hs3 in 42s",
    });
    expect(formatDuration(598_000)).toBe("9m58s");
    expect(formatDuration(2 * 3600_000 + 5 * 60_000)).toBe("2h05m");
  });

  it("labels events in words and finds what a note names", () => {
    const base = { sender: "@bob:hs2", content: {} };
    expect(eventLabel({ ...base, type: "m.room.topic", stateKey: "", content: { topic: "minority" } })).toBe(
      "topic: minority",
    );
    expect(eventLabel({ ...base, type: "m.room.member", stateKey: "@bob:hs2", content: { membership: "join" } })).toBe(
      "join: bob",
    );
    expect(eventLabel({ ...base, type: "m.room.message", content: { body: "hi" } })).toBe("bob: hi");
    const named = namedIn(
      "Bob joins from hs2: hs2 asks hs1 for a join template; the topic stays.",
      ["hs1", "hs2", "hs3"],
      ["@alice:hs1", "@bob:hs2"],
    );
    expect(named).toEqual({ servers: ["hs1", "hs2"], users: ["@bob:hs2"], kinds: ["topic", "join"], network: false });
  });

  it("finds a scenario's adversarial and skewed servers", () => {
    expect(
      misfitsOf({
        name: "x",
        description: "",
        users: [],
        timeline: [],
        servers: [
          { name: "hs2", adversary: { kind: "clock-ahead", offsetMs: 60_000 } },
          { name: "hs1", skew: { offsetMs: -5_000 } },
          { name: "hs3" },
        ],
      }),
    ).toEqual({ adversarial: ["hs2"], skewed: { hs1: -5_000, hs2: 60_000 } });
  });
});
