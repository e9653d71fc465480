// The space-time diagram's arrows and marks, and the shortened time axis.
import { describe, expect, it } from "vitest";
import { arrowAt } from "../../viz/model/space-time-log.ts";
import { arrowRange, spaceTimeAt } from "../../viz/model/space-time.ts";
import { GAP_MIN_MS, GAP_SHOWN_MS, TimeAxis } from "../../viz/model/time-axis.ts";
import { TraceModel } from "../../viz/model/trace-model.ts";
import { Records } from "./records.ts";

function txnRun(): Records {
  const r = new Records().start(["hs1", "hs2", "hs3"]);
  // t1 to hs2 arrives and is acknowledged; t2 to hs3 is cut and times out.
  r.at(10).add({ kind: "fed.txn.sent", server: "hs1", destination: "hs2", txnId: "t1", pdus: ["$a"], catchUp: false });
  r.add({
    kind: "net.sent",
    msg: 0,
    from: "hs1",
    to: "hs2",
    what: "PUT /_matrix/federation/v1/send/t1",
    deliverAtMs: 40,
  });
  r.add({
    kind: "fault.partition",
    cuts: [
      { from: "hs1", to: "hs3" },
      { from: "hs3", to: "hs1" },
    ],
    mode: "drop",
  });
  r.add({ kind: "fed.txn.sent", server: "hs1", destination: "hs3", txnId: "t2", pdus: ["$a"], catchUp: false });
  r.add({
    kind: "net.dropped",
    msg: 1,
    from: "hs1",
    to: "hs3",
    what: "PUT /_matrix/federation/v1/send/t2",
    fault: "partition",
  });
  r.at(40).add({ kind: "net.delivered", msg: 0, from: "hs1", to: "hs2", what: "PUT /_matrix/federation/v1/send/t1" });
  r.at(70).add({ kind: "fed.txn.ok", server: "hs1", destination: "hs2", txnId: "t1" });
  r.at(30_010).add({ kind: "fed.txn.failed", server: "hs1", destination: "hs3", txnId: "t2", error: "timeout" });
  r.add({ kind: "server.crash", server: "hs3", lostActions: 0 });
  return r;
}

describe("space-time", () => {
  it("draws each transaction from send to arrival or loss, and its outcome as of the cursor", () => {
    const model = new TraceModel(txnRun().list);
    const [t1, t2] = model.spaceTime.arrows;
    expect([t1!.from, t1!.to, t1!.pdus, t1!.msg, t1!.deliverAtMs]).toEqual(["hs1", "hs2", 1, 0, 40]);
    expect(arrowAt(t1!, 2)).toEqual({ state: "flying", endAtMs: null, outcome: null });
    expect(arrowAt(t1!, 6)).toEqual({ state: "arrived", endAtMs: 40, outcome: null });
    expect(arrowAt(t1!, 7)).toEqual({ state: "arrived", endAtMs: 40, outcome: "ok" });
    expect(arrowAt(t2!, 5)).toEqual({ state: "lost", endAtMs: 10, outcome: null });
    expect(arrowAt(t2!, 8)).toEqual({ state: "lost", endAtMs: 10, outcome: "failed" });
  });

  it("says how much exists at the cursor without copying (no cap on events)", () => {
    const model = new TraceModel(txnRun().list);
    const early = spaceTimeAt(model, 2, 10, ["hs3", "hs1", "hs2"]);
    expect(early.lanes).toEqual(["hs1", "hs2", "hs3"]);
    expect(early.arrowCount).toBe(1);
    expect(early.markCount).toBe(0);
    const late = spaceTimeAt(model, 9, 30_010, ["hs1", "hs2", "hs3"]);
    expect(late.arrowCount).toBe(2);
    expect(late.marks.slice(0, late.markCount).map((m) => [m.kind, m.label])).toEqual([
      ["cut", "cut hs1⇹hs3 (drop)"],
      ["crash", "hs3 crashed"],
    ]);
    expect(late.arrows).toBe(model.spaceTime.arrows);
    expect(late.spanMsMax).toBe(30_000);
  });

  it("finds the arrows of a time window by binary search", () => {
    const model = new TraceModel(txnRun().list);
    const arrows = model.spaceTime.arrows;
    expect(arrowRange(arrows, arrows.length, 0, 5, 0)).toEqual([0, 0]);
    expect(arrowRange(arrows, arrows.length, 0, 10, 0)).toEqual([0, 2]);
    expect(arrowRange(arrows, arrows.length, 20, 100, 0)).toEqual([2, 2]);
    expect(arrowRange(arrows, arrows.length, 20, 100, 15)).toEqual([0, 2]);
  });
});

describe("TimeAxis", () => {
  it("shortens idle stretches and keeps everything else to scale, monotone both ways", () => {
    const axis = new TimeAxis();
    for (const t of [0, 30, 1_000, 601_000, 601_040, 10_000_000]) axis.observe(t);
    expect(axis.gaps.map((g) => [g.fromMs, g.toMs])).toEqual([
      [1_000, 601_000],
      [601_040, 10_000_000],
    ]);
    expect(axis.toAxis(30)).toBe(30);
    expect(axis.toAxis(601_000)).toBe(1_000 + GAP_SHOWN_MS);
    expect(axis.toAxis(601_040)).toBe(1_000 + GAP_SHOWN_MS + 40);
    let last = -Infinity;
    for (let t = 0; t <= 10_000_000; t += 9_973) {
      const x = axis.toAxis(t);
      expect(x).toBeGreaterThanOrEqual(last);
      expect(axis.fromAxis(x)).toBeCloseTo(t, 3);
      last = x;
    }
  });

  it("leaves short pauses alone", () => {
    const axis = new TimeAxis();
    for (const t of [0, GAP_MIN_MS, 2 * GAP_MIN_MS]) axis.observe(t);
    expect(axis.gaps).toEqual([]);
    expect(axis.toAxis(2 * GAP_MIN_MS)).toBe(2 * GAP_MIN_MS);
  });
});
