// Reverse topological power ordering and the sender power level it sorts by (spec:
// rooms/fragments/v2-state-res.md "Reverse topological power ordering"; spec issue 553 for
// the priority queue over all candidates).
import { describe, expect, it } from "vitest";
import type { EventId } from "../../../core/index.ts";
import { isPowerEvent, parseRoomVersion, senderPowerLevel } from "../../../core/index.ts";
import {
  powerEventsWithAuthChains,
  reverseTopologicalPowerOrdering,
  type PowerSortKey,
} from "../../../core/state-res/power-ordering.ts";
import { ALICE, BOB, CHARLIE, Dag, member } from "./dag.ts";

const ids = (...xs: string[]) => xs as EventId[];

/** A DAG from a table: id → its auth events within the set. */
const graphOf = (g: Record<string, string[]>) => new Map(Object.entries(g).map(([k, v]) => [k as EventId, ids(...v)]));

/** A sort key from a table: id → [sender PL, ts]. */
function keys(table: Record<string, [number, number]>): (id: EventId) => PowerSortKey {
  return (id) => ({ eventId: id, senderPowerLevel: table[id]![0], originServerTs: table[id]![1] });
}

describe("reverse topological power ordering", () => {
  it("auth events come first, whatever their keys", () => {
    // B cites A: A first even though B's sender is more powerful.
    const graph = graphOf({ $A: [], $B: ["$A"] });
    expect(reverseTopologicalPowerOrdering(graph, keys({ $A: [0, 9], $B: [100, 1] }))).toEqual(ids("$A", "$B"));
  });

  it("tie-break 1: the higher sender power level first", () => {
    const graph = graphOf({ $A: [], $B: [] });
    expect(reverseTopologicalPowerOrdering(graph, keys({ $A: [50, 1], $B: [100, 2] }))).toEqual(ids("$B", "$A"));
  });

  it("tie-break 2: same power, the smaller origin_server_ts first", () => {
    const graph = graphOf({ $A: [], $B: [] });
    expect(reverseTopologicalPowerOrdering(graph, keys({ $A: [50, 7], $B: [50, 3] }))).toEqual(ids("$B", "$A"));
  });

  it("tie-break 3: same power and ts, the smaller event id first", () => {
    const graph = graphOf({ $b: [], $a: [], $B: [] });
    // Code-point order: "$B" (0x42) < "$a" (0x61) < "$b".
    expect(reverseTopologicalPowerOrdering(graph, keys({ $a: [50, 3], $b: [50, 3], $B: [50, 3] }))).toEqual(
      ids("$B", "$a", "$b"),
    );
  });

  it("takes the smallest of all candidates at each step, not one wave at a time (spec issue 553)", () => {
    // A and B have no auth events; C cites B. Keys: B < C < A.
    // Priority queue: B, then candidates {A, C} → C, then A.
    // (Sorting wave by wave would give B, A, C.)
    const graph = graphOf({ $A: [], $B: [], $C: ["$B"] });
    expect(reverseTopologicalPowerOrdering(graph, keys({ $A: [0, 3], $B: [100, 1], $C: [100, 2] }))).toEqual(
      ids("$B", "$C", "$A"),
    );
  });

  it("Synapse's LexicographicalTestCase.test_simple, keys all equal but the id", () => {
    // l → o, m → n, o; n → o; p → o. Expected ["o", "l", "n", "m", "p"] (Synapse), which
    // is also the smallest-first Kahn order by hand: o; then {l, n, p} → l; {n, p} → n;
    // then m becomes ready and is smaller than p.
    const graph = graphOf({ $l: ["$o"], $m: ["$n", "$o"], $n: ["$o"], $o: [], $p: ["$o"] });
    const same = (id: EventId): PowerSortKey => ({ eventId: id, senderPowerLevel: 0, originServerTs: 0 });
    expect(reverseTopologicalPowerOrdering(graph, same)).toEqual(ids("$o", "$l", "$n", "$m", "$p"));
  });

  it("a cycle is bad input", () => {
    const graph = graphOf({ $A: ["$B"], $B: ["$A"] });
    expect(() => reverseTopologicalPowerOrdering(graph, keys({ $A: [0, 1], $B: [0, 2] }))).toThrow(/cycle/);
  });
});

describe("power events and their auth chains inside the full conflicted set (step 1)", () => {
  it("follows auth edges only while they stay in the full conflicted set (Synapse, ruma)", () => {
    // P (power) cites M (in the set), which cites N (not in the set), which cites O (in
    // the set): O is reachable from P only through N, so the walk does not add it.
    const auth: Record<string, string[]> = { $P: ["$M"], $M: ["$N"], $N: ["$O"], $O: [], $Q: [] };
    const graph = powerEventsWithAuthChains(
      new Set(ids("$P", "$M", "$O", "$Q")),
      (id) => id === "$P",
      (id) => ids(...auth[id]!),
    );
    expect(new Map(graph)).toEqual(
      new Map([
        ["$P", ["$M"]],
        ["$M", []],
      ]),
    );
  });
});

describe("isPowerEvent (spec: v2 state resolution, Power events)", () => {
  const dag = new Dag(parseRoomVersion("10"));
  const ev = (type: string, stateKey: string, sender: string, content = {}) =>
    dag.fetch(dag.add({ id: `$${dag.now}`, type, stateKey, sender, content }))!;
  const opts = { createIsPowerEvent: false };
  it("power levels, join rules, kicks and bans are; self-leaves, joins and topics are not", () => {
    expect(isPowerEvent(ev("m.room.power_levels", "", ALICE), opts)).toBe(true);
    expect(isPowerEvent(ev("m.room.join_rules", "", ALICE, { join_rule: "public" }), opts)).toBe(true);
    expect(isPowerEvent(ev("m.room.member", BOB, ALICE, member("leave")), opts)).toBe(true);
    expect(isPowerEvent(ev("m.room.member", BOB, ALICE, member("ban")), opts)).toBe(true);
    expect(isPowerEvent(ev("m.room.member", BOB, BOB, member("leave")), opts)).toBe(false);
    expect(isPowerEvent(ev("m.room.member", BOB, BOB, member("join")), opts)).toBe(false);
    expect(isPowerEvent(ev("m.room.topic", "", ALICE), opts)).toBe(false);
  });
  it("the create event only with createIsPowerEvent (Synapse, ruma)", () => {
    const create = ev("m.room.create", "", ALICE);
    expect(isPowerEvent(create, opts)).toBe(false);
    expect(isPowerEvent(create, { createIsPowerEvent: true })).toBe(true);
  });
});

describe("sender power level, from the event's own auth events", () => {
  // Synapse tests/state/test_v2.py test_get_power_level_for_sender, re-derived from the
  // power-level definitions (server-server-api.md, rooms/v11.md, rooms/v12.md).
  function room(version: string) {
    const dag = new Dag(parseRoomVersion(version));
    const v = dag.version;
    const createContent = v.auth.createRequiresCreator
      ? { creator: ALICE, room_version: version }
      : { room_version: version };
    dag.add({ id: "$00-create", type: "m.room.create", stateKey: "", sender: ALICE, content: createContent });
    const cited = v.auth.roomIdFromCreateEvent ? [] : ["$00-create"];
    dag.add({
      id: "$01-join",
      type: "m.room.member",
      stateKey: ALICE,
      sender: ALICE,
      content: member("join"),
      auth: cited,
      prev: ["$00-create"],
    });
    const users = v.auth.privilegedCreators ? { [BOB]: 50 } : { [ALICE]: 100, [BOB]: 50 };
    dag.add({
      id: "$02-pl",
      type: "m.room.power_levels",
      stateKey: "",
      sender: ALICE,
      content: { users, users_default: 10 },
      auth: [...cited, "$01-join"],
      prev: ["$01-join"],
    });
    const topicBy = (sender: string, withPl: boolean) => {
      const id = dag.add({
        id: `$t${dag.now}`,
        type: "m.room.topic",
        stateKey: "",
        sender,
        auth: [...cited, "$01-join", ...(withPl ? ["$02-pl"] : [])],
        prev: ["$02-pl"],
      });
      return senderPowerLevel(dag.fetch(id)!, v, dag.fetch);
    };
    return topicBy;
  }

  for (const version of ["10", "11"]) {
    it(`v${version}: users[sender], else users_default; without a cited PL event the creator 100, others 0`, () => {
      const topicBy = room(version);
      expect([topicBy(ALICE, true), topicBy(BOB, true), topicBy(CHARLIE, true)]).toEqual([100, 50, 10]);
      expect([topicBy(ALICE, false), topicBy(BOB, false), topicBy(CHARLIE, false)]).toEqual([100, 0, 0]);
    });
  }

  it("v12: the creator is infinitely powerful, with or without a PL event; the create event comes from room_id", () => {
    const topicBy = room("12");
    expect([topicBy(ALICE, true), topicBy(BOB, true), topicBy(CHARLIE, true)]).toEqual([Infinity, 50, 10]);
    expect([topicBy(ALICE, false), topicBy(BOB, false)]).toEqual([Infinity, 0]);
  });
});
