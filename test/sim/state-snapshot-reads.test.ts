// StateSnapshot as a map: whatever mix of writes (`with`) and reads, every snapshot
// answers as a plain Map holding the same history would, before and after the reads
// that make it keep its entries in one map, and its parents keep their own answers.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stateKey, type EventId, type StateKey } from "../../core/index.ts";
import { StateSnapshot } from "../../sim/homeserver/state-snapshot.ts";

const SEED = 20261205;
const key = (i: number): StateKey => stateKey("m.room.member", `@u${i}:hs`);

type Step = { write: true; k: number; v: number } | { write: false; k: number; reads: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ write: fc.constant(true as const), k: fc.nat(12), v: fc.nat(5) }),
  fc.record({ write: fc.constant(false as const), k: fc.nat(14), reads: fc.integer({ min: 1, max: 40 }) }),
);

describe("StateSnapshot reads", () => {
  it("agree with a plain map after any writes and reads, for the snapshot and every one before it", () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 80 }), (steps) => {
        let snapshot = StateSnapshot.EMPTY;
        const model = new Map<StateKey, EventId>();
        const history: Array<[StateSnapshot, Map<StateKey, EventId>]> = [];
        for (const s of steps) {
          if (s.write) {
            snapshot = snapshot.with(key(s.k), `$e${s.v}` as EventId);
            model.set(key(s.k), `$e${s.v}` as EventId);
            history.push([snapshot, new Map(model)]);
          } else {
            for (let i = 0; i < s.reads; i++) expect(snapshot.get(key(s.k))).toBe(model.get(key(s.k)));
          }
        }
        for (const [older, itsModel] of history) {
          expect(older.size).toBe(itsModel.size);
          expect(new Map(older.toMap())).toEqual(itsModel);
          for (let k = 0; k <= 14; k++) expect(older.get(key(k))).toBe(itsModel.get(key(k)));
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it("hands out a copy from toMap, even once read often: changing it changes no snapshot", () => {
    let s = StateSnapshot.EMPTY;
    for (let i = 0; i < 10; i++) s = s.with(key(i), `$join${i}` as EventId);
    for (let i = 0; i < 100; i++) s.get(key(i % 10));
    const copy = s.toMap();
    copy.set(key(0), "$changed" as EventId);
    copy.delete(key(1));
    expect(s.get(key(0))).toBe("$join0");
    expect(s.get(key(1))).toBe("$join1");
  });
});
