// The verdicts on top of the resolver's explanation: one sentence per disputed key naming
// the winner and the rule of the spec's orderings that put it last (rooms/fragments/
// v2-state-res.md: power events in reverse topological power ordering — higher sender
// power first, then earlier origin_server_ts; other events in mainline ordering — greater
// mainline position first, then earlier origin_server_ts; later events replace earlier).
import { describe, expect, it } from "vitest";
import { nodeCrypto } from "../../cli/node-crypto.ts";
import type { EventId, ResolutionExplanation } from "../../core/index.ts";
import { EngineSession } from "../../viz/engine/session.ts";
import { describeContent } from "../../viz/model/describe.ts";
import { verdictsOf, type VerdictEvent } from "../../viz/model/verdict.ts";

const id = (x: string) => x as EventId;

function explanation(over: Partial<ResolutionExplanation>): ResolutionExplanation {
  return {
    algorithm: "v2",
    roomVersion: "11",
    stateSetCount: 2,
    unconflictedState: {},
    conflicted: [],
    conflictedStateSet: [],
    authDifference: [],
    fullConflictedSet: [],
    sortedPowerEvents: [],
    partialState: {},
    mainline: [],
    sortedRemainingEvents: [],
    authChecks: [],
    resolvedState: {},
    ...over,
  };
}

const events: Record<string, VerdictEvent> = {
  $a: { sender: "@alice:hs1", label: "“north”" },
  $b: { sender: "@bob:hs2", label: "“south”" },
};
const lookup = (e: string) => events[e];

describe("verdictsOf", () => {
  it("says there was nothing to resolve for one state set, or no conflict", () => {
    expect(verdictsOf(explanation({ stateSetCount: 1 }), lookup)[0]!.sentence).toMatch(/^Nothing to resolve/);
    expect(verdictsOf(explanation({}), lookup)[0]!.sentence).toMatch(/^No conflict/);
  });

  it("a topic: same mainline position, the later timestamp is applied last and wins", () => {
    const x = explanation({
      conflicted: [{ type: "m.room.topic", stateKey: "", eventIds: [id("$a"), id("$b")] }],
      sortedRemainingEvents: [
        { eventId: id("$b"), mainlinePosition: 0, originServerTs: 1_000 },
        { eventId: id("$a"), mainlinePosition: 0, originServerTs: 1_300 },
      ],
      resolvedState: { "m.room.topic": { "": id("$a") } },
    });
    expect(verdictsOf(x, lookup)).toEqual([
      {
        key: "m.room.topic",
        sentence:
          "m.room.topic → “north” (alice on hs1) wins over “south” (bob on hs2): same mainline position, sent 300 ms later.",
      },
    ]);
  });

  it("a topic under newer power levels (smaller mainline position) wins whatever its timestamp", () => {
    const x = explanation({
      conflicted: [{ type: "m.room.topic", stateKey: "", eventIds: [id("$a"), id("$b")] }],
      sortedRemainingEvents: [
        { eventId: id("$a"), mainlinePosition: 2, originServerTs: 9_000 },
        { eventId: id("$b"), mainlinePosition: 1, originServerTs: 1_000 },
      ],
      resolvedState: { "m.room.topic": { "": id("$b") } },
    });
    expect(verdictsOf(x, lookup)[0]!.sentence).toBe(
      "m.room.topic → “south” (bob on hs2) wins over “north” (alice on hs1): it was sent under newer power levels (mainline position 1, the other 2).",
    );
  });

  it("power events: the lower-powered sender's is applied after the higher one's and replaces it", () => {
    const x = explanation({
      conflicted: [{ type: "m.room.join_rules", stateKey: "", eventIds: [id("$a"), id("$b")] }],
      sortedPowerEvents: [
        { eventId: id("$a"), senderPowerLevel: 100, originServerTs: 5_000 },
        { eventId: id("$b"), senderPowerLevel: 50, originServerTs: 1_000 },
      ],
      resolvedState: { "m.room.join_rules": { "": id("$b") } },
    });
    expect(verdictsOf(x, lookup)[0]!.sentence).toContain(
      "wins over “north” (alice on hs1): power events are applied from the most powerful sender down (100 before 50)",
    );
  });

  it("a candidate the auth checks rejected is named with the reason", () => {
    const x = explanation({
      conflicted: [{ type: "m.room.topic", stateKey: "", eventIds: [id("$a"), id("$b")] }],
      sortedRemainingEvents: [
        { eventId: id("$a"), mainlinePosition: 0, originServerTs: 1_000 },
        { eventId: id("$b"), mainlinePosition: 0, originServerTs: 2_000 },
      ],
      authChecks: [
        { step: 4, eventId: id("$a"), outcome: "accepted" },
        { step: 4, eventId: id("$b"), outcome: "rejected", rule: "10", reason: "sender's power 0 < 50" },
      ],
      resolvedState: { "m.room.topic": { "": id("$a") } },
    });
    expect(verdictsOf(x, lookup)[0]!.sentence).toBe(
      "m.room.topic → “north” (alice on hs1) wins because “south” (bob on hs2) fails the auth checks (sender's power 0 < 50).",
    );
  });
});

describe("verdicts on a real run", () => {
  it("topic-war: Carol's first topic, stamped by a clock ten minutes ahead, wins on timestamp at one mainline position", () => {
    const s = new EngineSession(() => {}, nodeCrypto);
    s.load({ name: "topic-war" }, "1", []);
    while (!s.advance({ toEnd: true }, 10_000));
    const room = s.head().rooms.room!;
    const result = s.explain(s.run.steps, { room, server: "hs1" });
    if (!result.ok) throw new Error(result.reason);
    const store = s.run.world.server("hs1").room(room)!;
    const verdicts = verdictsOf(result.explanation, (e) => {
      const pdu = store.get(e as EventId)?.pdu;
      return pdu && { sender: pdu.sender, label: describeContent({ type: pdu.type, content: pdu.content }) };
    });
    const topic = verdicts.find((v) => v.key === "m.room.topic");
    // The scenario's own account (from the spec): the topics share one mainline position
    // and the latest origin_server_ts — Carol's, ten minutes fast — is applied last.
    expect(topic?.sentence).toMatch(
      /^m\.room\.topic → “Carol's topic \(set first\)” \(carol on hs3\) wins over “.*” \((alice on hs1|bob on hs2)\): same mainline position, sent [\d.]+ min later\.$/,
    );
  });
});
