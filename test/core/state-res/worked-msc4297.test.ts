// MSC4297's problems A and B (matrix-org/matrix-spec-proposals
// proposals/4297-state-resolution-v2_1.md), as Synapse's tests/state/test_v21.py builds
// them, resolved under v2 (room version 11) and v2.1 (room version 12) with the real
// authorization rules. Every expected value is derived by hand below from the spec
// (rooms/fragments/v2-state-res.md; rooms/v12.md "State resolution"): v2 resets the state,
// v2.1 does not (and matches Synapse's expected v2.1 state).
import { describe, expect, it } from "vitest";
import type { JsonObject } from "../../../core/index.ts";
import { parseRoomVersion, resolveState, stateMapToObject } from "../../../core/index.ts";
import { ALICE, BOB, CHARLIE, Dag, EVELYN, member, ZARA } from "./dag.ts";

/** A room of the given version; `cite` adds the create event to auth events before v12. */
function room(version: "11" | "12") {
  const dag = new Dag(parseRoomVersion(version), { createId: "$01-create", hashIds: true });
  const v12 = dag.version.auth.privilegedCreators;
  const ev = (
    id: string,
    type: string,
    stateKey: string,
    sender: string,
    content: JsonObject,
    auth: string[],
    prev: string[] = [],
  ) =>
    dag.add({
      id,
      type,
      stateKey,
      sender,
      content,
      auth: v12 || type === "m.room.create" ? auth : ["$01-create", ...auth],
      prev,
    });
  // Before v12 the creator's power comes from the PL event; since v12 creators may not be
  // listed in it (rooms/v12.md rule 10.4) and are infinitely powerful anyway.
  const users = (u: Record<string, number>): JsonObject => ({ users: v12 ? u : { [ALICE]: 100, ...u } });
  return { dag, ev, users };
}

describe("MSC4297 problem A: conflicted join rules over an unconflicted leave", () => {
  // 1 create, 2 Alice joins, 3 PL (Bob 100), 4 JR1 public, 5 Bob joins, 6 JR2 invite,
  // 7 Alice leaves. A faulty server's state says JR1 instead of JR2.
  function build(version: "11" | "12") {
    const { dag, ev, users } = room(version);
    ev("$01-create", "m.room.create", "", ALICE, {}, []);
    ev("$02-ma1", "m.room.member", ALICE, ALICE, member("join"), [], ["$01-create"]);
    ev("$03-pl", "m.room.power_levels", "", ALICE, users({ [BOB]: 100 }), ["$02-ma1"]);
    ev("$04-jr1", "m.room.join_rules", "", ALICE, { join_rule: "public" }, ["$02-ma1", "$03-pl"]);
    ev("$05-mb", "m.room.member", BOB, BOB, member("join"), ["$03-pl", "$04-jr1"]);
    ev("$06-jr2", "m.room.join_rules", "", ALICE, { join_rule: "invite" }, ["$02-ma1", "$03-pl"]);
    ev("$07-ma2", "m.room.member", ALICE, ALICE, member("leave"), ["$03-pl", "$02-ma1"]);
    const correct = dag.state("$01-create", "$07-ma2", "$05-mb", "$03-pl", "$06-jr2");
    const incorrect = dag.state("$01-create", "$07-ma2", "$05-mb", "$03-pl", "$04-jr1");
    return { dag, sets: [correct, incorrect] };
  }

  it("v2 (room version 11) loses the join rules", () => {
    // Conflicted {JR1, JR2}; auth difference {JR2} (JR1 is in both full chains through
    // Bob's join). X = {JR1, JR2}, both Alice's. Step 2 starts from the unconflicted
    // state, where Alice has left: both fail "sender's membership is not join". The
    // join-rules key is in neither the partial state nor the unconflicted map: gone.
    const { dag, sets } = build("11");
    const { state, explanation } = resolveState(parseRoomVersion("11"), sets, dag.fetch, { explain: true });
    expect(dag.names(explanation.authDifference)).toEqual(["$06-jr2"]);
    expect(dag.names(stateMapToObject(state))).toEqual(
      dag.names(stateMapToObject(dag.state("$01-create", "$07-ma2", "$05-mb", "$03-pl"))),
    );
    expect(dag.names(explanation.authChecks.map((c) => [c.eventId, c.outcome]))).toEqual([
      ["$04-jr1", "rejected"],
      ["$06-jr2", "rejected"],
    ]);
  });

  it("v2.1 (room version 12) keeps the newer join rules", () => {
    // Same sets. Step 2 starts empty: Alice's membership comes from each event's own
    // auth events (MA1, join), so JR1 (ts 4) then JR2 (ts 6) pass → JR2. Synapse's
    // test_state_reset_start_empty_set expects the same.
    const { dag, sets } = build("12");
    const { state, explanation } = resolveState(parseRoomVersion("12"), sets, dag.fetch, { explain: true });
    expect(dag.names(explanation.conflictedStateSubgraph)).toEqual([]);
    expect(dag.names(stateMapToObject(state))).toEqual(
      dag.names(stateMapToObject(dag.state("$01-create", "$07-ma2", "$05-mb", "$03-pl", "$06-jr2"))),
    );
  });
});

describe("MSC4297 problem B: Alice promotes Bob, Bob promotes Charlie", () => {
  // Synapse test_state_reset_replay_conflicted_subgraph: 1 create, 2 Alice joins, 3 P1,
  // 4 JR public, 5 Bob joins, 6 Charlie joins, 7 P2 (Alice: Bob 50), 8 P3 (Bob: Charlie 50),
  // 9 ME1 Evelyn joins citing P3, 10 ME2 Evelyn joins again citing the old P1 (and ME1),
  // 11 Zara joins citing P3. A dodgy state after ME2 says PL = P1.
  function build(version: "11" | "12") {
    const { dag, ev, users } = room(version);
    ev("$01-create", "m.room.create", "", ALICE, {}, []);
    ev("$02-ma", "m.room.member", ALICE, ALICE, member("join"), [], ["$01-create"]);
    ev("$03-p1", "m.room.power_levels", "", ALICE, users({}), ["$02-ma"]);
    ev("$04-jr", "m.room.join_rules", "", ALICE, { join_rule: "public" }, ["$02-ma", "$03-p1"]);
    ev("$05-mb", "m.room.member", BOB, BOB, member("join"), ["$03-p1", "$04-jr"]);
    ev("$06-mc", "m.room.member", CHARLIE, CHARLIE, member("join"), ["$03-p1", "$04-jr"]);
    ev("$07-p2", "m.room.power_levels", "", ALICE, users({ [BOB]: 50 }), ["$02-ma", "$03-p1"]);
    ev("$08-p3", "m.room.power_levels", "", BOB, users({ [BOB]: 50, [CHARLIE]: 50 }), ["$05-mb", "$07-p2"]);
    ev("$09-me1", "m.room.member", EVELYN, EVELYN, member("join"), ["$08-p3", "$04-jr"]);
    ev("$10-me2", "m.room.member", EVELYN, EVELYN, member("join"), ["$03-p1", "$04-jr", "$09-me1"]);
    ev("$11-mz", "m.room.member", ZARA, ZARA, member("join"), ["$08-p3", "$04-jr"]);
    const dodgy = dag.state("$01-create", "$02-ma", "$05-mb", "$06-mc", "$10-me2", "$03-p1", "$04-jr");
    const sensible = dag.state("$01-create", "$02-ma", "$05-mb", "$06-mc", "$11-mz", "$08-p3", "$04-jr");
    return { dag, sets: [dodgy, sensible] };
  }

  it("v2 (room version 11) resets the power levels to P1", () => {
    // Conflicted {ME2, MZ, P1, P3}; auth difference {ME1, ME2, MZ} (P2 is in both full
    // chains). Full conflicted set {P1, P3, ME1, ME2, MZ}: P2 is missing. X = {P1, P3}
    // (their auth events are outside the set): P1 (Alice, no PL cited: creator 100, ts 3)
    // then P3 (Bob, 50). Step 2 from the unconflicted state: P1 allowed (no PL before);
    // P3 checked against P1, where Bob has 0 → rejected. Mainline [P1]: ME1 → P3 → P2 →
    // P1, ME2 → P1, MZ → P3 → P2 → P1: all position 0, by ts ME1, ME2, MZ, all allowed.
    const { dag, sets } = build("11");
    const { state, explanation } = resolveState(parseRoomVersion("11"), sets, dag.fetch, { explain: true });
    expect(dag.names(explanation.fullConflictedSet).sort()).toEqual([
      "$03-p1",
      "$08-p3",
      "$09-me1",
      "$10-me2",
      "$11-mz",
    ]);
    expect(dag.names(stateMapToObject(state))).toEqual(
      dag.names(
        stateMapToObject(
          dag.state("$01-create", "$02-ma", "$05-mb", "$06-mc", "$10-me2", "$11-mz", "$03-p1", "$04-jr"),
        ),
      ),
    );
  });

  it("v2.1 (room version 12) replays the subgraph: P3 stands, Evelyn's latest join is ME1", () => {
    // The conflicted state subgraph adds everything on auth paths between conflicted
    // events: ME2 → ME1 → P3 → P2 → P1, P3 → MB → P1, ME2 → JR → P1, MZ → P3.
    // X = {P1, P2, P3, JR, MB}; Kahn (Alice is a creator: ∞): P1, then JR (ts 4) before P2
    // (ts 7), then MB (Bob, 0), then P3. Step 2 from an empty state: all allowed (P3:
    // Bob has 50 under P2 and grants Charlie 50). Mainline [P3, P2, P1]: ME2 → P1 = 2,
    // ME1 → P3 = 0, MZ → P3 = 0; order ME2, ME1 (ts 9), MZ (ts 11); all allowed, so ME1
    // is applied last for Evelyn. Synapse's test expects exactly this state.
    const { dag, sets } = build("12");
    const { state, explanation } = resolveState(parseRoomVersion("12"), sets, dag.fetch, { explain: true });
    expect(dag.names(explanation.conflictedStateSubgraph)!.sort()).toEqual([
      "$03-p1",
      "$04-jr",
      "$05-mb",
      "$07-p2",
      "$08-p3",
      "$09-me1",
      "$10-me2",
      "$11-mz",
    ]);
    expect(dag.names(explanation.sortedPowerEvents.map((p) => p.eventId))).toEqual([
      "$03-p1",
      "$04-jr",
      "$07-p2",
      "$05-mb",
      "$08-p3",
    ]);
    expect(dag.names(explanation.sortedRemainingEvents)).toEqual([
      { eventId: "$10-me2", mainlinePosition: 2, originServerTs: 10 },
      { eventId: "$09-me1", mainlinePosition: 0, originServerTs: 9 },
      { eventId: "$11-mz", mainlinePosition: 0, originServerTs: 11 },
    ]);
    expect(dag.names(stateMapToObject(state))).toEqual(
      dag.names(
        stateMapToObject(
          dag.state("$01-create", "$02-ma", "$05-mb", "$06-mc", "$09-me1", "$11-mz", "$08-p3", "$04-jr"),
        ),
      ),
    );
  });
});
