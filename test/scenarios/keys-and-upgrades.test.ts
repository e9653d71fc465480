// Scenario tests for issue 14, items 12 and 14: a key rotation on one side of a
// partition that a notary carries across it, and a room upgrade on one side of a
// partition that the other side learns of after the heal. Both run through the
// scenario runner with their timeline verbs (`rotateKey`, `upgrade`) and JSON-checked
// params (`trustedKeyServers`).
import { describe, expect, it } from "vitest";
import { nodeCrypto } from "../../cli/node-crypto.ts";
import { stateKey } from "../../core/index.ts";
import { parseScenario } from "../../scenarios/runner/parse-scenario.ts";
import { failedChecks } from "../../scenarios/runner/checks.ts";
import { ScenarioRun } from "../../scenarios/runner/run.ts";
import type { Scenario } from "../../scenarios/runner/types.ts";

const SPLIT_AT = 10_000;
const HEAL_AT = 30 * 60_000;

/** hs1 rotates its key while cut off from hs2; carol on hs3 relays Alice's messages. */
function rotationAcrossPartition(trustedKeyServers: string[]): Scenario {
  return parseScenario(
    {
      name: "rotation across a partition",
      description: "hs1 rotates its key while hs2 cannot reach it; hs3 can reach both.",
      roomVersion: "11",
      servers: [{ name: "hs1" }, { name: "hs2", params: { trustedKeyServers } }, { name: "hs3" }],
      users: ["@alice:hs1", "@bob:hs2", "@carol:hs3"],
      timeline: [
        { at: 0, do: "createRoom", user: "@alice:hs1", room: "room", preset: "public_chat" },
        { at: 1_000, do: "join", user: "@carol:hs3", room: "room", via: ["hs1"], expect: "ok" },
        { at: 2_000, do: "join", user: "@bob:hs2", room: "room", via: ["hs1"], expect: "ok" },
        { at: SPLIT_AT, do: "partition", partition: { shape: "split", sides: [["hs1"], ["hs2"]] } },
        { at: 20_000, do: "rotateKey", server: "hs1" },
        { at: 30_000, do: "message", user: "@alice:hs1", room: "room", body: "signed with sim2", label: "after" },
        { at: 60_000, do: "message", user: "@carol:hs3", room: "room", body: "relayed by hs3" },
        { at: HEAL_AT, do: "heal" },
      ],
      checks: [
        { check: "event", event: "after", status: "accepted" },
        // Not "relayed by hs3": without a notary hs2 refuses it (its prev, Alice's message,
        // cannot be verified) and hs3, whose /send was answered, never sends it again.
        { check: "timeline", room: "room", user: "@bob:hs2", includes: ["signed with sim2"] },
      ],
    },
    "rotation.json",
  );
}

function acceptedAt(run: ScenarioRun, server: string, label: string): number | undefined {
  const id = run.events.get(label);
  return run.world.trace
    .all()
    .find((r) => r.kind === "pdu.accepted" && r.server === server && r.event === id && !r.backfilled)?.atMs;
}

describe("a key rotation across a partition (item 12)", () => {
  it("with hs3 as hs2's notary, hs2 verifies hs1's new key before the heal; without one, only after", () => {
    for (const [trusted, before] of [
      [["hs3"], true],
      [[], false],
    ] as const) {
      const run = new ScenarioRun(rotationAcrossPartition([...trusted]), { seed: 1, crypto: nodeCrypto });
      const report = run.runToEnd();
      expect(failedChecks(report.checks)).toEqual([]);
      const at = acceptedAt(run, "hs2", "after");
      expect({ trusted, before: at !== undefined && at < HEAL_AT }).toEqual({ trusted, before });
      // The notary was asked only when one was trusted.
      const queries = run.world.trace
        .all()
        .filter((r) => r.kind === "rpc.request" && r.from === "hs2" && r.path.startsWith("/_matrix/key/v2/query/"));
      expect(queries.length > 0).toBe(trusted.length > 0);
    }
  });
});

/** Alice upgrades the room on hs1's side of a split; Bob on hs2 carries on in the old room, then follows. */
const upgradeAcrossPartition: Scenario = parseScenario(
  {
    name: "upgrade across a partition",
    description: "Alice upgrades the room while hs2 is cut off; Bob follows after the heal.",
    roomVersion: "10",
    servers: [{ name: "hs1" }, { name: "hs2" }],
    users: ["@alice:hs1", "@bob:hs2"],
    timeline: [
      { at: 0, do: "createRoom", user: "@alice:hs1", room: "old", preset: "public_chat", name: "chat" },
      { at: 1_000, do: "join", user: "@bob:hs2", room: "old", via: ["hs1"], expect: "ok" },
      { at: SPLIT_AT, do: "partition", partition: { shape: "split", sides: [["hs1"], ["hs2"]] } },
      { at: 20_000, do: "upgrade", user: "@alice:hs1", room: "old", roomVersion: "11", newRoom: "new", expect: "ok" },
      { at: 30_000, do: "message", user: "@bob:hs2", room: "old", body: "anyone there?", label: "cut-off" },
      { at: HEAL_AT, do: "heal" },
      { at: HEAL_AT + 10 * 60_000, do: "join", user: "@bob:hs2", room: "new", via: ["hs1"], expect: "ok" },
      { at: HEAL_AT + 11 * 60_000, do: "message", user: "@bob:hs2", room: "new", body: "found you", label: "found" },
    ],
    checks: [
      { check: "state", room: "old", type: "m.room.tombstone", content: { body: "This room has been replaced" } },
      { check: "state", room: "old", type: "m.room.power_levels", content: { events_default: 50, invite: 50 } },
      { check: "state", room: "new", type: "m.room.name", content: { name: "chat" } },
      { check: "membership", room: "new", user: "@bob:hs2", is: "join" },
      // Sent beside the old room's restricted power levels: allowed by the state before it,
      // not by hs1's current state (events_default 50), so hs1 soft-fails it as Synapse does.
      { check: "event", event: "cut-off", servers: ["hs1"], status: "softFailed" },
      { check: "event", event: "cut-off", servers: ["hs2"], status: "accepted" },
      { check: "timeline", room: "new", user: "@alice:hs1", includes: ["found you"] },
    ],
  },
  "upgrade.json",
);

describe("a room upgrade across a partition (item 14)", () => {
  it("hs2 learns of the tombstone only after the heal, and Bob joins the replacement room", () => {
    const run = new ScenarioRun(upgradeAcrossPartition, { seed: 1, crypto: nodeCrypto });
    const report = run.runToEnd();
    expect(failedChecks(report.checks)).toEqual([]);
    const tombstoneId = run.world
      .server("hs1")
      .room(run.rooms.get("old")!)!
      .currentState.get(stateKey("m.room.tombstone", ""));
    expect(tombstoneId).toBeDefined();
    const learnt = run.world.trace
      .all()
      .find((r) => r.kind === "pdu.accepted" && r.server === "hs2" && r.event === tombstoneId)?.atMs;
    expect(learnt).toBeGreaterThanOrEqual(HEAL_AT);
    // The new room's create event names the old room and the tombstone.
    const create = run.world.server("hs2").room(run.rooms.get("new")!)!.createEvent()!;
    expect(create.content.predecessor).toEqual({ room_id: run.rooms.get("old"), event_id: tombstoneId });
  });

  it("the scenario file's verbs are checked: an upgrade to an unknown version is refused with its path", () => {
    const bad = JSON.parse(JSON.stringify({ ...upgradeAcrossPartition })) as Record<string, unknown> & {
      timeline: Array<Record<string, unknown>>;
    };
    bad.timeline[3]!.roomVersion = "99";
    expect(() => parseScenario(bad, "bad.json")).toThrow(/bad\.json: \$\.timeline\[3\]\.roomVersion/);
    bad.timeline[3]!.roomVersion = "11";
    bad.timeline.push({ at: 5, do: "rotateKey", server: "hs9" });
    expect(() => parseScenario(bad, "bad.json")).toThrow(/\$\.timeline\[8\]\.server/);
  });
});
