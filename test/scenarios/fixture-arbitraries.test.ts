// The fixture arbitraries other test suites import ("netsplit/fixture-arbitraries"):
// valid events, forks and merges of many shapes, fixtures the parser accepts and the
// three ways of walking the DAG resolve alike.
import fc from "fast-check";
import { fixtureArbitrary, fixturePlanArbitrary, buildFixture, type FixtureJson } from "netsplit/fixture-arbitraries";
import { describe, expect, it } from "vitest";
import {
  checkAuth,
  DAG_STRATEGIES,
  diffStates,
  parseFixture,
  parseRoomVersion,
  refId,
  resolveFixture,
  type EventId,
  type Pdu,
} from "../../core/index.ts";

/** Every event but the create event and the creator's first join passes auth against the events it cites (and the create event). */
function invalidEvents(json: FixtureJson): string[] {
  const byId = new Map(json.events.map((e) => [e.event_id as EventId, e as Pdu]));
  const create = json.events[0]!;
  return json.events
    .slice(2)
    .filter((e) => {
      const cited = [...new Set([create, ...e.auth_events.map((a) => byId.get(refId(a))!)])];
      return !checkAuth(e, cited, parseRoomVersion(json.room_version)).allowed;
    })
    .map((e) => e.event_id!);
}

describe("fixture arbitraries", () => {
  it("build fixtures that parse, whose events pass auth, and that every DAG strategy resolves alike", () => {
    fc.assert(
      fc.property(fixtureArbitrary(), (json) => {
        const fixture = parseFixture(JSON.parse(JSON.stringify(json)), "generated");
        expect(invalidEvents(json)).toEqual([]);
        const [first, ...others] = DAG_STRATEGIES.map((s) => resolveFixture(fixture, s));
        for (const other of others) expect(diffStates(first!, other)).toEqual([]);
      }),
      { seed: 5, numRuns: 150 },
    );
  });

  it("draw forks, merges, power struggles, bans and joins", () => {
    const samples = fc.sample(fixtureArbitrary({ opsMax: 40 }), { seed: 9, numRuns: 200 });
    const count = (f: (j: FixtureJson) => boolean) => samples.filter(f).length;
    const has = (j: FixtureJson, p: (e: Pdu) => boolean) => j.events.some(p);
    expect(count((j) => j.resolve_at.length >= 3)).toBeGreaterThan(10);
    expect(count((j) => has(j, (e) => e.prev_events.length === 2))).toBeGreaterThan(10);
    expect(count((j) => has(j, (e) => e.content.membership === "ban"))).toBeGreaterThan(10);
    expect(count((j) => j.events.filter((e) => e.type === "m.room.power_levels").length >= 3)).toBeGreaterThan(10);
    expect(count((j) => j.events.filter((e) => e.content.membership === "join").length >= 4)).toBeGreaterThan(10);
    expect(
      count((j) => has(j, (e) => e.type === "m.room.join_rules" && e.content.join_rule === "invite")),
    ).toBeGreaterThan(5);
    expect(new Set(samples.map((j) => j.room_version))).toEqual(new Set(["10", "11", "12"]));
  });

  it("the same plan builds the same fixture", () => {
    for (const plan of fc.sample(fixturePlanArbitrary(), { seed: 3, numRuns: 20 }))
      expect(buildFixture(plan)).toEqual(buildFixture(plan));
  });
});
