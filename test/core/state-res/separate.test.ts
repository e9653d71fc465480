// Unconflicted state map / conflicted state set (spec: rooms/fragments/v2-state-res.md
// "Unconflicted state map and conflicted state set"; rooms/v1.md "A conflict occurs
// between states where those states have different event_ids for the same key").
import { describe, expect, it } from "vitest";
import type { EventId, StateKey } from "../../../core/index.ts";
import { conflictedStateSet, stateKey, unconflictedStateMap } from "../../../core/index.ts";
import { separateV1 } from "../../../core/state-res/v1.ts";

const NAME = stateKey("m.room.name", "");
const TOPIC = stateKey("m.room.topic", "");
const ALICE = stateKey("m.room.member", "@alice:x");

const set = (entries: Array<[StateKey, string]>) => new Map(entries.map(([k, v]) => [k, v as EventId]));

describe("unconflicted state map and conflicted state set (v2)", () => {
  const s1 = set([
    [NAME, "$n1"],
    [TOPIC, "$t1"],
    [ALICE, "$a1"],
  ]);
  const s2 = set([
    [NAME, "$n1"],
    [TOPIC, "$t2"],
  ]);

  it("a key with the same event in every set is unconflicted", () => {
    expect([...unconflictedStateMap([s1, s2])]).toEqual([[NAME, "$n1"]]);
  });

  it("different events for a key are conflicted, and a key missing from one set is conflicted too", () => {
    // By the definition: (K, V) is unconflicted only if K is in *every* S_i with V.
    expect(conflictedStateSet([s1, s2])).toEqual(
      new Map([
        [ALICE, ["$a1"]],
        [TOPIC, ["$t1", "$t2"]],
      ]),
    );
  });

  it("does not depend on the order of the state sets", () => {
    const s3 = set([
      [NAME, "$n2"],
      [TOPIC, "$t1"],
    ]);
    const forward = conflictedStateSet([s1, s2, s3]);
    const backward = conflictedStateSet([s3, s2, s1]);
    expect([...backward]).toEqual([...forward]);
    expect([...unconflictedStateMap([s3, s2, s1])]).toEqual([...unconflictedStateMap([s1, s2, s3])]);
    expect(forward.get(NAME)).toEqual(["$n1", "$n2"]);
  });

  it("one state set: everything unconflicted", () => {
    expect([...unconflictedStateMap([s1])].length).toBe(3);
    expect(conflictedStateSet([s1]).size).toBe(0);
  });
});

describe("v1 separation", () => {
  it("a key held by only some sets is not a conflict in v1 (rooms/v1.md)", () => {
    const s1 = set([
      [NAME, "$n1"],
      [ALICE, "$a1"],
    ]);
    const s2 = set([[NAME, "$n2"]]);
    const { unconflicted, conflicted } = separateV1([s1, s2]);
    expect([...unconflicted]).toEqual([[ALICE, "$a1"]]);
    expect([...conflicted]).toEqual([[NAME, ["$n1", "$n2"]]]);
  });
});
