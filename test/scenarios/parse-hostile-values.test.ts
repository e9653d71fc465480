// Scenario files that are valid JSON but that the engine cannot run: numbers canonical
// JSON cannot encode, lone surrogates, content nested 10,000 deep, times and skews of
// 1e300, swarms that would plan more than 10,000 actions. The parser refuses each with
// the JSON path and what is allowed; the CLI answers exit 2 and one line.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseScenario } from "../../scenarios/runner/parse-scenario.ts";
import { ScenarioError } from "../../scenarios/runner/scenario-error.ts";
import { cli, expectOneLineError, tempDir } from "../cli/cli.ts";

const minimal = () => ({
  name: "tiny",
  description: "two servers",
  servers: [{ name: "hs1" }, { name: "hs2" }] as Array<Record<string, unknown>>,
  users: ["@alice:hs1", "@bob:hs2"],
  timeline: [
    { at: 0, do: "createRoom", user: "@alice:hs1", room: "room", preset: "public_chat" },
    { at: 100, do: "join", user: "@bob:hs2", room: "room", via: ["hs1"] },
    { at: 200, do: "message", user: "@bob:hs2", room: "room", body: "hi", label: "hi" },
  ] as Array<Record<string, unknown>>,
});
type Edit = (s: ReturnType<typeof minimal> & Record<string, unknown>) => void;

/** The raw JSON text of a scenario changed by `edit`, with `raw` spliced in for the marker "@RAW@". */
function text(edit: Edit, raw = ""): string {
  const s = minimal() as ReturnType<typeof minimal> & Record<string, unknown>;
  edit(s);
  return JSON.stringify(s).replace('"@RAW@"', raw);
}

function refusal(source: string): ScenarioError {
  try {
    parseScenario(JSON.parse(source), "bad.json");
  } catch (e) {
    if (e instanceof ScenarioError) return e;
    throw new Error(`parseScenario threw ${String(e)} instead of a ScenarioError`, { cause: e });
  }
  throw new Error("parseScenario accepted it");
}

const setState =
  (content: unknown): Edit =>
  (s) =>
    void s.timeline.push({ at: 300, do: "setState", user: "@alice:hs1", room: "room", type: "org.example", content });

let deep = "0";
for (let i = 0; i < 10_000; i++) deep = `{"a":${deep}}`;

const cases: Array<[string, string, string, RegExp]> = [
  ["a float in content", text(setState({ n: "@RAW@" }), "1.5"), "$.timeline[3].content.n", /integers within/],
  ["2^53 in content", text(setState({ n: "@RAW@" }), "9007199254740992"), "$.timeline[3].content.n", /integers within/],
  [
    "-(2^53) deep in an array",
    text(setState({ list: [1, "@RAW@"] }), "-9007199254740992"),
    "$.timeline[3].content.list[1]",
    /integers within/,
  ],
  [
    "a lone surrogate in content",
    text(setState({ s: "@RAW@" }), '"\\ud800"'),
    "$.timeline[3].content.s",
    /lone surrogate/,
  ],
  [
    "a lone surrogate in a content key",
    text(setState({ "@KEY@": 1 })).replace('"@KEY@"', '"\\udc00"'),
    '$.timeline[3].content["\\udc00"]',
    /lone surrogate/,
  ],
  [
    "a lone surrogate in a message body",
    text((s) => void (s.timeline[2]!.body = "@RAW@"), '"a\\udfffb"'),
    "$.timeline[2].body",
    /lone surrogate/,
  ],
  ["content nested 10,000 deep", text(setState("@RAW@"), deep), "$.timeline[3].content", /nested deeper than 100/],
  [
    "a fractional time (found by the fuzzer: the trace has no floats)",
    text((s) => void (s.timeline[0]!.at = "@RAW@"), "1.5"),
    "$.timeline[0].at",
    /must be an integer/,
  ],
  [
    "a time of 1e300",
    text((s) => void (s.timeline[2]!.at = "@RAW@"), "1e300"),
    "$.timeline[2].at",
    /at most 1000000000000/,
  ],
  [
    "a fractional convergence budget (found by npm run fuzz, seed 13200: it is traced, and the trace has no floats)",
    text((s) => void (s.convergenceBudgetMs = "@RAW@"), "1.5"),
    "$.convergenceBudgetMs",
    /must be an integer, got 1\.5/,
  ],
  ["chaosMs of 1e300", text((s) => void (s.chaosMs = "@RAW@"), "1e300"), "$.chaosMs", /at most/],
  [
    "a skew of 1e300",
    text((s) => void (s.servers[0]!.skew = { offsetMs: "@RAW@" }), "1e300"),
    "$.servers[0].skew.offsetMs",
    /at most/,
  ],
  [
    "a skew of -1e300",
    text((s) => void (s.servers[0]!.skew = { offsetMs: "@RAW@" }), "-1e300"),
    "$.servers[0].skew.offsetMs",
    /at least/,
  ],
  [
    "a drift of 1e300",
    text((s) => void (s.servers[0]!.skew = { driftPpm: "@RAW@" }), "1e300"),
    "$.servers[0].skew.driftPpm",
    /at most 1000000/,
  ],
  [
    "a latency of 1e300",
    text((s) => void (s.network = [{ config: { latencyMsMean: "@RAW@" } }]), "1e300"),
    "$.network[0].config.latencyMsMean",
    /at most/,
  ],
  [
    "a clock-ahead adversary of 1e300",
    text((s) => void (s.servers[1]!.adversary = { kind: "clock-ahead", offsetMs: "@RAW@" }), "1e300"),
    "$.servers[1].adversary.offsetMs",
    /at most/,
  ],
  [
    "a power level of 2^53",
    text(
      (s) =>
        void s.timeline.push({
          at: 300,
          do: "powerLevel",
          user: "@alice:hs1",
          room: "room",
          target: "@bob:hs2",
          level: "@RAW@",
        }),
      "9007199254740993",
    ),
    "$.timeline[3].level",
    /within/,
  ],
  [
    "a swarm skew of 1e300",
    text((s) => void (s.swarm = { skewMs: [0, "@RAW@"] }), "1e300"),
    "$.swarm.skewMs[1]",
    /at most/,
  ],
  [
    "a swarm planning a million messages",
    text((s) => void ((s.chaosMs = 1_000_000), (s.swarm = { messageEveryMs: [1, 1000] }))),
    "$.swarm",
    /at most 5000 are allowed/,
  ],
  [
    // 6,000 expected: under the hard cap of 10,000, but an unlucky seed could come near it.
    "a swarm expecting 6,000 actions",
    text((s) => void ((s.chaosMs = 6_000_000), (s.swarm = { messageEveryMs: 2000 }))),
    "$.swarm",
    /about 6000 actions .*at most 5000 are allowed/,
  ],
];

describe("parseScenario on values the engine cannot run", () => {
  for (const [name, source, path, problem] of cases) {
    it(`refuses ${name} at ${path}`, () => {
      const e = refusal(source);
      expect(e.message).toContain(path);
      expect(e.message).toMatch(problem);
    });
  }

  it("still accepts the largest allowed values", () => {
    const ok = text((s) => {
      s.timeline[2]!.at = 1_000_000_000_000;
      s.servers[0]!.skew = { offsetMs: -1_000_000_000_000, driftPpm: 1_000_000 };
      s.timeline.push({
        at: 300,
        do: "setState",
        user: "@alice:hs1",
        room: "room",
        type: "org.example",
        content: { n: 9_007_199_254_740_991, m: -9_007_199_254_740_991, s: "😀" },
      });
    });
    expect(() => parseScenario(JSON.parse(ok), "ok.json")).not.toThrow();
  });

  it("through the CLI: exit 2 and one line naming the path, for each", async () => {
    const dir = tempDir();
    for (const [name, source, path] of cases) {
      const file = join(dir, "s.json");
      writeFileSync(file, source);
      const r = await cli("run", file);
      try {
        expectOneLineError(r, /bad|s\.json/);
        expect(r.stderr).toContain(path);
      } catch (e) {
        throw new Error(`${name}: ${(e as Error).message}`, { cause: e });
      }
    }
  }, 60_000);
});
