// The view model against real runs: what the page draws at the end of three-servers, in
// the middle of a join, during a split and after the heal — and that it depends only on
// (records, seq, atMs, room), however the cursor got there.
import { describe, expect, it } from "vitest";
import { nodeCrypto } from "../../cli/node-crypto.ts";
import { findScenario } from "../../scenarios/index.ts";
import { LiveRun } from "../../viz/engine/live-run.ts";
import { CHECKPOINT_EVERY, TraceModel } from "../../viz/model/trace-model.ts";
import { motionAt, viewModelAt, type ViewMemo } from "../../viz/model/view-model.ts";

function threeServers(): LiveRun {
  const live = new LiveRun(findScenario("three-servers")!, { seed: "1", crypto: nodeCrypto });
  while (!live.scenarioDone) live.step();
  return live;
}

const end = (m: TraceModel) => ({ seq: m.length - 1, atMs: m.records[m.length - 1]!.atMs });

/**
 * The view model as of its cursor, for deep comparisons: without the space-time's shared
 * logs and the figures about everything received (they are hints for drawing what lies
 * past the cursor, and grow with the records received, not with the cursor).
 */
function plain(vm: ReturnType<typeof viewModelAt>) {
  const { arrows, marks, dots, axis, headAtMs, spanMsMax, ...spaceTime } = vm.spaceTime;
  void [arrows, marks, dots, axis, headAtMs, spanMsMax];
  return { ...vm, spaceTime };
}

describe("viewModelAt on three-servers", () => {
  const live = threeServers();
  const model = new TraceModel(live.records);

  it("ends with three servers holding the same room: same state, one head each", () => {
    const vm = viewModelAt(model, end(model));
    expect(vm.run).toMatchObject({ scenario: "three-servers", servers: ["hs1", "hs2", "hs3"] });
    expect(vm.end).toEqual({ reason: "converged", steps: live.steps });
    expect(vm.network.servers.map((s) => [s.id, s.up, s.users, s.width, s.divergentFrom])).toEqual([
      ["hs1", true, ["@alice:hs1"], 1, []],
      ["hs2", true, ["@bob:hs2"], 1, []],
      ["hs3", true, ["@carol:hs3"], 1, []],
    ]);
    expect(vm.stateTable.servers).toEqual(["hs1", "hs2", "hs3"]);
    expect(vm.stateTable.rows.some((r) => r.disagree)).toBe(false);
    expect(vm.stateTable.rows.find((r) => r.type === "m.room.name")!.cells.hs3!.text).toBe("“Federation”");
    const heads = vm.dags.map((d) => d.extremities);
    expect(heads[0]).toHaveLength(1);
    expect(heads[1]).toEqual(heads[0]);
    expect(heads[2]).toEqual(heads[0]);
    // hs2 and hs3 joined over federation: the room's earlier events are outliers there.
    expect(vm.dags.map((d) => d.counts.outlier)).toEqual([0, 7, 8]);
    expect(vm.network.messages).toEqual([]);
    // Transactions: Carol's join to hs2 (hs1 sends a join it got through send_join to the
    // other residents, not back to the joiner: Synapse's send_on_behalf_of), and each of the
    // three messages to the two other servers.
    expect(vm.spaceTime.arrowCount).toBe(7);
    expect(vm.annotation?.text).toMatch(/^Each message is a PDU/);
  });

  it("moves the messages of a join between their records", () => {
    const sent = model.records.find((r) => r.kind === "net.sent" && r.what.includes("make_join"))!;
    if (sent.kind !== "net.sent" || sent.deliverAtMs === null) throw new Error("expected a timed make_join");
    const halfway = (sent.atMs + sent.deliverAtMs) / 2;
    const vm = viewModelAt(model, { seq: sent.seq, atMs: halfway });
    const m = vm.network.messages.find((x) => x.id === String(sent.msg))!;
    expect(m).toMatchObject({ from: "hs2", to: "hs1", kind: "request", held: false });
    expect(m.progress).toBeCloseTo(0.5, 5);
    expect(vm.annotation?.text).toMatch(/^Alice creates a room/);
  });

  it("is a function of the cursor: scrubbing back and forth, checkpoints and the memo change nothing", () => {
    const memo: ViewMemo = {};
    const seqs = [0, model.length - 1, 17, 160, 3, 120, 121, 5, 189];
    for (const seq of seqs) {
      const cursor = { seq, atMs: model.records[seq]!.atMs + 3 };
      const fresh = viewModelAt(new TraceModel(model.records.slice(0, seq + 1)), cursor);
      expect(plain(viewModelAt(model, cursor, { memo })), `seq ${seq}`).toEqual(plain(fresh));
    }
  });
});

describe("motionAt", () => {
  const model = new TraceModel(threeServers().records);

  it("is viewModelAt when its base is the same moment, and moves only the moving parts otherwise", () => {
    const join = model.records.find((r) => r.kind === "net.sent" && r.what.includes("send_join"))!;
    const cursor = { seq: join.seq, atMs: join.atMs + 5 };
    expect(plain(motionAt(model, cursor, viewModelAt(model, cursor)))).toEqual(plain(viewModelAt(model, cursor)));
    const base = viewModelAt(model, { seq: 10, atMs: 0 });
    const moved = motionAt(model, cursor, base);
    const now = viewModelAt(model, cursor).network;
    expect([moved.network.messages, moved.network.links, moved.network.drops]).toEqual([
      now.messages,
      now.links,
      now.drops,
    ]);
    // The widths and badges come with the DAGs and the state they were derived from.
    expect(moved.network.servers.map((s) => s.width)).toEqual(base.network.servers.map((s) => s.width));
    expect(moved.dags).toBe(base.dags);
    expect(moved.stateTable).toBe(base.stateTable);
    expect(moved.detailSeq).toBe(10);
    expect(moved.seq).toBe(join.seq);
  });

  it("reuses a server's DAG while its log has not changed (the memo by version)", () => {
    const memo: ViewMemo = {};
    const sent = model.records.findIndex((r, i) => i > 100 && r.kind === "net.sent");
    const a = viewModelAt(model, { seq: sent, atMs: 0 }, { memo });
    const b = viewModelAt(model, { seq: sent + 1, atMs: 0 }, { memo });
    expect(b.dags.filter((d, i) => d === a.dags[i]).length).toBe(3); // a network record changes no DAG
    expect(b.dags).toEqual(viewModelAt(model, { seq: sent + 1, atMs: 0 }).dags);
  });
});

describe("viewModelAt through a split and a heal", () => {
  const live = threeServers();
  live.intervene({ at: 0, do: "partition", partition: { shape: "isolate", server: "hs3" } });
  live.intervene({ at: 0, do: "topic", user: "@alice:hs1", room: "room", topic: "north" });
  live.intervene({ at: 0, do: "message", user: "@carol:hs3", room: "room", body: "south" });
  live.runUntil(live.nowMs + 5_000);
  const split = live.records.length;
  live.intervene({ at: 0, do: "heal" });
  while (live.step());
  const model = new TraceModel(live.records);

  it("during the split: the links to hs3 cut both ways, the topic disagreeing, badges on everyone", () => {
    const vm = viewModelAt(model, { seq: split - 1, atMs: model.records[split - 1]!.atMs });
    expect(vm.network.links.map((l) => [l.id, l.cutAB, l.cutBA])).toEqual([
      ["hs1|hs2", null, null],
      ["hs1|hs3", "drop", "drop"],
      ["hs2|hs3", "drop", "drop"],
    ]);
    const topic = vm.stateTable.rows.find((r) => r.type === "m.room.topic")!;
    expect(topic.disagree).toBe(true);
    expect([topic.cells.hs1?.text, topic.cells.hs2?.text, topic.cells.hs3]).toEqual(["“north”", "“north”", null]);
    expect(vm.stateTable.divergent).toEqual({ hs1: ["hs3"], hs2: ["hs3"], hs3: ["hs1", "hs2"] });
    expect(vm.network.servers.map((s) => s.divergentFrom.length > 0)).toEqual([true, true, true]);
    expect(vm.dags.map((d) => d.width)).toEqual([1, 1, 1]);
    expect(vm.spaceTime.marks.slice(0, vm.spaceTime.markCount).filter((m) => m.kind === "cut")).toHaveLength(1);
  });

  it("after the heal: every server holds both heads, and the same state", () => {
    const vm = viewModelAt(model, end(model));
    const topic = vm.dags[0]!.nodes.find((n) => n.type === "m.room.topic" && n.content.topic === "north")!;
    const south = vm.dags[2]!.nodes.find((n) => n.content.body === "south")!;
    for (const d of vm.dags) expect(d.extremities, d.server).toEqual([topic.id, south.id].sort());
    expect(vm.network.servers.map((s) => [s.width, s.divergentFrom])).toEqual([
      [2, []],
      [2, []],
      [2, []],
    ]);
    expect(vm.stateTable.rows.some((r) => r.disagree)).toBe(false);
    expect(vm.network.links.every((l) => !l.cutAB && !l.cutBA)).toBe(true);
    const failed = vm.spaceTime.arrows.filter((a) => a.to === "hs3" && a.outcome && !a.outcome.ok);
    expect(failed.length).toBeGreaterThan(0);
  });
});

describe("TraceModel", () => {
  it("keeps a checkpoint every CHECKPOINT_EVERY records and agrees with a fresh fold at every seq", () => {
    const live = new LiveRun(findScenario("netsplit-heal")!, { seed: "2", crypto: nodeCrypto });
    live.advanceToStep(600);
    const model = new TraceModel(live.records);
    expect(model.length).toBeGreaterThan(3 * CHECKPOINT_EVERY);
    const order = [
      model.length - 1,
      2 * CHECKPOINT_EVERY - 1,
      2 * CHECKPOINT_EVERY,
      5,
      CHECKPOINT_EVERY + 7,
      model.length - 2,
      0,
      -1,
    ];
    for (const seq of order) {
      const fresh = new TraceModel(model.records.slice(0, seq + 1)).liveAt(seq);
      expect(model.liveAt(seq), `seq ${seq}`).toEqual(fresh);
    }
  });

  it("forgets records from a point and takes new ones (a re-made run)", () => {
    const live = threeServers();
    const model = new TraceModel(live.records);
    const before = model.generation;
    model.truncate(100);
    expect(model.length).toBe(100);
    expect(model.generation).toBe(before + 1);
    model.append(live.records.slice(100));
    expect(model.liveAt(model.length - 1)).toEqual(new TraceModel(live.records).liveAt(model.length - 1));
    expect(() => model.append([live.records[3]!])).toThrow(/out of order: expected seq/);
  });
});
