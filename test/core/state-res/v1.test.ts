// State resolution v1 (rooms/v1.md "State resolution") with the real authorization rules.
// Each expected value is worked out below from the spec's passes; where the spec is
// silent, Synapse's synapse/state/v1.py is the default and the option shows the other
// reading.
import { describe, expect, it } from "vitest";
import type { JsonObject, ResolveOptions } from "../../../core/index.ts";
import { parseRoomVersion, resolveState, stateKey } from "../../../core/index.ts";
import { sha1Hex } from "../../../core/state-res/v1.ts";
import { ALICE, BOB, CHARLIE, Dag, member, ZARA } from "./dag.ts";

const PL = stateKey("m.room.power_levels", "");
const TOPIC = stateKey("m.room.topic", "");

/**
 * create(1) ← Alice joins(2) ← PL0 {Alice 100, Bob 50}(3) ← JR public(4) ← Bob joins(5)
 * ← Charlie joins(6); depths in brackets. Events named `$x:example.com` (v1 ids are opaque).
 */
function room() {
  const dag = new Dag(parseRoomVersion("1"), { createId: "$create:example.com" });
  const base = ["$create:example.com"];
  const ev = (
    id: string,
    type: string,
    stateKey: string,
    sender: string,
    content: JsonObject,
    auth: string[],
    depth: number,
  ) => dag.add({ id, type, stateKey, sender, content, auth: [...base, ...auth], depth, prev: [] });
  dag.add({
    id: "$create:example.com",
    type: "m.room.create",
    stateKey: "",
    sender: ALICE,
    content: { creator: ALICE },
    depth: 1,
  });
  dag.add({
    id: "$ma:example.com",
    type: "m.room.member",
    stateKey: ALICE,
    sender: ALICE,
    content: member("join"),
    auth: base,
    prev: ["$create:example.com"],
    depth: 2,
  });
  ev(
    "$pl0:example.com",
    "m.room.power_levels",
    "",
    ALICE,
    { users: { [ALICE]: 100, [BOB]: 50 } },
    ["$ma:example.com"],
    3,
  );
  ev(
    "$jr:example.com",
    "m.room.join_rules",
    "",
    ALICE,
    { join_rule: "public" },
    ["$ma:example.com", "$pl0:example.com"],
    4,
  );
  ev("$mb:example.com", "m.room.member", BOB, BOB, member("join"), ["$pl0:example.com", "$jr:example.com"], 5);
  ev("$mc:example.com", "m.room.member", CHARLIE, CHARLIE, member("join"), ["$pl0:example.com", "$jr:example.com"], 6);
  const baseState = [
    "$create:example.com",
    "$ma:example.com",
    "$pl0:example.com",
    "$jr:example.com",
    "$mb:example.com",
    "$mc:example.com",
  ];
  const stateWith = (...ids: string[]) => {
    const s = dag.state(...baseState);
    for (const [k, v] of dag.state(...ids)) s.set(k, v);
    return s;
  };
  return { dag, ev, stateWith };
}

describe("sha1(event_id)", () => {
  it("is the hex SHA-1 of the id's UTF-8 bytes (digests from Python's hashlib)", () => {
    expect(sha1Hex("$ta:example.com")).toBe("85e8607f55e46ba8264291ebe2c83411b8ad7c38");
    expect(sha1Hex("$tb:example.com")).toBe("29d1d9d32fe1c1187a1783719a81a1de2387191a");
  });
});

describe("v1: power levels", () => {
  it("the lowest-depth PL event goes into R unchecked; the next one is checked against it", () => {
    const { dag, ev, stateWith } = room();
    // Charlie (0 under PL0) makes himself 100 at depth 7: not allowed, but first in the
    // list. Bob's change at depth 8 lowers Charlie from 100 to 50, checked against R with
    // Charlie's PL: Charlie's current 100 ≥ Bob's 50 → rejected, the pass stops.
    ev(
      "$pc:example.com",
      "m.room.power_levels",
      "",
      CHARLIE,
      { users: { [ALICE]: 100, [BOB]: 50, [CHARLIE]: 100 } },
      ["$pl0:example.com", "$mc:example.com"],
      7,
    );
    ev(
      "$pb:example.com",
      "m.room.power_levels",
      "",
      BOB,
      { users: { [ALICE]: 100, [BOB]: 50, [CHARLIE]: 50 } },
      ["$pl0:example.com", "$mb:example.com"],
      8,
    );
    const { state, explanation } = resolveState(
      parseRoomVersion("1"),
      [stateWith("$pc:example.com"), stateWith("$pb:example.com")],
      dag.fetch,
      { explain: true },
    );
    expect(state.get(PL)).toBe("$pc:example.com");
    const decision = explanation.v1Decisions!.find((d) => d.pass === "power_levels")!;
    expect(decision.candidates).toEqual(["$pc:example.com", "$pb:example.com"]);
    expect(decision.checks.map((c) => c.outcome)).toEqual(["accepted", "rejected"]);
  });

  it("each next PL event that passes replaces the one before", () => {
    const { dag, ev, stateWith } = room();
    // Alice demotes Bob at depth 7; Bob's (allowed at the time) change at depth 8 is
    // checked against Alice's: Bob now has 0 < 50 → rejected. Alice's stays.
    ev(
      "$pa:example.com",
      "m.room.power_levels",
      "",
      ALICE,
      { users: { [ALICE]: 100, [BOB]: 0 } },
      ["$pl0:example.com", "$ma:example.com"],
      7,
    );
    ev(
      "$pb:example.com",
      "m.room.power_levels",
      "",
      BOB,
      { users: { [ALICE]: 100, [BOB]: 50, [CHARLIE]: 50 } },
      ["$pl0:example.com", "$mb:example.com"],
      8,
    );
    const forward = resolveState(
      parseRoomVersion("1"),
      [stateWith("$pa:example.com"), stateWith("$pb:example.com")],
      dag.fetch,
    );
    expect(forward.get(PL)).toBe("$pa:example.com");
    // With Bob's change deeper in the DAG than Alice's, Bob's goes in first and Alice's
    // (she has 100 under it) replaces it.
    const { dag: dag2, ev: ev2, stateWith: stateWith2 } = room();
    ev2(
      "$pb:example.com",
      "m.room.power_levels",
      "",
      BOB,
      { users: { [ALICE]: 100, [BOB]: 50, [CHARLIE]: 50 } },
      ["$pl0:example.com", "$mb:example.com"],
      7,
    );
    ev2(
      "$pa:example.com",
      "m.room.power_levels",
      "",
      ALICE,
      { users: { [ALICE]: 100, [BOB]: 0 } },
      ["$pl0:example.com", "$ma:example.com"],
      8,
    );
    expect(
      resolveState(
        parseRoomVersion("1"),
        [stateWith2("$pa:example.com"), stateWith2("$pb:example.com")],
        dag2.fetch,
      ).get(PL),
    ).toBe("$pa:example.com");
  });
});

describe("v1: other keys", () => {
  it("the highest-depth event that passes auth in R", () => {
    const { dag, ev, stateWith } = room();
    // Charlie (0 < state_default 50) at depth 10 fails; Alice's at depth 9 passes.
    ev("$t1:example.com", "m.room.topic", "", ALICE, { topic: "a" }, ["$pl0:example.com", "$ma:example.com"], 9);
    ev("$t2:example.com", "m.room.topic", "", CHARLIE, { topic: "c" }, ["$pl0:example.com", "$mc:example.com"], 10);
    expect(
      resolveState(parseRoomVersion("1"), [stateWith("$t1:example.com"), stateWith("$t2:example.com")], dag.fetch).get(
        TOPIC,
      ),
    ).toBe("$t1:example.com");
  });

  it("same depth: the lowest sha1(event_id)", () => {
    const { dag, ev, stateWith } = room();
    // sha1("$tb:example.com") = 29d1… < sha1("$ta:example.com") = 85e8…; both pass.
    ev("$ta:example.com", "m.room.topic", "", ALICE, { topic: "a" }, ["$pl0:example.com", "$ma:example.com"], 9);
    ev("$tb:example.com", "m.room.topic", "", ALICE, { topic: "b" }, ["$pl0:example.com", "$ma:example.com"], 9);
    expect(
      resolveState(parseRoomVersion("1"), [stateWith("$ta:example.com"), stateWith("$tb:example.com")], dag.fetch).get(
        TOPIC,
      ),
    ).toBe("$tb:example.com");
  });

  it("none passes: Synapse takes the lowest-depth one; v1WhenNoneAllowed: 'omit' takes none", () => {
    const { dag, ev, stateWith } = room();
    ev("$t1:example.com", "m.room.topic", "", CHARLIE, { topic: "1" }, ["$pl0:example.com", "$mc:example.com"], 9);
    ev("$t2:example.com", "m.room.topic", "", CHARLIE, { topic: "2" }, ["$pl0:example.com", "$mc:example.com"], 10);
    const sets = [stateWith("$t1:example.com"), stateWith("$t2:example.com")];
    expect(resolveState(parseRoomVersion("1"), sets, dag.fetch).get(TOPIC)).toBe("$t1:example.com");
    const omit: ResolveOptions = { v1WhenNoneAllowed: "omit" };
    expect(resolveState(parseRoomVersion("1"), sets, dag.fetch, omit).has(TOPIC)).toBe(false);
  });
});

describe("v1: memberships", () => {
  // Bob: his join (depth 5) vs Alice kicking him (depth 9). Charlie: his join (depth 6)
  // vs Zara setting Charlie's membership (depth 7; sender ≠ state_key → never allowed).
  function kicks() {
    const { dag, ev, stateWith } = room();
    ev(
      "$kb:example.com",
      "m.room.member",
      BOB,
      ALICE,
      member("leave"),
      ["$pl0:example.com", "$ma:example.com", "$mb:example.com"],
      9,
    );
    ev("$mc2:example.com", "m.room.member", CHARLIE, ZARA, member("join"), ["$pl0:example.com", "$jr:example.com"], 7);
    const s1 = stateWith();
    const s2 = stateWith("$kb:example.com", "$mc2:example.com");
    return { dag, sets: [s1, s2] };
  }

  it("per key (Synapse): the kick passes after Bob's join; Zara's event fails after Charlie's", () => {
    const { dag, sets } = kicks();
    const state = resolveState(parseRoomVersion("1"), sets, dag.fetch);
    expect(state.get(stateKey("m.room.member", BOB))).toBe("$kb:example.com");
    expect(state.get(stateKey("m.room.member", CHARLIE))).toBe("$mc:example.com");
  });

  it("one list (v1MemberConflicts: 'single-list'): Zara's failure stops the pass before the kick", () => {
    // By depth: Bob's join (5, unchecked), Charlie's join (6, allowed), Zara's (7,
    // rejected: stop). The kick (9) is never reached; Bob's join stays.
    const { dag, sets } = kicks();
    const state = resolveState(parseRoomVersion("1"), sets, dag.fetch, { v1MemberConflicts: "single-list" });
    expect(state.get(stateKey("m.room.member", BOB))).toBe("$mb:example.com");
    expect(state.get(stateKey("m.room.member", CHARLIE))).toBe("$mc:example.com");
  });
});
