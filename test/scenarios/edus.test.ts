// EDUs in scenarios (issue 14 item 13): the typing, receipt and presence verbs, and what a
// partition does to a read receipt. Synapse sends a receipt once, in the next transaction;
// the transaction is one /send tried up to 11 times (about 20 minutes: 60 s timeouts and waits of 4 s, 16 s, then 60 s)
// and, when every attempt fails, its EDUs are gone (PDUs stay queued). So a receipt
// crosses a split healed within that window and is lost in a longer one. netsplit 0.1
// resent the failed transaction whole when its backoff ran out, receipt included.
import { describe, expect, it } from "vitest";
import { nodeCrypto } from "../../cli/node-crypto.ts";
import { parseScenario } from "../../scenarios/runner/parse-scenario.ts";
import { ScenarioRun } from "../../scenarios/runner/run.ts";
import type { Scenario } from "../../scenarios/runner/types.ts";
import { FEDERATION_PRESETS } from "../../sim/index.ts";

function receiptAcrossSplit(healAtMs: number, preset: keyof typeof FEDERATION_PRESETS = "synapse"): Scenario {
  const params = FEDERATION_PRESETS[preset];
  return {
    name: "receipt-across-split",
    description: "Bob reads Alice's message while their servers are split.",
    servers: [
      { name: "hs1", params },
      { name: "hs2", params },
    ],
    users: ["@alice:hs1", "@bob:hs2"],
    timeline: [
      { at: 0, do: "createRoom", user: "@alice:hs1", room: "room", preset: "public_chat" },
      { at: 1_000, do: "join", user: "@bob:hs2", room: "room", via: ["hs1"] },
      { at: 5_000, do: "message", user: "@alice:hs1", room: "room", body: "read me", label: "m" },
      { at: 10_000, do: "partition", partition: { shape: "isolate", server: "hs1" } },
      { at: 20_000, do: "receipt", user: "@bob:hs2", room: "room", event: "m", expect: "ok" },
      { at: healAtMs, do: "heal" },
    ],
    checks: [],
  };
}

/** Whether Alice's server holds Bob's receipt once the run is over. */
function receiptArrived(s: Scenario): boolean {
  const run = new ScenarioRun(s, { seed: 1, crypto: nodeCrypto });
  run.runToEnd();
  return run.world.trace.all().some((r) => r.kind === "edu.received" && r.server === "hs1" && r.type === "m.receipt");
}

describe("a read receipt and a partition", () => {
  it("Synapse: a split healed while the /send is still being retried lets the receipt through", () => {
    expect(receiptArrived(receiptAcrossSplit(5 * 60_000))).toBe(true);
  });

  it("Synapse: a split longer than the /send's retries loses the receipt", () => {
    expect(receiptArrived(receiptAcrossSplit(30 * 60_000))).toBe(false);
  });

  it("netsplit 0.1: the failed transaction is resent whole after the heal, receipt and all", () => {
    expect(receiptArrived(receiptAcrossSplit(30 * 60_000, "netsplit-0.1"))).toBe(true);
  });
});

describe("the EDU verbs in a JSON scenario", () => {
  const json = {
    name: "edus",
    description: "typing, a receipt, presence",
    servers: [{ name: "hs1" }, { name: "hs2" }],
    users: ["@alice:hs1", "@bob:hs2"],
    timeline: [
      { at: 0, do: "createRoom", user: "@alice:hs1", room: "room", preset: "public_chat" },
      { at: 1_000, do: "join", user: "@bob:hs2", room: "room", via: ["hs1"] },
      { at: 5_000, do: "message", user: "@alice:hs1", room: "room", body: "hi", label: "m" },
      { at: 6_000, do: "typing", user: "@bob:hs2", room: "room", typing: true, timeoutMs: 10_000, expect: "ok" },
      { at: 7_000, do: "receipt", user: "@bob:hs2", room: "room", event: "m", expect: "ok" },
      { at: 8_000, do: "presence", user: "@bob:hs2", presence: "unavailable", statusMsg: "away", expect: "ok" },
    ],
    checks: [],
  };

  it("are parsed, run, and each reaches the other server", () => {
    const run = new ScenarioRun(parseScenario(json, "edus.json"), { seed: 1, crypto: nodeCrypto });
    const report = run.runToEnd();
    expect(report.passed).toBe(true);
    const received = run.world.trace.all().flatMap((r) => (r.kind === "edu.received" ? [`${r.server} ${r.type}`] : []));
    expect(received).toEqual(["hs1 m.typing", "hs1 m.receipt", "hs1 m.presence", "hs1 m.typing"]);
    expect(run.world.client("@alice:hs1").presenceOf("@bob:hs2")).toMatchObject({ presence: "unavailable" });
  });

  it("refuses a receipt for an event no action labelled, and an unknown presence state", () => {
    const bad = (action: object) => ({ ...json, timeline: [...json.timeline.slice(0, 3), action] });
    expect(() =>
      parseScenario(bad({ at: 9_000, do: "receipt", user: "@bob:hs2", room: "room", event: "nope" }), "bad.json"),
    ).toThrow(/timeline\[3\]\.event/);
    expect(() =>
      parseScenario(bad({ at: 9_000, do: "presence", user: "@bob:hs2", presence: "busy" }), "bad.json"),
    ).toThrow(/timeline\[3\]\.presence/);
  });
});
