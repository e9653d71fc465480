// StateSnapshot.keysThatMayDiffer: which keys a state change may have touched. Outside
// the returned set, both snapshots must agree; when one is built on the other, the set is
// just the keys set in between (so reporting a state change costs what changed, not the
// room's size).
import { describe, expect, it } from "vitest";
import { stateKey, type EventId, type StateKey } from "../../core/index.ts";
import { StateSnapshot } from "../../sim/homeserver/state-snapshot.ts";

const key = (i: number): StateKey => stateKey("m.room.member", `@u${i}:hs`);
const id = (s: string) => `$${s}` as EventId;

function agreeOutside(a: StateSnapshot, b: StateSnapshot, keys: Set<StateKey>): boolean {
  const all = new Set([...a.keys(), ...b.keys()]);
  return [...all].every((k) => keys.has(k) || a.get(k) === b.get(k));
}

describe("StateSnapshot.keysThatMayDiffer", () => {
  let base = StateSnapshot.EMPTY;
  for (let i = 0; i < 100; i++) base = base.with(key(i), id(`join${i}`));

  it("is the keys set in between when one snapshot is built on the other, either way round", () => {
    const after = base.with(key(3), id("leave3")).with(key(200), id("join200"));
    expect([...base.keysThatMayDiffer(after)].sort()).toEqual([key(200), key(3)].sort());
    expect([...after.keysThatMayDiffer(base)].sort()).toEqual([key(200), key(3)].sort());
    expect(base.keysThatMayDiffer(base).size).toBe(0);
  });

  it("covers every differing key across a flattening and between unrelated snapshots", () => {
    let long = base;
    for (let i = 0; i < 70; i++) long = long.with(key(i % 7), id(`change${i}`));
    const keys = base.keysThatMayDiffer(long);
    expect(agreeOutside(base, long, keys)).toBe(true);
    for (let i = 0; i < 7; i++) expect(keys.has(key(i))).toBe(true);
    const other = StateSnapshot.from(
      new Map([
        [key(1), id("x")],
        [key(500), id("y")],
      ]),
    );
    const unrelated = base.keysThatMayDiffer(other);
    expect(agreeOutside(base, other, unrelated)).toBe(true);
    expect(unrelated.has(key(500))).toBe(true);
  });
});
