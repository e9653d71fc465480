// A scenario's per-server federation params: numbers, and the named choices of
// FEDERATION_PARAM_CHOICES (issue 14), each checked with a clear error.
import { describe, expect, it } from "vitest";
import { FEDERATION_PARAM_CHOICES } from "../../sim/index.ts";
import { parseScenario } from "../../scenarios/runner/parse-scenario.ts";

const withParams = (params: Record<string, unknown>) => ({
  name: "tiny",
  description: "two servers",
  servers: [{ name: "hs1", params }, { name: "hs2" }],
  users: ["@alice:hs1"],
  timeline: [{ at: 0, do: "createRoom", user: "@alice:hs1", room: "room" }],
});

describe("federation params in a scenario", () => {
  it("accepts every choice of every named option, beside numbers", () => {
    for (const [name, values] of Object.entries(FEDERATION_PARAM_CHOICES)) {
      for (const value of values) {
        const parsed = parseScenario(withParams({ [name]: value, missingEventsServedMax: 1 }), "ok.json");
        expect(parsed.servers[0]!.params).toEqual({ [name]: value, missingEventsServedMax: 1 });
      }
    }
  });

  it("refuses an unknown choice, naming the allowed ones", () => {
    expect(() => parseScenario(withParams({ gapFilling: "eager" }), "bad.json")).toThrow(
      'bad.json: $.servers[0].params.gapFilling: "eager" is not a known gapFilling value (expected one of "synapse", "rounds")',
    );
  });

  it("refuses a number where a choice goes, and a choice where a number goes", () => {
    expect(() => parseScenario(withParams({ softFailure: 1 }), "bad.json")).toThrow(/params\.softFailure/);
    expect(() => parseScenario(withParams({ backfillEventsLimit: "synapse" }), "bad.json")).toThrow(
      /params\.backfillEventsLimit/,
    );
  });
});
