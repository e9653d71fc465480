// resolveState as a whole, with stand-in authorization rules: the shortcuts, the
// explanation, independence from the order of the state sets, bad input, custom
// resolvers, and the two v2.1 changes seen through the explanation.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CustomResolver, EventId, StateMap } from "../../../core/index.ts";
import {
  AuthChainIndex,
  defineRoomVersion,
  parseRoomVersion,
  resolveState,
  stateKey,
  stateMapToObject,
} from "../../../core/index.ts";
import { ALICE, Dag, member } from "./dag.ts";
import { fakeAuthRules } from "./fake-auth.ts";

const TOPIC = stateKey("m.room.topic", "");

/** create ← alice ← pl; two topics citing pl; names for the unconflicted part. */
function room(version = "10") {
  const dag = new Dag(parseRoomVersion(version));
  const cite = dag.version.auth.roomIdFromCreateEvent ? [] : ["$00-create"];
  dag.add({ id: "$00-create", type: "m.room.create", stateKey: "", sender: ALICE, content: { creator: ALICE } });
  dag.add({
    id: "$01-alice",
    type: "m.room.member",
    stateKey: ALICE,
    sender: ALICE,
    content: member("join"),
    auth: cite,
    prev: ["$00-create"],
  });
  dag.add({ id: "$02-pl", type: "m.room.power_levels", stateKey: "", sender: ALICE, auth: [...cite, "$01-alice"] });
  const auth = [...cite, "$01-alice", "$02-pl"];
  dag.add({ id: "$03-topic", type: "m.room.topic", stateKey: "", sender: ALICE, auth });
  dag.add({ id: "$04-topic", type: "m.room.topic", stateKey: "", sender: ALICE, auth });
  dag.add({ id: "$05-name", type: "m.room.name", stateKey: "", sender: ALICE, auth });
  return dag;
}

describe("resolveState shortcuts", () => {
  it("no state sets: empty state; one set: that set", () => {
    const dag = room();
    const rules = fakeAuthRules(dag.idOf);
    expect(resolveState(parseRoomVersion("10"), [], dag.fetch, { authRules: rules }).size).toBe(0);
    const one = dag.state("$00-create", "$01-alice", "$03-topic");
    expect(stateMapToObject(resolveState(parseRoomVersion("10"), [one], dag.fetch, { authRules: rules }))).toEqual(
      stateMapToObject(one),
    );
    expect(rules.calls).toHaveLength(0);
  });

  it("no conflicted key: the unconflicted state map, no auth checks", () => {
    const dag = room();
    const rules = fakeAuthRules(dag.idOf);
    const s = dag.state("$00-create", "$01-alice", "$02-pl");
    expect(
      stateMapToObject(resolveState(parseRoomVersion("10"), [s, new Map(s)], dag.fetch, { authRules: rules })),
    ).toEqual(stateMapToObject(s));
    expect(rules.calls).toHaveLength(0);
  });
});

describe("resolveState explains itself", () => {
  it("v2: every step's result, ids sorted, JSON-able", () => {
    const dag = room();
    const rules = fakeAuthRules(dag.idOf);
    const s1 = dag.state("$00-create", "$01-alice", "$02-pl", "$03-topic", "$05-name");
    const s2 = dag.state("$00-create", "$01-alice", "$02-pl", "$04-topic");
    const { state, explanation } = resolveState(parseRoomVersion("10"), [s1, s2], dag.fetch, {
      explain: true,
      authRules: rules,
    });
    // By hand: TOPIC conflicted {03, 04}; NAME missing from s2, so conflicted {05}. Full
    // chains (with the state events): s1's adds 03 and 05, s2's adds 04 → auth difference
    // {03, 04, 05}. No power events; mainline of 02-pl is [02]; all three cite 02 →
    // position 0; ts order 03 (4), 04 (5), 05 (6). Each passes, 04 overwrites 03.
    expect(explanation).toEqual({
      algorithm: "v2",
      roomVersion: "10",
      stateSetCount: 2,
      unconflictedState: stateMapToObject(dag.state("$00-create", "$01-alice", "$02-pl")),
      conflicted: [
        { type: "m.room.name", stateKey: "", eventIds: ["$05-name"] },
        { type: "m.room.topic", stateKey: "", eventIds: ["$03-topic", "$04-topic"] },
      ],
      conflictedStateSet: ["$03-topic", "$04-topic", "$05-name"],
      authDifference: ["$03-topic", "$04-topic", "$05-name"],
      fullConflictedSet: ["$03-topic", "$04-topic", "$05-name"],
      sortedPowerEvents: [],
      partialState: stateMapToObject(dag.state("$00-create", "$01-alice", "$02-pl")),
      mainline: ["$02-pl"],
      sortedRemainingEvents: [
        { eventId: "$03-topic", mainlinePosition: 0, originServerTs: 4 },
        { eventId: "$04-topic", mainlinePosition: 0, originServerTs: 5 },
        { eventId: "$05-name", mainlinePosition: 0, originServerTs: 6 },
      ],
      authChecks: [
        { step: 4, eventId: "$03-topic", outcome: "accepted" },
        { step: 4, eventId: "$04-topic", outcome: "accepted" },
        { step: 4, eventId: "$05-name", outcome: "accepted" },
      ],
      resolvedState: stateMapToObject(state),
    });
    expect(state.get(TOPIC)).toBe("$04-topic");
    expect(JSON.parse(JSON.stringify(explanation))).toEqual(explanation);
  });

  it("v2.1: the subgraph is reported, and step 2 starts from an empty map", () => {
    const dag = room("12");
    const rules = fakeAuthRules(dag.idOf);
    // A power event (a PL change) conflicted with the old PL: both go through step 2.
    dag.add({ id: "$06-pl", type: "m.room.power_levels", stateKey: "", sender: ALICE, auth: ["$01-alice", "$02-pl"] });
    const s1 = dag.state("$00-create", "$01-alice", "$02-pl");
    const s2 = dag.state("$00-create", "$01-alice", "$06-pl");
    const { explanation } = resolveState(parseRoomVersion("12"), [s1, s2], dag.fetch, {
      explain: true,
      authRules: rules,
    });
    expect(explanation.algorithm).toBe("v2.1");
    expect(explanation.conflictedStateSubgraph).toEqual(["$02-pl", "$06-pl"]);
    expect(explanation.sortedPowerEvents.map((p) => p.eventId)).toEqual(["$02-pl", "$06-pl"]);
    // Alice is the v12 creator: infinite power, reported as "infinity".
    expect(explanation.sortedPowerEvents[0]!.senderPowerLevel).toBe("infinity");
    // Step 2 began empty: the first check saw Alice's membership only through the event's
    // own auth events (here the same event, but taken from auth_events, not the state).
    expect(rules.idsGiven(0)).toEqual(["$00-create", "$01-alice"]);
    expect(explanation.partialState).toEqual(stateMapToObject(dag.state("$06-pl")));
  });
});

describe("resolveState does not depend on the order of its inputs", () => {
  it.each(["1", "10", "12"])(
    "room version %s: reversing the state sets changes neither state nor explanation",
    (version) => {
      // A random DAG of topics and PL events; random state sets over it; some events denied.
      fc.assert(
        fc.property(
          fc.array(fc.record({ pl: fc.boolean(), deny: fc.boolean(), cite: fc.nat(), ts: fc.nat({ max: 5 }) }), {
            minLength: 1,
            maxLength: 12,
          }),
          fc.array(fc.array(fc.nat(), { maxLength: 5 }), { minLength: 2, maxLength: 4 }),
          (specs, picks) => {
            const dag = room(version);
            const ids: string[] = [];
            specs.forEach((s, i) => {
              const earlierPl = ["$02-pl", ...ids.filter((id) => id.includes("pl"))];
              const pl = earlierPl[s.cite % earlierPl.length]!;
              const id = `$x${i}-${s.pl ? "pl" : "topic"}`;
              dag.add({
                id,
                type: s.pl ? "m.room.power_levels" : "m.room.topic",
                stateKey: "",
                sender: ALICE,
                content: s.deny ? { deny: true } : {},
                auth: ["$00-create", "$01-alice", pl],
                ts: s.ts,
                depth: s.ts,
              });
              ids.push(id);
            });
            const sets: StateMap[] = picks.map((p) => {
              const chosen = new Map(dag.state("$00-create", "$01-alice", "$02-pl"));
              for (const n of p) {
                const id = ids[n % ids.length]! as EventId;
                const pdu = dag.fetch(id)!;
                chosen.set(stateKey(pdu.type, pdu.state_key!), id);
              }
              return chosen;
            });
            const opts = { explain: true as const, authRules: fakeAuthRules(dag.idOf) };
            const forward = resolveState(dag.version, sets, dag.fetch, opts);
            const backward = resolveState(dag.version, [...sets].reverse(), dag.fetch, {
              ...opts,
              authRules: fakeAuthRules(dag.idOf),
            });
            expect([...backward.state]).toEqual([...forward.state]);
            expect(backward.explanation).toEqual(forward.explanation);
          },
        ),
        { seed: 42, numRuns: 150 },
      );
    },
  );
});

describe("named options for the spec's ambiguities", () => {
  it("fullAuthChainIncludesStateEvents decides what the auth difference holds", () => {
    // Synapse's AuthChainDifferenceTestCase shape: 05-name cites 02-pl, which cites
    // 01-alice. Sets {01, 02} and {05}: with the state events in the full chains (default)
    // C1 = {create, 01, 02}, C2 = {create, 01, 02, 05} → {05}; literally C1 = {create, 01},
    // C2 = {create, 01, 02} → {02}.
    const dag = room();
    const s1 = dag.state("$00-create", "$01-alice", "$02-pl");
    const s2 = dag.state("$00-create", "$05-name");
    const opts = { explain: true as const, authRules: fakeAuthRules(dag.idOf) };
    expect(resolveState(parseRoomVersion("10"), [s1, s2], dag.fetch, opts).explanation.authDifference).toEqual([
      "$05-name",
    ]);
    const literal = resolveState(parseRoomVersion("10"), [s1, s2], dag.fetch, {
      ...opts,
      fullAuthChainIncludesStateEvents: false,
    });
    expect(literal.explanation.authDifference).toEqual(["$02-pl"]);
  });

  it("createIsPowerEvent decides which step replays a conflicted create event", () => {
    // One set lacks the create event, so its key is conflicted (v2: missing = conflicted).
    const dag = room();
    const s1 = dag.state("$00-create", "$03-topic");
    const s2 = dag.state("$03-topic");
    const opts = { explain: true as const, authRules: fakeAuthRules(dag.idOf) };
    const synapse = resolveState(parseRoomVersion("10"), [s1, s2], dag.fetch, opts).explanation;
    expect(synapse.sortedPowerEvents.map((p) => p.eventId)).toEqual(["$00-create"]);
    const spec = resolveState(parseRoomVersion("10"), [s1, s2], dag.fetch, {
      ...opts,
      createIsPowerEvent: false,
    }).explanation;
    expect(spec.sortedPowerEvents).toEqual([]);
    expect(spec.sortedRemainingEvents.map((p) => p.eventId)).toEqual(["$00-create"]);
  });
});

describe("resolveState and bad input", () => {
  it("a missing event throws an Error naming it", () => {
    const dag = room();
    const s1 = dag.state("$00-create", "$03-topic");
    const s2 = new Map([[TOPIC, "$nowhere" as EventId]]);
    expect(() =>
      resolveState(parseRoomVersion("10"), [s1, s2], dag.fetch, { authRules: fakeAuthRules(dag.idOf) }),
    ).toThrow(/\$nowhere/);
  });

  it("an AuthChainIndex is reused across resolutions and belongs to one room version", () => {
    const dag = room();
    const index = new AuthChainIndex();
    const s1 = dag.state("$00-create", "$03-topic");
    const s2 = dag.state("$00-create", "$04-topic");
    const rules = fakeAuthRules(dag.idOf);
    resolveState(parseRoomVersion("10"), [s1, s2], dag.fetch, { authChains: index, authRules: rules });
    const indexed = index.size;
    expect(indexed).toBeGreaterThan(0);
    resolveState(parseRoomVersion("10"), [s2, s1], dag.fetch, { authChains: index, authRules: rules });
    expect(index.size).toBe(indexed);
    expect(() =>
      resolveState(parseRoomVersion("11"), [s1, s2], dag.fetch, { authChains: index, authRules: rules }),
    ).toThrow(/room version/);
  });
});

describe("custom room versions", () => {
  it("a version with a resolver uses it instead of the built-in algorithms", () => {
    const dag = room();
    const seen: number[] = [];
    const lastWriterWins: CustomResolver = (_version, stateSets) => {
      seen.push(stateSets.length);
      const out = new Map();
      for (const s of stateSets) for (const [k, v] of s) out.set(k, v);
      return out;
    };
    const custom = defineRoomVersion("org.example.lww", parseRoomVersion("10"), { resolver: lastWriterWins });
    const s1 = dag.state("$00-create", "$03-topic");
    const s2 = dag.state("$00-create", "$04-topic");
    const { state, explanation } = resolveState(custom, [s1, s2], dag.fetch, { explain: true });
    expect(state.get(TOPIC)).toBe("$04-topic");
    expect(explanation.algorithm).toBe("custom");
    expect(seen).toEqual([2]);
  });
});

describe("the v1 dispatch", () => {
  it("room version 1 uses v1: a key held by one set only is kept without any check", () => {
    const dag = room("1");
    const rules = fakeAuthRules(dag.idOf);
    const s1 = dag.state("$00-create", "$05-name");
    const s2 = dag.state("$00-create");
    const { state, explanation } = resolveState(parseRoomVersion("1"), [s1, s2], dag.fetch, {
      explain: true,
      authRules: rules,
    });
    expect(explanation.algorithm).toBe("v1");
    expect(state.get(stateKey("m.room.name", ""))).toBe("$05-name");
    expect(rules.calls).toHaveLength(0);
  });
});
