// The scenario action `knock` and a server's `roomVersions` (issue 14, item 11): parsed from JSON, run over federation,
// and followed by an invite and a join; a knock on a room that does not accept knocks
// fails with the Matrix error the action expects.
import { describe, expect, it } from "vitest";
import { nodeCrypto } from "../../cli/node-crypto.ts";
import { parseScenario } from "../../scenarios/runner/parse-scenario.ts";
import { runScenario } from "../../scenarios/runner/run.ts";

const json = {
  name: "knock-knock",
  description: "Bob of hs2 knocks on Alice's room on hs1, is invited and joins.",
  roomVersion: "11",
  servers: [{ name: "hs1" }, { name: "hs2" }],
  users: ["@alice:hs1", "@bob:hs2", "@carol:hs2"],
  timeline: [
    { at: 0, do: "createRoom", user: "@alice:hs1", room: "room", preset: "private_chat" },
    { at: 10, do: "joinRules", user: "@alice:hs1", room: "room", rule: "knock" },
    { at: 100, do: "knock", user: "@bob:hs2", room: "room", via: ["hs1"], reason: "hello", expect: "ok" },
    { at: 1000, do: "invite", user: "@alice:hs1", room: "room", target: "@bob:hs2", expect: "ok" },
    { at: 2000, do: "join", user: "@bob:hs2", room: "room", via: ["hs1"], expect: "ok" },
    { at: 3000, do: "joinRules", user: "@alice:hs1", room: "room", rule: "invite" },
    { at: 4000, do: "knock", user: "@carol:hs2", room: "room", via: ["hs1"], expect: "M_FORBIDDEN" },
  ],
  checks: [{ check: "membership", room: "room", user: "@bob:hs2", is: "join" }],
};

describe("the knock action", () => {
  it("parses, knocks over federation, and the knocker is then invited and joins", () => {
    const scenario = parseScenario(JSON.parse(JSON.stringify(json)), "knock-knock.json");
    const report = runScenario(scenario, { seed: 1, crypto: nodeCrypto });
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    // The membership check and the actions' expectations were all checked.
    expect(report.checks.length).toBeGreaterThanOrEqual(2);
  });

  it("refuses a knock with an unknown property or a server that is not in the scenario", () => {
    const bad = (action: object) => () =>
      parseScenario(
        { ...json, timeline: [json.timeline[0], { at: 5, do: "knock", user: "@bob:hs2", room: "room", ...action }] },
        "bad.json",
      );
    expect(bad({ via: ["hs9"] })).toThrow(/via\[0\]/);
    expect(bad({ colour: "red" })).toThrow(/unknown property/);
  });
});

describe("a server's roomVersions in a scenario", () => {
  const versions = {
    name: "old-server",
    description: "hs2 supports room versions up to 10 only.",
    roomVersion: "11",
    servers: [{ name: "hs1" }, { name: "hs2", roomVersions: ["9", "10"] }],
    users: ["@alice:hs1", "@bob:hs2"],
    timeline: [
      { at: 0, do: "createRoom", user: "@alice:hs1", room: "room", preset: "public_chat" },
      { at: 100, do: "join", user: "@bob:hs2", room: "room", via: ["hs1"], expect: "M_INCOMPATIBLE_ROOM_VERSION" },
    ],
  };

  it("is sent as ver: the join into a version 11 room is refused", () => {
    const report = runScenario(parseScenario(JSON.parse(JSON.stringify(versions)), "old.json"), {
      seed: 1,
      crypto: nodeCrypto,
    });
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report.checks.length).toBeGreaterThanOrEqual(1);
  });

  it("an unknown version is refused with its path", () => {
    const bad = { ...versions, servers: [{ name: "hs1" }, { name: "hs2", roomVersions: ["10", "99"] }] };
    expect(() => parseScenario(bad, "bad.json")).toThrow(/servers\[1\]\.roomVersions\[1\]/);
  });
});
