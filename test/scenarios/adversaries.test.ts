// Each adversary kind, played against honest servers: what it does, and what the
// honest servers do about it.
import { describe, expect, it } from "vitest";
import { failedChecks } from "../../scenarios/runner/checks.ts";
import { nodeCrypto } from "../../cli/node-crypto.ts";
import type { AdversarySpec } from "../../sim/adversary.ts";
import { runScenario, ScenarioRun } from "../../scenarios/runner/run.ts";
import type { Check, Scenario, TimelineAction } from "../../scenarios/runner/types.ts";

/** Alice (hs1) and Bob (hs2) honest; Mallory on hs3 with the given adversary. */
function withAdversary(adversary: AdversarySpec, timeline: TimelineAction[], checks: Check[]): Scenario {
  return {
    name: `adversary ${adversary.kind}`,
    description: "test",
    roomVersion: "11",
    servers: [{ name: "hs1" }, { name: "hs2" }, { name: "hs3", adversary }],
    users: ["@alice:hs1", "@bob:hs2", "@mallory:hs3"],
    timeline: [
      { at: 0, do: "createRoom", user: "@alice:hs1", room: "room", preset: "public_chat" },
      { at: 100, do: "join", user: "@bob:hs2", room: "room", via: ["hs1"], expect: "ok" },
      { at: 1_000, do: "join", user: "@mallory:hs3", room: "room", via: ["hs1"], expect: "ok" },
      ...timeline,
    ],
    checks,
  };
}

function failures(s: Scenario, seed = 1) {
  const report = runScenario(s, { seed, crypto: nodeCrypto });
  return { report, failed: failedChecks(report.checks) };
}

describe("adversaries", () => {
  it("forge-signature: the twin claiming Alice is dropped by the honest servers (no signature from hs1)", () => {
    const s = withAdversary(
      { kind: "forge-signature", impersonate: "@alice:hs1" },
      [{ at: 2_000, do: "message", user: "@mallory:hs3", room: "room", body: "pay me" }],
      [
        { check: "timeline", room: "room", user: "@bob:hs2", includes: ["pay me"], excludes: ["[forged]"] },
        { check: "timeline", room: "room", user: "@alice:hs1", excludes: ["[forged]"] },
      ],
    );
    const { report, failed } = failures(s);
    expect(failed).toEqual([]);
    const run = new ScenarioRun(s, { seed: 1, crypto: nodeCrypto });
    run.runToEnd();
    const drops = run.world.trace
      .all()
      .filter((r) => r.kind === "pdu.dropped" && r.reason.includes("no valid signature from hs1"));
    expect(drops.map((r) => (r as { server: string }).server).sort()).toEqual(["hs1", "hs2"]);
    expect(report.pdus.rejected).toBe(0);
  });

  it("bad-hash: honest servers keep only the redacted message; nobody sees the tampered body", () => {
    const s = withAdversary(
      { kind: "bad-hash" },
      [{ at: 2_000, do: "message", user: "@mallory:hs3", room: "room", body: "hello", label: "m" }],
      [
        { check: "timeline", room: "room", user: "@bob:hs2", excludes: ["[tampered]", "hello"] },
        { check: "timeline", room: "room", user: "@alice:hs1", excludes: ["[tampered]", "hello"] },
        { check: "timeline", room: "room", user: "@mallory:hs3", includes: ["hello"] },
        { check: "event", event: "m", status: "accepted", servers: ["hs1", "hs2"] },
      ],
    );
    const { failed } = failures(s);
    expect(failed).toEqual([]);
    const run = new ScenarioRun(s, { seed: 1, crypto: nodeCrypto });
    run.runToEnd();
    const id = run.events.get("m")!;
    expect(run.world.server("hs2").room(run.rooms.get("room")!)!.get(id)!.pdu.content).toEqual({});
  });

  it("withhold: hs2 never gets hs3's events pushed, yet holds them once a later event cites them", () => {
    const s = withAdversary(
      { kind: "withhold", from: ["hs2"] },
      [
        { at: 2_000, do: "message", user: "@mallory:hs3", room: "room", body: "only for hs1", label: "hidden" },
        { at: 3_000, do: "message", user: "@alice:hs1", room: "room", body: "alice replies" },
      ],
      [
        { check: "event", event: "hidden", status: "accepted", servers: ["hs1", "hs2"] },
        { check: "timeline", room: "room", user: "@bob:hs2", includes: ["only for hs1", "alice replies"] },
      ],
    );
    const { failed } = failures(s);
    expect(failed).toEqual([]);
    const run = new ScenarioRun(s, { seed: 1, crypto: nodeCrypto });
    run.runToEnd();
    const pushedToHs2 = run.world.trace
      .all()
      .some(
        (r) =>
          r.kind === "fed.txn.sent" &&
          r.server === "hs3" &&
          r.destination === "hs2" &&
          r.pdus.includes(run.events.get("hidden")!),
      );
    expect(pushedToHs2).toBe(false);
    const fetched = run.world.trace
      .all()
      .some((r) => r.kind === "rpc.request" && r.from === "hs2" && r.path.includes("get_missing_events"));
    expect(fetched).toBe(true);
  });

  it("clock-ahead: its events carry timestamps an hour ahead", () => {
    const s = withAdversary(
      { kind: "clock-ahead", offsetMs: 3_600_000 },
      [{ at: 2_000, do: "message", user: "@mallory:hs3", room: "room", body: "from the future", label: "f" }],
      [],
    );
    const run = new ScenarioRun(s, { seed: 1, crypto: nodeCrypto });
    const report = run.runToEnd();
    expect(report.passed).toBe(true);
    const pdu = run.world.server("hs1").room(run.rooms.get("room")!)!.get(run.events.get("f")!)!.pdu;
    const alicePdu = run.world
      .server("hs1")
      .room(run.rooms.get("room")!)!
      .get(run.world.server("hs1").room(run.rooms.get("room")!)!.createId!)!.pdu;
    expect(pdu.origin_server_ts - alicePdu.origin_server_ts).toBeGreaterThanOrEqual(3_600_000);
    // A clock that runs ahead is not a protocol violation: hs3 still counts as honest.
    expect(run.honest).toEqual(["hs1", "hs2", "hs3"]);
  });

  it("stale-prev-events: a banned user's messages cite pre-ban state and are soft-failed", () => {
    const s = withAdversary(
      { kind: "stale-prev-events", sinceMs: 1_500 },
      [
        { at: 2_000, do: "ban", user: "@alice:hs1", room: "room", target: "@mallory:hs3", expect: "ok" },
        { at: 3_000, do: "message", user: "@mallory:hs3", room: "room", body: "still here", label: "evading" },
      ],
      [
        { check: "event", event: "evading", status: "softFailed", servers: ["hs1", "hs2"] },
        { check: "timeline", room: "room", user: "@bob:hs2", excludes: ["still here"] },
      ],
    );
    expect(failures(s).failed).toEqual([]);
  });
});
