// Permalinks: a run as a URL, and back.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decodePermalink, encodePermalink, PermalinkError } from "../../viz/model/permalink.ts";

describe("permalink", () => {
  it("round-trips scenario, seed, interventions (forks included), room version and step", () => {
    const p = {
      scenario: "three-servers",
      seed: "seed with spaces & signs",
      interventions: [
        {
          afterStep: 48,
          action: { at: 4073, do: "partition" as const, partition: { shape: "isolate" as const, server: "hs3" } },
        },
        { afterStep: 50, fork: "2" },
        {
          afterStep: 50,
          action: { at: 4100, do: "message" as const, user: "@alice:hs1", room: "room", body: "héllo ✓" },
        },
      ],
      roomVersion: "12",
      step: 62,
    };
    const hash = encodePermalink(p);
    expect(hash.startsWith("#scenario=three-servers&seed=")).toBe(true);
    expect(decodePermalink(hash)).toEqual(p);
  });

  it("carries a scenario that does not ship (a JSON file) in the link itself", () => {
    const json = JSON.parse(
      readFileSync(new URL("../../scenarios/shipped/json/held-then-released.json", import.meta.url), "utf8"),
    ) as { name: string };
    const p = { scenario: json.name, scenarioJson: json, seed: "3", interventions: [] };
    const hash = encodePermalink(p);
    expect(hash).toMatch(/&sj=/);
    expect(decodePermalink(hash)).toEqual(p);
    expect(() => decodePermalink("#scenario=x&sj=%%%")).toThrow(/the scenario is not readable/);
  });

  it("encodes each scenario object once, and never hands one scenario's encoding to another", () => {
    const a = { name: "a", servers: [{ name: "hs1" }], timeline: [] };
    const b = { name: "b", servers: [{ name: "hs1" }, { name: "hs2" }], timeline: [] };
    const link = (json: object, step: number) =>
      encodePermalink({ scenario: "x", scenarioJson: json, seed: "1", interventions: [], step });
    // The same object again (the page makes the link at every pause), at another step.
    expect(decodePermalink(link(a, 1))!.scenarioJson).toEqual(a);
    expect(decodePermalink(link(a, 2))).toMatchObject({ scenarioJson: a, step: 2 });
    // Another object, even one loaded after it, is its own scenario.
    expect(decodePermalink(link(b, 1))!.scenarioJson).toEqual(b);
    expect(decodePermalink(link({ ...a, name: "a2" }, 1))!.scenarioJson).toEqual({ ...a, name: "a2" });
  });

  it("leaves out what is not there, and reads a bare link", () => {
    expect(encodePermalink({ scenario: "topic-war", seed: "7", interventions: [] })).toBe("#scenario=topic-war&seed=7");
    expect(decodePermalink("#scenario=topic-war")).toEqual({ scenario: "topic-war", seed: "1", interventions: [] });
    expect(decodePermalink("")).toBeNull();
  });

  it("names what is wrong with a damaged link", () => {
    expect(() => decodePermalink("#scenario=x&i=%%%")).toThrow(PermalinkError);
    expect(() => decodePermalink("#scenario=x&step=-3")).toThrow(/step must be a whole number/);
    const bad = (v: unknown) => `#scenario=x&i=${Buffer.from(JSON.stringify(v)).toString("base64url")}`;
    expect(() => decodePermalink(bad({}))).toThrow(/must be a list/);
    expect(() => decodePermalink(bad([{ afterStep: 1.5, fork: "s" }]))).toThrow(
      /intervention 0 needs a whole afterStep/,
    );
    expect(() => decodePermalink(bad([{ afterStep: 1, action: { at: 0 } }]))).toThrow(
      /needs an action with a "do" verb/,
    );
  });
});
