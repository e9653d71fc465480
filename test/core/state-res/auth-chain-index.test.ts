// AuthChainIndex: auth chains, auth difference and the conflicted state subgraph on a
// chain cover (spec: rooms/fragments/v2-state-res.md "Auth chain", "Auth difference";
// rooms/v12.md "Conflicted state subgraph"). Small cases worked by hand; a property test
// checks every operation against the definitions computed naively on random DAGs.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { EventId, Pdu } from "../../../core/index.ts";
import { AuthChainIndex, parseRoomVersion } from "../../../core/index.ts";
import { WALK_SETS_MAX } from "../../../core/state-res/auth-walks.ts";
import { ALICE, Dag } from "./dag.ts";

/** A → B → C → D style chains: `links` maps an event to its auth events. */
function dagOf(links: Record<string, string[]>, version = "10"): Dag {
  const dag = new Dag(parseRoomVersion(version));
  for (const [id, auth] of Object.entries(links)) {
    dag.add({ id, type: "m.room.member", stateKey: id, sender: ALICE, auth });
  }
  return dag;
}

function indexOf(dag: Dag): AuthChainIndex {
  return new AuthChainIndex({ roomVersion: dag.version, fetchEvent: dag.fetch });
}

describe("auth chain", () => {
  it("is everything reachable through auth_events, without the event itself", () => {
    // A ← B ← C, A ← D, C and D ← E (arrows point at auth events).
    const dag = dagOf({ $A: [], $B: ["$A"], $C: ["$B"], $D: ["$A"], $E: ["$C", "$D"] });
    const index = indexOf(dag);
    expect(index.authChain("$E" as EventId)).toEqual(["$A", "$B", "$C", "$D"]);
    expect(index.authChain("$D" as EventId)).toEqual(["$A"]);
    expect(index.authChain("$A" as EventId)).toEqual([]);
    expect(index.reaches(index.indexOf("$E" as EventId), index.indexOf("$B" as EventId))).toBe(true);
    expect(index.reaches(index.indexOf("$D" as EventId), index.indexOf("$B" as EventId))).toBe(false);
  });

  it("indexes each event once: a second question fetches nothing", () => {
    const dag = dagOf({ $A: [], $B: ["$A"], $C: ["$B", "$A"] });
    let fetches = 0;
    const index = new AuthChainIndex({
      roomVersion: dag.version,
      fetchEvent: (id) => {
        fetches++;
        return dag.fetch(id);
      },
    });
    index.authChain("$C" as EventId);
    expect(fetches).toBe(3);
    index.authChain("$C" as EventId);
    index.authChain("$B" as EventId);
    index.authDifference([["$B" as EventId], ["$C" as EventId]], { includeStateEvents: true });
    expect(fetches).toBe(3);
  });

  it("since v12 the create event implied by room_id is in every auth chain", () => {
    const dag = new Dag(parseRoomVersion("12"));
    dag.add({ id: "$00-create", type: "m.room.create", stateKey: "", sender: ALICE });
    dag.add({ id: "$01-join", type: "m.room.member", stateKey: ALICE, sender: ALICE, auth: [], prev: ["$00-create"] });
    expect(indexOf(dag).authChain("$01-join" as EventId)).toEqual(["$00-create"]);
  });

  it("a missing event is bad input: the error names it", () => {
    const dag = dagOf({ $A: [] });
    const index = new AuthChainIndex({
      roomVersion: parseRoomVersion("10"),
      fetchEvent: (id) =>
        id === "$B" ? ({ ...dag.fetch("$A" as EventId)!, auth_events: ["$gone"] } as Pdu) : dag.fetch(id),
    });
    expect(() => index.indexOf("$B" as EventId)).toThrow(/\$gone/);
  });

  it("a cycle of auth events is bad input", () => {
    const base = dagOf({ $A: [] }).fetch("$A" as EventId)!;
    const events: Record<string, Pdu> = { $X: { ...base, auth_events: ["$Y"] }, $Y: { ...base, auth_events: ["$X"] } };
    const index = new AuthChainIndex({ roomVersion: parseRoomVersion("10"), fetchEvent: (id) => events[id] });
    expect(() => index.indexOf("$X" as EventId)).toThrow(/cycle/);
  });

  it("a failed walk leaves nothing behind: the same error again, and other events index as before", () => {
    const base = dagOf({ $A: [] }).fetch("$A" as EventId)!;
    const events: Record<string, Pdu> = {
      $A: base,
      $X: { ...base, auth_events: ["$A", "$Y"] },
      $Y: { ...base, auth_events: ["$X"] },
      $Z: { ...base, auth_events: ["$A"] },
    };
    const index = new AuthChainIndex({ roomVersion: parseRoomVersion("10"), fetchEvent: (id) => events[id] });
    expect(() => index.indexOf("$X" as EventId)).toThrow(/cycle/);
    expect(() => index.indexOf("$Y" as EventId)).toThrow(/cycle/);
    expect(index.authChain("$Z" as EventId)).toEqual(["$A"]);
    expect(index.size).toBe(2);
  });

  it("a walk longer than its named limit stops with an error", () => {
    const links: Record<string, string[]> = { $e0: [] };
    for (let i = 1; i < 30; i++) links[`$e${i}`] = [`$e${i - 1}`];
    const dag = dagOf(links);
    const index = new AuthChainIndex({ roomVersion: parseRoomVersion("10"), fetchEvent: dag.fetch, walkStepsMax: 20 });
    expect(() => index.indexOf("$e29" as EventId)).toThrow(/AUTH_WALK_STEPS_MAX/);
  });

  it("an index belongs to one room version", () => {
    const index = new AuthChainIndex();
    index.attach(parseRoomVersion("10"), () => undefined);
    expect(() => index.attach(parseRoomVersion("11"), () => undefined)).toThrow(/room version/);
  });
});

describe("auth difference", () => {
  // Synapse tests/state/test_v2.py AuthChainDifferenceTestCase, re-derived from the
  // definition ∪C_i − ∩C_i with C_i the full auth chain of S_i.
  it("chain C → B → A, sets {A, B} and {C}", () => {
    const index = indexOf(dagOf({ $A: [], $B: ["$A"], $C: ["$B"] }));
    const sets = [["$A", "$B"], ["$C"]] as EventId[][];
    // With the state events in C_i (Synapse): C1 = {A, B}, C2 = {C, B, A} → {C}.
    expect(index.authDifference(sets, { includeStateEvents: true })).toEqual(["$C"]);
    // Literal reading: C1 = chain(A) ∪ chain(B) = {A}, C2 = chain(C) = {B, A} → {B}.
    expect(index.authDifference(sets, { includeStateEvents: false })).toEqual(["$B"]);
  });

  it("chain D → C → B → A, sets {A, B} and {C, D}", () => {
    const index = indexOf(dagOf({ $A: [], $B: ["$A"], $C: ["$B"], $D: ["$C"] }));
    // C1 = {A, B}, C2 = {A, B, C, D} → {C, D}.
    expect(
      index.authDifference(
        [
          ["$A", "$B"],
          ["$C", "$D"],
        ] as EventId[][],
        { includeStateEvents: true },
      ),
    ).toEqual(["$C", "$D"]);
  });

  it("D → C → B → A and E → C, B; sets {A, B, E} and {C, D}", () => {
    const index = indexOf(dagOf({ $A: [], $B: ["$A"], $C: ["$B"], $D: ["$C"], $E: ["$C", "$B"] }));
    // C1 = {A, B, E, C}, C2 = {C, D, B, A} → {D, E}.
    expect(
      index.authDifference(
        [
          ["$A", "$B", "$E"],
          ["$C", "$D"],
        ] as EventId[][],
        { includeStateEvents: true },
      ),
    ).toEqual(["$D", "$E"]);
  });
});

describe("conflicted state subgraph", () => {
  it("holds the events on auth paths between conflicted events, endpoints included", () => {
    // MSC4297 problem B's shape: P3 → P2 → P1, with M citing P3 and Z citing P1 only.
    const index = indexOf(dagOf({ $P1: [], $P2: ["$P1"], $P3: ["$P2"], $M: ["$P3"], $Z: ["$P1"], $Q: ["$P3"] }));
    // Conflicted {P1, M}: paths M → P3 → P2 → P1.
    expect(index.conflictedSubgraph(["$P1", "$M"] as EventId[])).toEqual(["$M", "$P1", "$P2", "$P3"]);
    // Conflicted {P1, Z, Q}: Z → P1 and Q → P3 → P2 → P1.
    expect(index.conflictedSubgraph(["$Q", "$Z", "$P1"] as EventId[])).toEqual(["$P1", "$P2", "$P3", "$Q", "$Z"]);
    // Conflicted {Z, Q}: no path between them.
    expect(index.conflictedSubgraph(["$Q", "$Z"] as EventId[])).toEqual([]);
  });
});

// --- naive definitions, for the property test ---

function naiveChains(dag: Dag): Map<string, Set<string>> {
  const chains = new Map<string, Set<string>>();
  for (const [id, pdu] of dag.events) {
    // dag.events is in insertion order and auth events always come earlier.
    const chain = new Set<string>();
    for (const a of pdu.auth_events as string[]) {
      chain.add(a);
      for (const x of chains.get(a)!) chain.add(x);
    }
    chains.set(id, chain);
  }
  return chains;
}

const sorted = (xs: Iterable<string>) => [...xs].sort();

describe("auth difference of more state sets than a walk's mask holds", () => {
  it("falls back to the chain cover and still follows the definition", () => {
    // $A ← $B ← $C: set i holds $C for i < 31 and $B for the 32nd. Full auth chains
    // (with state events): {A, B, C} and, once, {A, B}: the difference is {C}.
    const dag = dagOf({ $A: [], $B: ["$A"], $C: ["$B"] });
    const sets = [...Array.from({ length: WALK_SETS_MAX + 1 }, () => ["$C" as EventId]), ["$B" as EventId]];
    expect(indexOf(dag).authDifference(sets, { includeStateEvents: true })).toEqual(["$C"]);
    expect(
      indexOf(dag).authDifference(sets.slice(0, WALK_SETS_MAX - 1).concat([["$B" as EventId]]), {
        includeStateEvents: true,
      }),
    ).toEqual(["$C"]);
  });
});

describe("AuthChainIndex agrees with the definitions on random DAGs", () => {
  const keys = ["a", "b", "c"];
  const dagArb = fc
    .array(fc.record({ auth: fc.array(fc.nat(), { maxLength: 4 }), key: fc.constantFrom(...keys) }), {
      minLength: 1,
      maxLength: 40,
    })
    .chain((specs) =>
      fc.record({
        specs: fc.constant(specs),
        sets: fc.array(fc.array(fc.nat({ max: specs.length - 1 }), { maxLength: 6 }), { minLength: 1, maxLength: 3 }),
        conflicted: fc.array(fc.nat({ max: specs.length - 1 }), { maxLength: 6 }),
      }),
    );

  it("auth chains, auth difference (both readings) and conflicted subgraph", () => {
    fc.assert(
      fc.property(dagArb, ({ specs, sets, conflicted }) => {
        const dag = new Dag(parseRoomVersion("10"));
        specs.forEach((s, i) => {
          const auth = i === 0 ? [] : [...new Set(s.auth.map((a) => `$e${a % i}`))];
          dag.add({ id: `$e${i}`, type: "m.room.member", stateKey: s.key, sender: ALICE, auth });
        });
        const chains = naiveChains(dag);
        // Tiny reach blocks too: runs then share blocks, overflow and outgrow them.
        for (const reachBlockLength of [undefined, 3]) {
          const index = new AuthChainIndex({
            roomVersion: dag.version,
            fetchEvent: dag.fetch,
            ...(reachBlockLength ? { reachBlockLength } : {}),
          });
          // Ask in reverse order so indexing does not simply follow insertion order.
          for (let i = specs.length - 1; i >= 0; i--) {
            expect(index.authChain(`$e${i}` as EventId)).toEqual(sorted(chains.get(`$e${i}`)!));
          }
          const setIds = sets.map((s) => s.map((i) => `$e${i}` as EventId));
          for (const includeStateEvents of [true, false]) {
            const full = setIds.map((s) => {
              const c = new Set<string>(includeStateEvents ? s : []);
              for (const e of s) for (const x of chains.get(e)!) c.add(x);
              return c;
            });
            const union = new Set(full.flatMap((c) => [...c]));
            const expected = sorted([...union].filter((x) => !full.every((c) => c.has(x))));
            expect(index.authDifference(setIds, { includeStateEvents })).toEqual(expected);
            // The chain cover's answer (kept for more state sets than a walk's mask holds).
            const indexed = setIds.map((s) => s.map((id) => index.indexOf(id)));
            expect(sorted(index.authDifferenceByCover(indexed, includeStateEvents).map((i) => index.idOf(i)))).toEqual(
              expected,
            );
          }
          const cIds = [...new Set(conflicted.map((i) => `$e${i}`))];
          const reachesOrIs = (from: string, to: string) => from === to || chains.get(from)!.has(to);
          const subgraph = [...dag.events.keys()].filter((x) =>
            cIds.some((c1) => cIds.some((c2) => c1 !== c2 && reachesOrIs(c1, x) && reachesOrIs(x, c2))),
          );
          expect(index.conflictedSubgraph(cIds as EventId[])).toEqual(sorted(subgraph));
          expect(sorted(index.conflictedSubgraphByCover(cIds as EventId[]).map((i) => index.idOf(i)))).toEqual(
            sorted(subgraph),
          );
        }
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});
