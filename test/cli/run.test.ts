// `netsplit run` and `netsplit list`: the summary, --json, --trace, --check-determinism,
// exit codes, and bad input.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { firstSentence } from "../../cli/commands/list.ts";
import { describeDifference, firstTraceDifference } from "../../cli/determinism.ts";
import { nodeCrypto } from "../../cli/node-crypto.ts";
import { SCENARIOS } from "../../scenarios/index.ts";
import { traceHash, parseTraceJsonLines } from "../../sim/trace.ts";
import { cli, expectOneLineError, spawnCli, tempDir } from "./cli.ts";

const twin = new URL("../../scenarios/shipped/json/three-servers.json", import.meta.url).pathname;

describe("netsplit run", () => {
  it("prints a readable summary and exits 0 when every check holds", async () => {
    const r = await cli("run", "three-servers", "--seed", "1");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^three-servers · seed 1 · room version 11\n/);
    expect(r.stdout).toContain("servers  hs1, hs2, hs3");
    expect(r.stdout).toMatch(/outcome +converged [\d.]+ ms after the heal/);
    expect(r.stdout).toContain("✓ @bob:hs2 in room is join");
    expect(r.stdout).toMatch(/trace: [\d,]+ records, hash [\w+/]{43}/);
  });

  it("shows a swarm seed's draw as the header", async () => {
    const r = await cli("run", "netsplit-heal", "--seed", "3", "--no-signing");
    expect(r.stdout).toMatch(
      /^netsplit-heal · seed 3 · room version 11 · signing off\nswarm draw: loss [\d.]+, duplication [\d.]+, reorder [\d.]+, partitions every /,
    );
  });

  it("--json prints one object with the report's fields", async () => {
    const r = await cli("run", "three-servers", "--seed", "2", "--json", "--room-version", "12");
    const report = JSON.parse(r.stdout);
    for (const key of [
      "scenario",
      "seed",
      "roomVersion",
      "converged",
      "checks",
      "traceHash",
      "virtualTimeMs",
      "pdusSent",
      "pdusDelivered",
    ])
      expect(report).toHaveProperty(key);
    expect(report).toMatchObject({
      scenario: "three-servers",
      seed: "2",
      roomVersion: "12",
      converged: true,
      signing: true,
    });
  });

  it("runs a JSON scenario file like the shipped module, and --trace writes the JSON Lines whose hash is the report's", async () => {
    const dir = tempDir();
    const trace = join(dir, "trace.jsonl");
    const fromFile = JSON.parse((await cli("run", twin, "--seed", "4", "--json", "--trace", trace)).stdout);
    const fromModule = JSON.parse((await cli("run", "three-servers", "--seed", "4", "--json")).stdout);
    expect(fromFile.traceHash).toBe(fromModule.traceHash);
    const text = readFileSync(trace, "utf8");
    expect(traceHash(parseTraceJsonLines(text), nodeCrypto)).toBe(fromFile.traceHash);
    expect(readdirSync(dir)).toEqual(["trace.jsonl"]); // the temporary file was renamed, not left behind
  });

  it("exits 1 and shows the problems when a check fails", async () => {
    const dir = tempDir();
    const file = join(dir, "wrong.json");
    const scenario = JSON.parse(readFileSync(twin, "utf8"));
    scenario.checks = [{ check: "membership", room: "room", user: "@bob:hs2", is: "ban" }];
    writeFileSync(file, JSON.stringify(scenario));
    const r = await cli("run", file);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("✗ @bob:hs2 in room is ban\n      hs1: @bob:hs2 is join, expected ban");
  });

  it("--check-determinism runs the seed twice and finds the traces identical", async () => {
    const r = await cli("run", "ban-vs-power-levels", "--seed", "5", "--check-determinism");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/✓ determinism: a second run gave the same \d+ records/);
    const json = JSON.parse((await cli("run", "three-servers", "--check-determinism", "--json")).stdout);
    expect(json.determinism).toEqual({ identical: true, firstDifference: null });
  });

  it("finds the first trace record where two runs differ", () => {
    const record = (seq: number, text: string) => ({ kind: "note" as const, text, seq, atMs: seq * 10 });
    const a = [record(0, "a"), record(1, "b"), record(2, "c")];
    expect(firstTraceDifference(a, [...a])).toBeNull();
    const d = firstTraceDifference(a, [record(0, "a"), record(1, "B"), record(2, "c")])!;
    expect(d.index).toBe(1);
    expect(describeDifference(d)).toBe(
      'the two runs differ from trace record 1:\n  first:  {"atMs":10,"kind":"note","seq":1,"text":"b"}\n  second: {"atMs":10,"kind":"note","seq":1,"text":"B"}',
    );
    expect(firstTraceDifference(a, a.slice(0, 2))).toMatchObject({ index: 2, second: null });
  });

  it("bad input: exit 2 with one line saying what to do", async () => {
    expectOneLineError(
      await cli("run", "no-such-scenario"),
      /^netsplit run: unknown scenario "no-such-scenario": known are three-servers, netsplit-heal, .*or give the path of a \.json scenario file\)$/m,
    );
    expectOneLineError(await cli("run"), /name a scenario \(three-servers, /);
    expectOneLineError(
      await cli("run", "three-servers", "--bogus"),
      /^netsplit run: unknown option --bogus \(`netsplit run --help` lists the options\)$/m,
    );
    expectOneLineError(
      await cli("run", "three-servers", "--room-version", "99"),
      /--room-version: unknown room version "99"/,
    );
    const dir = tempDir();
    const bad = join(dir, "bad.json");
    writeFileSync(
      bad,
      JSON.stringify({
        name: "x",
        description: "",
        servers: [{ name: "hs1" }],
        users: [],
        timeline: [{ at: 0, do: "partition", partition: { shape: "square" } }],
      }),
    );
    expectOneLineError(
      await cli("run", bad),
      new RegExp(
        `^netsplit run: ${bad}: \\$\\.timeline\\[0\\]\\.partition\\.shape: "square" is not a known partition shape`,
      ),
    );
    writeFileSync(bad, "{ not json");
    expectOneLineError(await cli("run", bad), /not valid JSON/);
    expectOneLineError(await cli("run", join(dir, "missing.json")), /cannot read .*missing\.json: ENOENT/);
    // Found before the run, not after it (the report would be lost).
    expectOneLineError(
      await cli("run", "three-servers", "--trace", join(dir, "no-dir", "t.jsonl")),
      /--trace .*t\.jsonl: the directory .*no-dir does not exist/,
    );
    expect(existsSync(join(dir, "no-dir"))).toBe(false);
  });

  it("the real process: exit codes and no stack trace", () => {
    expectOneLineError(spawnCli(["run", "nope"]), /^netsplit run: unknown scenario "nope"/);

    const r = spawnCli(["run", twin, "--seed", "1"]);
    expect(r.status).toBe(0);
  });
});

describe("netsplit list and --help", () => {
  it("lists every shipped scenario with the first sentence of its description", async () => {
    const r = await cli("list");
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(SCENARIOS.length);
    expect(lines[0]).toMatch(
      /^three-servers +Matrix's introductory picture: three homeservers \(hs1, hs2, hs3\), one user on each, and one public room they all join\.$/,
    );
    const json = JSON.parse((await cli("list", "--json")).stdout);
    expect(json.map((s: { name: string }) => s.name)).toEqual(SCENARIOS.map((s) => s.name));
    expect(json[0]).toHaveProperty("summary");
    expectOneLineError(await cli("list", "extra"), /list takes no arguments/);
  });

  it("firstSentence stops at a sentence's end, not at every full stop", () => {
    expect(firstSentence("Five servers share a public room. At 5 s the network splits.")).toBe(
      "Five servers share a public room.",
    );
    expect(firstSentence("Version 1.2 is here, e.g. now. Then more.")).toBe("Version 1.2 is here, e.g. now.");
    expect(firstSentence("No full stop")).toBe("No full stop");
  });

  it("every command has --help (exit 0), and `netsplit help <command>` is the same", async () => {
    for (const command of ["list", "run", "sweep", "merge", "check", "difftest", "resolve"]) {
      const r = await cli(command, "--help");
      expect(r.status, command).toBe(0);
      expect(r.stdout, command).toMatch(new RegExp(`^usage: netsplit ${command}`));
      expect((await cli("help", command)).stdout).toBe(r.stdout);
    }
    expect((await cli("--help")).stdout).toMatch(/difftest +compare another resolver/);
    expectOneLineError(
      await cli("frobnicate"),
      /^netsplit: unknown command "frobnicate": the commands are list, run, sweep, merge, experiment, check, difftest, resolve/,
    );
    expect((await cli()).status).toBe(2);
    expect((await cli("--version")).stdout).toMatch(/^netsplit \d+\.\d+\.\d+\n$/);
  });
});
