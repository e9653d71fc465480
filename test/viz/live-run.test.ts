// The web view's driver of a run: the same trace as `netsplit run` without interventions,
// replays exactly from (scenario, seed, interventions) with them — free play after the
// scenario's end included — and the engine session re-makes the run when an
// intervention is made in the past.
import { describe, expect, it } from "vitest";
import { nodeCrypto } from "../../cli/node-crypto.ts";
import { findScenario, runScenario } from "../../scenarios/index.ts";
import type { Intervention } from "../../scenarios/runner/run.ts";
import { traceHash, traceToJsonLines, type TraceRecord } from "../../sim/trace.ts";
import { LiveRun } from "../../viz/engine/live-run.ts";
import { EngineSession, RECORDS_PER_MESSAGE } from "../../viz/engine/session.ts";
import type { FromWorker } from "../../viz/worker/protocol.ts";

const threeServers = findScenario("three-servers")!;

function runToEnd(live: LiveRun): void {
  while (!live.scenarioDone) if (!live.step()) break;
}

/** Split hs3 off after the scenario's end, talk on both sides, heal, run until quiet. */
function splitAndHeal(live: LiveRun): void {
  runToEnd(live);
  live.intervene({ at: 0, do: "partition", partition: { shape: "isolate", server: "hs3" } });
  live.intervene({ at: 0, do: "topic", user: "@alice:hs1", room: "room", topic: "north" });
  live.intervene({ at: 0, do: "message", user: "@carol:hs3", room: "room", body: "south" });
  for (let i = 0; i < 20; i++) live.step();
  live.intervene({ at: 0, do: "heal" });
  while (live.step());
}

describe("LiveRun", () => {
  it("gives runScenario's trace, byte for byte, when nobody intervenes", () => {
    for (const scenario of ["three-servers", "topic-war", "crash-and-catch-up"]) {
      const live = new LiveRun(findScenario(scenario)!, { seed: "3", crypto: nodeCrypto });
      runToEnd(live);
      const report = runScenario(findScenario(scenario)!, { seed: "3", crypto: nodeCrypto });
      expect(traceHash(live.records, nodeCrypto), scenario).toBe(report.traceHash);
      expect(live.stepEnds).toHaveLength(report.steps + 1);
      expect(live.stepEnds[report.steps]).toBe(report.traceRecords);
    }
  });

  it("keeps going after the scenario's end (free play), and replays it from the recipe", () => {
    const live = new LiveRun(threeServers, { seed: "1", crypto: nodeCrypto });
    splitAndHeal(live);
    const kinds = live.records.map((r) => r.kind);
    expect(kinds.indexOf("run.end")).toBeLessThan(kinds.lastIndexOf("pdu.accepted"));
    expect(live.interventions.map((i) => ("action" in i ? i.action.do : "fork"))).toEqual([
      "partition",
      "topic",
      "message",
      "heal",
    ]);
    // Every intervention is stamped with the virtual time it was made at.
    expect(live.interventions.every((i) => "action" in i && i.action.at >= 4000)).toBe(true);

    const replay = new LiveRun(threeServers, { seed: "1", crypto: nodeCrypto, interventions: live.interventions });
    replay.advanceToStep(live.steps);
    expect(traceToJsonLines(replay.records)).toBe(traceToJsonLines(live.records));
  });

  it("replays interventions made during the scenario as ScenarioRun does", () => {
    const interventions: Intervention[] = [
      { afterStep: 10, action: { at: 0, do: "partition", partition: { shape: "isolate", server: "hs2" } } },
      { afterStep: 20, fork: "other" },
    ];
    const live = new LiveRun(threeServers, { seed: "1", crypto: nodeCrypto, interventions });
    runToEnd(live);
    const report = runScenario(threeServers, { seed: "1", crypto: nodeCrypto, interventions });
    expect(traceHash(live.records, nodeCrypto)).toBe(report.traceHash);
    expect(live.records.some((r) => r.kind === "run.fork")).toBe(true);
  });

  it("reports the next step's time, and null once the network is quiet", () => {
    const live = new LiveRun(threeServers, { seed: "1", crypto: nodeCrypto });
    expect(live.nextAtMs()).toBe(0);
    runToEnd(live);
    expect(live.nextAtMs()).toBeNull();
    expect(live.step()).toBe(false);
    live.intervene({ at: 0, do: "message", user: "@bob:hs2", room: "room", body: "more" });
    expect(live.nextAtMs()).toBeGreaterThan(live.nowMs);
    expect(live.runUntil(live.nowMs + 60_000)).toBeGreaterThan(0);
  });
});

describe("EngineSession", () => {
  function session() {
    const posts: FromWorker[] = [];
    const s = new EngineSession((m) => posts.push(m), nodeCrypto);
    return { s, posts, records: () => records(posts) };
  }

  /** Apply the records messages as the page does. */
  function records(posts: FromWorker[]): TraceRecord[] {
    const out: TraceRecord[] = [];
    for (const m of posts) {
      if (m.type !== "records") continue;
      if (m.truncateTo !== undefined) out.length = m.truncateTo;
      out.push(...m.records);
    }
    return out;
  }

  it("streams the records of a run, with each step's end", () => {
    const { s, posts, records: got } = session();
    const info = s.load({ name: "three-servers" }, "1", []);
    expect(info).toMatchObject({
      scenario: "three-servers",
      servers: ["hs1", "hs2", "hs3"],
      users: ["@alice:hs1", "@bob:hs2", "@carol:hs3"],
    });
    expect(info.annotations).toHaveLength(3);
    expect(info.scenarios.map((x) => x.name)).toContain("topic-war");
    while (!s.advance({ toEnd: true }, 7));
    expect(traceHash(got(), nodeCrypto)).toBe(runScenario(threeServers, { seed: "1", crypto: nodeCrypto }).traceHash);
    const ends = posts.flatMap((m) => (m.type === "records" ? m.stepEnds : []));
    expect(ends).toEqual(s.run.stepEnds);
    expect(s.head()).toMatchObject({
      scenarioDone: true,
      nextAtMs: null,
      rooms: { room: expect.stringMatching(/^!/) },
    });
  });

  it("posts a long stretch in messages of at most RECORDS_PER_MESSAGE records, the step ends with the last", () => {
    const { s, posts, records: got } = session();
    s.load({ name: "netsplit-heal" }, "1", []);
    const before = posts.length;
    s.advance({ toEnd: true }, 1_000_000);
    const messages = posts.slice(before).filter((m) => m.type === "records");
    expect(messages.length).toBeGreaterThan(1);
    for (const m of messages) expect(m.records.length).toBeLessThanOrEqual(RECORDS_PER_MESSAGE);
    expect(messages.slice(0, -1).every((m) => m.stepEnds.length === 0)).toBe(true);
    expect(messages.at(-1)!.stepEnds.length).toBeGreaterThan(0);
    // Put together as the page does, they are the run's records and step ends.
    expect(got()).toEqual(s.run.records);
    expect(posts.flatMap((m) => (m.type === "records" ? m.stepEnds : []))).toEqual(s.run.stepEnds);
  });

  it("re-makes the run when an intervention is made in the past, forgetting what followed", () => {
    const { s, records: got } = session();
    s.load({ name: "three-servers" }, "1", []);
    while (!s.advance({ toEnd: true }, 1000));
    const full = got();
    s.intervene(20, { at: 0, do: "crash", server: "hs3" });
    const after = got();
    const cut = s.run.stepEnds[20]!;
    expect(after.slice(0, cut)).toEqual(full.slice(0, cut));
    expect(after[cut]).toMatchObject({
      kind: "run.intervention",
      afterStep: 20,
      action: { do: "crash", server: "hs3" },
    });
    expect(s.run.steps).toBe(20);
    // The re-made run replays from its recipe.
    while (!s.advance({ toEnd: true }, 1000));
    const replay = new LiveRun(threeServers, { seed: "1", crypto: nodeCrypto, interventions: s.head().interventions });
    replay.advanceToStep(s.run.steps);
    expect(traceHash(replay.records, nodeCrypto)).toBe(traceHash(got(), nodeCrypto));
  });

  it("forks from a step with another seed", () => {
    const { s, records: got } = session();
    s.load({ name: "netsplit-heal" }, "1", []);
    s.advance({ toStep: 400 }, 10_000);
    s.fork(300, "other");
    expect(got().at(-1)).toMatchObject({ kind: "run.fork", afterStep: 300, seed: "other" });
    expect(s.head().interventions).toEqual([{ afterStep: 300, fork: "other" }]);
  });

  it("explains a server's state, now or as it stood at an earlier step", () => {
    const { s } = session();
    s.load({ name: "ban-vs-power-levels" }, "1", []);
    while (!s.advance({ toEnd: true }, 10_000));
    const room = s.head().rooms.room!;
    const now = s.explain(s.run.steps, { room, server: "hs2" });
    expect(now).toMatchObject({ ok: true, of: "extremities", server: "hs2" });
    if (!now.ok) throw new Error(now.reason);
    expect(now.explanation.resolvedState["m.room.power_levels"]).toBeDefined();
    expect(s.explain(0, { room, server: "hs2" })).toEqual({ ok: false, reason: `hs2 does not hold ${room}` });
    expect(s.explain(s.run.steps, { room, server: "hs9" })).toMatchObject({
      ok: false,
      reason: expect.stringContaining("no server hs9"),
    });
  });

  it("runs a JSON scenario, and names an unknown one", () => {
    const { s } = session();
    const json = {
      name: "tiny",
      description: "two servers",
      servers: [{ name: "a" }, { name: "b" }],
      users: ["@u:a"],
      timeline: [{ at: 0, do: "createRoom", user: "@u:a", room: "r" }],
    };
    expect(s.load({ json }, "1", []).servers).toEqual(["a", "b"]);
    expect(() => s.load({ name: "nope" }, "1", [])).toThrow(/no scenario "nope": known are three-servers/);
  });
});
