// Hovering the space-time diagram: the hit test finds the arrow under the pointer (the
// nearest within reach, a lane mark first), and a transaction is described as it stood
// at the cursor — before it arrived it is "in the air", before its response "waiting".
import { describe, expect, it } from "vitest";
import type { TxnArrow } from "../../viz/model/space-time-log.ts";
import { describeArrow, hitAt, type HitTargets } from "../../viz/model/space-time-hover.ts";

const ms = (t: number) => `${t} ms`;

const arrow: TxnArrow = {
  id: 10,
  seq: 10,
  from: "hs1",
  to: "hs2",
  txnId: "t7",
  pdus: 2,
  catchUp: false,
  sentAtMs: 100,
  msg: 3,
  deliverAtMs: 400,
  arrived: { atMs: 400, seq: 20 },
  lost: null,
  outcome: { ok: true, atMs: 700, seq: 30 },
};

describe("hitAt", () => {
  const targets: HitTargets = {
    segments: [0, 0, 100, 100, 0, 100, 100, 0],
    arrowIndex: [4, 9],
    marks: [
      { index: 1, x: 50, y: null },
      { index: 2, x: 80, y: 20 },
    ],
  };

  it("finds the nearest arrow within reach, and nothing far from everything", () => {
    expect(hitAt(targets, 20, 22)).toEqual({ kind: "arrow", index: 4 });
    expect(hitAt(targets, 20, 79)).toEqual({ kind: "arrow", index: 9 });
    expect(hitAt(targets, 10, 60)).toBeNull();
  });

  it("a mark on a lane wins over an arrow under it; an axis mark is found along its line", () => {
    expect(hitAt(targets, 80, 20)).toEqual({ kind: "mark", index: 2 });
    expect(hitAt(targets, 52, 200)).toEqual({ kind: "mark", index: 1 });
  });
});

describe("describeArrow", () => {
  it("says what, from, to, when and the outcome, as of the cursor", () => {
    expect(describeArrow(arrow, 40, ms)).toEqual([
      "transaction t7: 2 PDUs",
      "from hs1 to hs2",
      "sent at 100 ms",
      "arrived at 400 ms",
      "outcome: acknowledged at 700 ms",
    ]);
    expect(describeArrow(arrow, 15, ms).slice(3)).toEqual([
      "in the air, due at 400 ms",
      "outcome: waiting for the response",
    ]);
    expect(describeArrow(arrow, 5, ms).at(-1)).toBe("sent at 100 ms — after the cursor");
  });

  it("a lost transaction says where and why, and its failure", () => {
    const lost: TxnArrow = {
      ...arrow,
      arrived: null,
      lost: { atMs: 250, seq: 15, fault: "partition" },
      outcome: { ok: false, atMs: 60_100, seq: 50, error: "timeout" },
    };
    expect(describeArrow(lost, 60, ms).slice(3)).toEqual([
      "lost at 250 ms (partition)",
      "outcome: failed at 60100 ms — timeout",
    ]);
  });
});
