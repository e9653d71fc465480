// State resolution v2.1 (MSC4297, rooms/v12.md "State resolution") is v2 with two changes,
// each a flag of the room version (stateResRules). Taken one at a time on room version
// 11's rules, each fixes the MSC4297 problem it was made for and not the other: the
// empty start fixes problem A, the conflicted state subgraph fixes problem B. The
// expected states are worked by hand below from the spec's steps (the fixtures' own
// descriptions give the v2 and v2.1 answers), not taken from our output.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  defineRoomVersion,
  parseFixture,
  parseRoomVersion,
  resolveState,
  stateMapToObject,
  type Fixture,
  type RoomVersion,
  type StateResRules,
} from "../../../core/index.ts";

const v11 = parseRoomVersion("11");
const emptyStartOnly = defineRoomVersion("test.v2-empty-start", v11, {
  stateResRules: { checksStartFromEmptyState: true },
});
const subgraphOnly = defineRoomVersion("test.v2-subgraph", v11, {
  stateResRules: { fullConflictedSetIncludesSubgraph: true },
});
const both: Partial<StateResRules> = { checksStartFromEmptyState: true, fullConflictedSetIncludesSubgraph: true };
const v21OnV11 = defineRoomVersion("test.v21-on-v11", v11, { stateResRules: both });

function fixture(name: string, version: RoomVersion): Fixture {
  const path = fileURLToPath(new URL(`../../fixtures/${name}.json`, import.meta.url));
  return parseFixture(JSON.parse(readFileSync(path, "utf8")), name, version);
}

function resolve(name: string, version: RoomVersion) {
  const f = fixture(name, version);
  return resolveState(version, f.stateSets!, (id) => f.events.get(id), { explain: true });
}

/** The state as a sorted list of event ids (each fixture has one event per key). */
const ids = (outcome: ReturnType<typeof resolve>) => [...outcome.state.values()].sort();

describe("MSC4297 problem A (conflicted join rules; Alice has left, unconflicted)", () => {
  const v2Answer = ["$01-create", "$03-pl", "$05-mb", "$07-ma2"];
  const fixedAnswer = ["$01-create", "$03-pl", "$05-mb", "$06-jr2", "$07-ma2"];

  it("the empty start alone keeps JR2", () => {
    // Full conflicted set {JR1, JR2} (auth difference {JR2}). Step 2 starts empty, so
    // Alice's membership comes from each event's own auth events (MA1, join) and the PL
    // event gives her 100: JR1 (ts 4) then JR2 (ts 6) pass. Step 5 adds the
    // unconflicted create, MA2, MB and PL.
    const outcome = resolve("msc4297-problem-a-v11", emptyStartOnly);
    expect(ids(outcome)).toEqual(fixedAnswer);
    expect(outcome.explanation.algorithm).toBe("v2.1-partial");
    expect(outcome.explanation.conflictedStateSubgraph).toBeUndefined();
  });

  it("the subgraph alone changes nothing here: the join rules are lost as in v2", () => {
    // No auth path joins JR1 and JR2, so the subgraph adds nothing; step 2 starts from
    // the unconflicted state, where Alice has left: both join rules fail.
    const outcome = resolve("msc4297-problem-a-v11", subgraphOnly);
    expect(outcome.explanation.conflictedStateSubgraph).toEqual([]);
    expect(ids(outcome)).toEqual(v2Answer);
    expect(outcome.explanation.authChecks.map((c) => c.outcome)).toEqual(["rejected", "rejected"]);
  });

  it("v2 loses the join rules and both changes together keep JR2", () => {
    expect(ids(resolve("msc4297-problem-a-v11", v11))).toEqual(v2Answer);
    expect(ids(resolve("msc4297-problem-a-v11", v21OnV11))).toEqual(fixedAnswer);
  });
});

describe("MSC4297 problem B (Alice promotes Bob, Bob promotes Charlie; a state set says P1)", () => {
  const v2Answer = ["$01-create", "$02-ma", "$03-p1", "$04-jr", "$05-mb", "$06-mc", "$10-me2", "$11-mz"];
  const fixedAnswer = ["$01-create", "$02-ma", "$04-jr", "$05-mb", "$06-mc", "$08-p3", "$09-me1", "$11-mz"];

  it("the subgraph alone keeps P3", () => {
    // Subgraph of {P1, P3, ME2, MZ}: ME2 → ME1 → P3 → P2 → P1, P3 → MB → JR → P1,
    // MZ → P3. Power events and their chains in the set: P1, JR, P2, MB, P3 (Kahn: P1;
    // JR before P2 by ts; P2 (100) before MB (0); P3). Step 2 from the unconflicted
    // state: all pass (P3: Bob has 50 under P2, Charlie gets 50). Mainline P3 → P2 → P1:
    // ME2 (on P1) first, then ME1, MZ by ts; ME1 is applied last for Evelyn.
    const outcome = resolve("msc4297-problem-b-v11", subgraphOnly);
    expect(outcome.explanation.conflictedStateSubgraph!.slice().sort()).toEqual([
      "$03-p1",
      "$04-jr",
      "$05-mb",
      "$07-p2",
      "$08-p3",
      "$09-me1",
      "$10-me2",
      "$11-mz",
    ]);
    expect(outcome.explanation.sortedPowerEvents.map((p) => p.eventId)).toEqual([
      "$03-p1",
      "$04-jr",
      "$07-p2",
      "$05-mb",
      "$08-p3",
    ]);
    expect(ids(outcome)).toEqual(fixedAnswer);
  });

  it("the empty start alone changes nothing here: the power levels reset to P1 as in v2", () => {
    // Without the subgraph P2 is missing from the full conflicted set {P1, P3, ME1, ME2,
    // MZ}. Step 2 from empty: P1 passes (no PL before); P3 is checked against P1, where
    // Bob has 0 < 50: rejected. ME1, ME2, MZ then all pass in ts order: Evelyn gets ME2.
    const outcome = resolve("msc4297-problem-b-v11", emptyStartOnly);
    expect(outcome.explanation.sortedPowerEvents.map((p) => p.eventId)).toEqual(["$03-p1", "$08-p3"]);
    expect(outcome.explanation.partialState).toEqual({ "m.room.power_levels": { "": "$03-p1" } });
    expect(ids(outcome)).toEqual(v2Answer);
  });

  it("v2 resets to P1 and both changes together keep P3", () => {
    expect(ids(resolve("msc4297-problem-b-v11", v11))).toEqual(v2Answer);
    const outcome = resolve("msc4297-problem-b-v11", v21OnV11);
    expect(ids(outcome)).toEqual(fixedAnswer);
    expect(outcome.explanation.algorithm).toBe("v2.1");
  });
});

it("the explanation names the algorithm: v2 without either change", () => {
  const outcome = resolve("msc4297-problem-a-v11", v11);
  expect(outcome.explanation.algorithm).toBe("v2");
  expect(stateMapToObject(outcome.state)["m.room.join_rules"]).toBeUndefined();
});
