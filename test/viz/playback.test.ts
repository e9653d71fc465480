// Playing: virtual time runs at the chosen speed, idle stretches are skipped, the page
// asks the worker for more at the end of what it has, walkthrough stops at notes.
import { describe, expect, it } from "vitest";
import { playFrame, type PlayInput } from "../../viz/model/playback.ts";
import { lastSeqOfStep, nextEventSeq, previousEventSeq, seqAtTime, stepAtSeq } from "../../viz/model/steps.ts";
import { Records } from "./records.ts";

function records(): Records {
  const r = new Records().start(["hs1", "hs2"]);
  r.at(0).add({ kind: "net.sent", msg: 0, from: "hs1", to: "hs2", what: "GET /x", deliverAtMs: 40 });
  r.at(40).add({ kind: "net.delivered", msg: 0, from: "hs1", to: "hs2", what: "GET /x" });
  r.at(600_000).add({ kind: "note", text: "ten minutes later" });
  r.at(600_010).add({ kind: "rpc.request", rpc: 0, from: "hs1", to: "hs2", method: "GET", path: "/y" });
  r.at(600_020).add({ kind: "net.sent", msg: 1, from: "hs1", to: "hs2", what: "GET /y", deliverAtMs: 600_060 });
  return r;
}

const base = (over: Partial<PlayInput>): PlayInput => ({
  cursor: { seq: 0, atMs: 0 },
  records: records().list,
  wallMs: 100,
  speed: 0.1,
  busy: true,
  nextAtMs: 700_000,
  walkthrough: false,
  ...over,
});

describe("playFrame", () => {
  it("moves virtual time by wall time × speed, over the records it passes", () => {
    const out = playFrame(base({ cursor: { seq: 1, atMs: 0 } }));
    expect(out.cursor).toEqual({ seq: 1, atMs: 10 });
    expect(playFrame(base({ cursor: { seq: 1, atMs: 35 } })).cursor).toEqual({ seq: 2, atMs: 45 });
  });

  it("skips an idle stretch to the next record when nothing moves", () => {
    expect(playFrame(base({ cursor: { seq: 2, atMs: 40 }, busy: false })).cursor).toEqual({ seq: 3, atMs: 600_000 });
    // …but not while something is on screen.
    expect(playFrame(base({ cursor: { seq: 2, atMs: 40 }, busy: true })).cursor).toEqual({ seq: 2, atMs: 50 });
  });

  it("stops at a note in walkthrough mode", () => {
    const out = playFrame(base({ cursor: { seq: 2, atMs: 40 }, busy: false, walkthrough: true }));
    expect(out).toMatchObject({ cursor: { seq: 3, atMs: 600_000 }, stoppedAtNote: 3 });
  });

  it("at the end of what was received, waits at the worker's next step and asks for more", () => {
    const out = playFrame(base({ cursor: { seq: 5, atMs: 600_020 }, nextAtMs: 600_025, wallMs: 100, speed: 1 }));
    expect(out).toMatchObject({ cursor: { seq: 5, atMs: 600_025 }, want: 600_120, ended: false });
  });

  it("ends when nothing more will come and nothing moves", () => {
    expect(playFrame(base({ cursor: { seq: 5, atMs: 600_100 }, nextAtMs: null, busy: false })).ended).toBe(true);
    expect(playFrame(base({ cursor: { seq: 5, atMs: 600_100 }, nextAtMs: null, busy: true })).ended).toBe(false);
  });
});

describe("steps and records", () => {
  // 2 records before the first step, then steps ending at 3, 3 (a step without records) and 6.
  const stepEnds = [2, 3, 3, 6];
  it("maps a record to the step it belongs to, and a step to its last record", () => {
    expect([-1, 0, 1, 2, 3, 4, 5, 9].map((seq) => stepAtSeq(stepEnds, seq))).toEqual([0, 0, 0, 2, 2, 2, 3, 3]);
    expect([0, 1, 2, 3, 7].map((step) => lastSeqOfStep(stepEnds, step))).toEqual([1, 2, 2, 5, 5]);
  });

  it("steps over plumbing records, and finds records by time", () => {
    const list = records().list;
    expect(nextEventSeq(list, 3)).toBe(5);
    expect(previousEventSeq(list, 5)).toBe(3);
    expect(nextEventSeq(list, 5)).toBeNull();
    expect(seqAtTime(list, 39)).toBe(1);
    expect(seqAtTime(list, 40)).toBe(2);
    expect(seqAtTime(list, -1)).toBe(-1);
  });
});
