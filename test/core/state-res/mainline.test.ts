// Mainline, mainline positions and mainline ordering (spec:
// rooms/fragments/v2-state-res.md "Mainline ordering").
import { describe, expect, it } from "vitest";
import type { EventId } from "../../../core/index.ts";
import { mainline, parseRoomVersion } from "../../../core/index.ts";
import { mainlineOrdering, MainlinePositions } from "../../../core/state-res/mainline.ts";
import { ALICE, Dag } from "./dag.ts";

// P1 ← P2 ← P3 is the mainline of P3. Q2 forks off P1 (Q2 → P1) and R3 cites Q2.
// Events: a cites P3, b cites P2, c cites Q2 (→ P1), d cites R3 (→ Q2 → P1), e cites no PL.
function setup() {
  const dag = new Dag(parseRoomVersion("10"));
  dag.add({ id: "$00-create", type: "m.room.create", stateKey: "", sender: ALICE, content: { creator: ALICE } });
  const pl = (id: string, auth: string[], ts?: number) =>
    dag.add({
      id,
      type: "m.room.power_levels",
      stateKey: "",
      sender: ALICE,
      auth: ["$00-create", ...auth],
      ...(ts ? { ts } : {}),
    });
  pl("$P1", []);
  pl("$P2", ["$P1"]);
  pl("$P3", ["$P2"]);
  pl("$Q2", ["$P1"]);
  pl("$R3", ["$Q2"]);
  const topic = (id: string, auth: string[], ts: number) =>
    dag.add({ id, type: "m.room.topic", stateKey: "", sender: ALICE, auth: ["$00-create", ...auth], ts });
  topic("$a", ["$P3"], 50);
  topic("$b", ["$P2"], 40);
  topic("$c", ["$Q2"], 30);
  topic("$d", ["$R3"], 20);
  topic("$e", [], 60);
  topic("$f", ["$P2"], 40);
  return dag;
}

describe("mainline", () => {
  it("is P0 = P, then the PL event each one cites, newest first", () => {
    const dag = setup();
    expect(mainline("$P3" as EventId, dag.version, dag.fetch)).toEqual(["$P3", "$P2", "$P1"]);
    expect(mainline(undefined, dag.version, dag.fetch)).toEqual([]);
  });
});

describe("mainline positions", () => {
  it("are the index of the first cited PL event on the mainline; ∞ without one", () => {
    const dag = setup();
    const positions = new MainlinePositions(mainline("$P3" as EventId, dag.version, dag.fetch), dag.version, dag.fetch);
    const at = (id: string) => positions.positionOf(id as EventId);
    // a → P3 = P0; b → P2 = P1; c → Q2 → P1 = P2; d → R3 → Q2 → P1 = P2; e: no PL → ∞.
    expect([at("$a"), at("$b"), at("$c"), at("$d"), at("$e")]).toEqual([0, 1, 2, 2, Infinity]);
    // The event itself is not considered (j ≥ 1): P2's position comes from P1.
    expect(at("$P2")).toBe(2);
  });

  it("with no PL event in the partial state, every position is ∞", () => {
    const dag = setup();
    const positions = new MainlinePositions([], dag.version, dag.fetch);
    expect(positions.positionOf("$a" as EventId)).toBe(Infinity);
  });

  it("are memoised: a second event through the same PL events fetches nothing new", () => {
    const base = setup();
    let fetches = 0;
    const fetch = (id: EventId) => {
      fetches++;
      return base.fetch(id);
    };
    const positions = new MainlinePositions(mainline("$P3" as EventId, base.version, base.fetch), base.version, fetch);
    positions.positionOf("$d" as EventId); // d, its auth events, R3 and its, Q2 and its
    const before = fetches;
    positions.positionOf("$d" as EventId);
    // Only d and its own auth events are looked at again; R3 → Q2 → P1 is remembered.
    expect(fetches - before).toBe(1 + 2);
  });
});

describe("mainline ordering", () => {
  it("greater position first (∞ first), then smaller ts, then smaller id", () => {
    const dag = setup();
    const positions = new MainlinePositions(mainline("$P3" as EventId, dag.version, dag.fetch), dag.version, dag.fetch);
    const order = mainlineOrdering(["$a", "$b", "$c", "$d", "$e", "$f"] as EventId[], positions, dag.fetch);
    // e (∞); then position 2: d (ts 20) before c (ts 30); then position 1: b and f both
    // ts 40, "$b" < "$f"; then a (position 0).
    expect(order.map((k) => k.eventId)).toEqual(["$e", "$d", "$c", "$b", "$f", "$a"]);
    expect(order.map((k) => k.mainlinePosition)).toEqual([Infinity, 2, 2, 1, 1, 0]);
  });
});
