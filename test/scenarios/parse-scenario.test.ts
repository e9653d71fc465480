// JSON scenarios: every shipped scenario survives a round trip through JSON and the
// validator; the JSON twin of three-servers runs exactly like the module; malformed
// files are refused with the source, the JSON path and the problem.
import { readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nodeCrypto } from "../../cli/node-crypto.ts";
import { scenarioArbitrary } from "../../scenarios/generators/arbitraries.ts";
import { findScenario, SCENARIOS } from "../../scenarios/index.ts";
import { parseCheck, parseScenario, SCHEMA_NAMES } from "../../scenarios/runner/parse-scenario.ts";
import { runScenario } from "../../scenarios/runner/run.ts";
import { ScenarioError } from "../../scenarios/runner/scenario-error.ts";

const jsonDir = new URL("../../scenarios/shipped/json/", import.meta.url);

const minimal = () => ({
  name: "tiny",
  description: "two servers",
  servers: [{ name: "hs1" }, { name: "hs2" }],
  users: ["@alice:hs1", "@bob:hs2"],
  timeline: [
    { at: 0, do: "createRoom", user: "@alice:hs1", room: "room", preset: "public_chat" },
    { at: 100, do: "join", user: "@bob:hs2", room: "room", via: ["hs1"] },
    { at: 200, do: "message", user: "@bob:hs2", room: "room", body: "hi", label: "hi" },
  ] as Array<Record<string, unknown>>,
});

/** The message parseScenario throws for a scenario changed by `edit`. */
function problem(edit: (s: ReturnType<typeof minimal> & Record<string, unknown>) => void): string {
  const s = minimal() as ReturnType<typeof minimal> & Record<string, unknown>;
  edit(s);
  try {
    parseScenario(JSON.parse(JSON.stringify(s)), "bad.json");
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return (e as Error).message;
  }
  throw new Error("parseScenario accepted it");
}

describe("parseScenario", () => {
  it("accepts every shipped scenario written as JSON, and gives back the same value", () => {
    const asJson = SCENARIOS.filter((s) => !s.setup && !s.customChecks);
    expect(asJson.length).toBeGreaterThan(3);
    for (const s of asJson) {
      const json = JSON.parse(JSON.stringify(s));
      expect(parseScenario(json, s.name), s.name).toEqual(json);
    }
  });

  it("accepts the example files in scenarios/shipped/json/", () => {
    const files = readdirSync(jsonDir).filter((f) => f.endsWith(".json"));
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const f of files) parseScenario(JSON.parse(readFileSync(new URL(f, jsonDir), "utf8")), f);
  });

  it("the JSON twin of three-servers runs exactly like the TypeScript module (same trace hash)", () => {
    const twin = parseScenario(
      JSON.parse(readFileSync(new URL("three-servers.json", jsonDir), "utf8")),
      "three-servers.json",
    );
    const a = runScenario(twin, { seed: 7, crypto: nodeCrypto });
    const b = runScenario(findScenario("three-servers")!, { seed: 7, crypto: nodeCrypto });
    expect(a.passed).toBe(true);
    expect(a.traceHash).toBe(b.traceHash);
  });

  it("accepts every random scenario of scenarios/generators/arbitraries.ts", () => {
    fc.assert(
      fc.property(scenarioArbitrary(), (s) => {
        parseScenario(JSON.parse(JSON.stringify(s)), "random");
      }),
      { seed: 11, numRuns: 200 },
    );
  });

  it("names the source, the JSON path and the problem", () => {
    expect(problem((s) => s.timeline.push({ at: 300, do: "partition", partition: { shape: "square" } }))).toBe(
      'bad.json: $.timeline[3].partition.shape: "square" is not a known partition shape (expected one of "isolate", "split", "majority", "ring", "bridge", "random", "oneWay", "map")',
    );
    expect(problem((s) => s.timeline.push({ at: 300, do: "dance" }))).toMatch(
      /^bad\.json: \$\.timeline\[3\]\.do: "dance" is not a known timeline verb \(expected one of "createRoom", /,
    );
    expect(problem((s) => (s.timeline[1]!.at = -5))).toBe("bad.json: $.timeline[1].at: must be at least 0, got -5");
    expect(problem((s) => delete (s as { description?: string }).description)).toBe(
      "bad.json: $.description: missing (a string expected)",
    );
    expect(problem((s) => (s.servers[0] = { name: "hs1", skew: { offsetMs: "fast" } } as never))).toBe(
      'bad.json: $.servers[0].skew.offsetMs: must be a number, got a string "fast"',
    );
  });

  it("refuses unknown keys, naming the ones it knows", () => {
    expect(problem((s) => (s.timeline[2]!.colour = "red"))).toBe(
      "bad.json: $.timeline[2].colour: unknown property (expected one of do, at, label, expect, user, room, body)",
    );
    expect(problem((s) => (s.seed = 3))).toMatch(
      /^bad\.json: \$\.seed: unknown property \(expected one of name, description, roomVersion, servers, /,
    );
    expect(problem((s) => (s.swarm = { loss: 0.1, lossy: 1 }))).toMatch(
      /^bad\.json: \$\.swarm\.lossy: unknown property/,
    );
    expect(problem((s) => (s.network = [{ config: { latency: 5 } }]))).toMatch(
      /^bad\.json: \$\.network\[0\]\.config\.latency: unknown property \(expected one of latencyMsMin, /,
    );
  });

  it("refuses what only a TypeScript module can say", () => {
    expect(problem((s) => (s.setup = "attach a bot"))).toBe(
      "bad.json: $.setup: only a TypeScript scenario module can have this (it is code)",
    );
    expect(problem((s) => (s.customChecks = []))).toBe(
      "bad.json: $.customChecks: only a TypeScript scenario module can have this (it is code)",
    );
  });

  it("checks names against what the scenario declares", () => {
    expect(problem((s) => s.users.push("@carol:hs3"))).toBe(
      "bad.json: $.users[2]: @carol:hs3 is on hs3, which is not one of the servers (hs1, hs2)",
    );
    expect(
      problem((s) => s.timeline.push({ at: 300, do: "message", user: "@carol:hs1", room: "room", body: "x" })),
    ).toBe('bad.json: $.timeline[3].user: "@carol:hs1" is not one of the users (list it in "users")');
    expect(
      problem((s) => s.timeline.push({ at: 300, do: "topic", user: "@alice:hs1", room: "lobby", topic: "x" })),
    ).toBe('bad.json: $.timeline[3].room: no createRoom makes a room "lobby" (rooms: room)');
    expect(
      problem((s) => s.timeline.push({ at: 300, do: "redact", user: "@alice:hs1", room: "room", event: "nope" })),
    ).toBe('bad.json: $.timeline[3].event: no timeline action has the label "nope"');
    expect(
      problem((s) =>
        s.timeline.push({ at: 300, do: "message", user: "@alice:hs1", room: "room", body: "x", label: "hi" }),
      ),
    ).toBe("bad.json: $.timeline[3].label: label hi is used twice");
    expect(
      problem((s) => s.timeline.push({ at: 300, do: "partition", partition: { shape: "isolate", server: "hs9" } })),
    ).toBe('bad.json: $.timeline[3].partition: partition isolate: unknown server "hs9" (servers are hs1, hs2)');
    expect(problem((s) => s.timeline.push({ at: 300, do: "crash", server: "hs3" }))).toBe(
      'bad.json: $.timeline[3].server: "hs3" is not one of the servers (hs1, hs2)',
    );
    expect(problem((s) => (s.checks = [{ check: "event", event: "bye", status: "accepted" }]))).toBe(
      'bad.json: $.checks[0].event: no timeline action has the label "bye"',
    );
    expect(
      problem((s) => (s.servers[1] = { name: "hs2", adversary: { kind: "withhold", from: ["hs7"] } } as never)),
    ).toBe('bad.json: $.servers[1].adversary.from[0]: "hs7" is not one of the servers (hs1, hs2)');
    expect(problem((s) => (s.roomVersion = "13"))).toMatch(
      /^bad\.json: \$\.roomVersion: unknown room version "13": known are 1, 2, /,
    );
    expect(problem((s) => (s.network = [{ from: "hs1", config: { loss: 0.1 } }]))).toBe(
      "bad.json: $.network[0]: give both from and to (one link), or neither (the whole network)",
    );
  });

  it("checks swarm ranges and link probabilities", () => {
    expect(problem((s) => (s.swarm = { loss: [0.2, 0.1] }))).toBe(
      "bad.json: $.swarm.loss: the range [0.2, 0.1] is empty (write [low, high])",
    );
    expect(problem((s) => (s.swarm = { loss: [0, 2] }))).toBe("bad.json: $.swarm.loss[1]: must be at most 1, got 2");
    expect(problem((s) => (s.swarm = { shapes: ["map"] }))).toMatch(
      /^bad\.json: \$\.swarm\.shapes\[0\]: "map" is not a known partition shape a swarm can draw/,
    );
    expect(problem((s) => (s.swarm = { partitionEveryMs: 0 }))).toBe(
      "bad.json: $.swarm.partitionEveryMs: must be more than 0, got 0",
    );
    expect(problem((s) => (s.network = [{ config: { loss: 1.5 } }]))).toBe(
      "bad.json: $.network[0].config: loss is a probability, got 1.5",
    );
  });

  it("accepts the federation params' named choices and refuses other values (issue 14)", () => {
    /** The minimal scenario with hs1 given these params (servers as the JSON would have them). */
    const serversWith = (params: Record<string, unknown>) => [{ name: "hs1", params }, { name: "hs2" }];
    const withParams = (params: Record<string, unknown>) =>
      parseScenario(JSON.parse(JSON.stringify({ ...minimal(), servers: serversWith(params) })), "ok.json");
    const params = {
      retryModel: "timer",
      backoffGates: "send-only",
      retryTransaction: "same",
      catchUpModel: "all-extremities",
      sendRetriesMax: 0,
    };
    expect(withParams(params).servers[0]!.params).toEqual(params);
    expect(problem((s) => Object.assign(s, { servers: serversWith({ retryModel: "sometimes" }) }))).toBe(
      'bad.json: $.servers[0].params.retryModel: "sometimes" is not a known retryModel value (expected one of "synapse", "timer")',
    );
    expect(problem((s) => Object.assign(s, { servers: serversWith({ sendRetriesMax: "ten" }) }))).toMatch(
      /^bad\.json: \$\.servers\[0\]\.params\.sendRetriesMax: /,
    );
  });

  it("parseCheck validates one check on its own", () => {
    expect(parseCheck({ check: "trace", kind: "server.crash", atMost: 0 }, "--require")).toEqual({
      check: "trace",
      kind: "server.crash",
      atMost: 0,
    });
    expect(() => parseCheck({ check: "trace", kind: "x", atMost: -1 }, "--require")).toThrow(
      "--require: $.atMost: must be at least 0, got -1",
    );
  });
});

describe("docs/scenarios.md", () => {
  const doc = readFileSync(new URL("../../docs/scenarios.md", import.meta.url), "utf8");

  it("documents every timeline verb, check, adversary, partition shape and cut mode the schema knows", () => {
    const missing = Object.entries(SCHEMA_NAMES).flatMap(([what, names]) =>
      names.filter((n) => !doc.includes(`| \`${n}\` |`)).map((n) => `${what}: ${n}`),
    );
    expect(missing).toEqual([]);
  });

  it("its example is a valid scenario whose checks hold", () => {
    const example = /```json\n([\s\S]*?)```/.exec(doc)![1]!;
    const report = runScenario(parseScenario(JSON.parse(example), "docs/scenarios.md"), {
      seed: 1,
      crypto: nodeCrypto,
    });
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
  });
});
