// `netsplit difftest`: netsplit's own resolver agrees with itself; a deliberately wrong
// resolver is caught, and the difference shrunk to a small fixture that both resolvers
// can replay. Also the resolver protocol's two output forms.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAnswer } from "../../cli/external-resolver.ts";
import { parseFixture } from "../../core/index.ts";
import { buildFixture } from "../../scenarios/generators/fixture-arbitraries.ts";
import { bin, cli, expectOneLineError, tempDir } from "./cli.ts";

const lastWriterWins = new URL("./resolvers/last-writer-wins.mjs", import.meta.url).pathname;

describe("netsplit difftest", () => {
  it("reports no difference when the resolver is netsplit itself (`netsplit resolve --json`)", async () => {
    const r = await cli(
      "difftest",
      "--resolver",
      `node ${bin} resolve --json`,
      "--runs",
      "2",
      "--seed",
      "1",
      "--out",
      tempDir(),
    );
    expect(r.stdout).toBe("✓ 2 random fixtures: the resolver agrees with netsplit on every one (seed 1)\n");
    expect(r.status).toBe(0);
  });

  it("finds a deliberately wrong resolver out and shrinks the difference to a small fixture", async () => {
    const dir = tempDir();
    const r = await cli(
      "difftest",
      "--resolver",
      `node ${lastWriterWins}`,
      "--runs",
      "50",
      "--seed",
      "40",
      "--out",
      dir,
    );
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(
      /^✗ fixture \d+ of 50 \(search seed 40\), shrunk \d+ times to \d+ events:\n {2}\S+ "[^"]*": netsplit \S+, resolver \S+\n/,
    );
    const file = join(dir, "netsplit-difftest-40.json");
    const json = JSON.parse(readFileSync(file, "utf8"));
    const fixture = parseFixture(json, file);
    expect(fixture.events.size).toBeLessThanOrEqual(9);
    // The saved fixture holds netsplit's answer as "expected": `netsplit resolve --expect` agrees with it.
    expect((await cli("resolve", "--expect", file)).status).toBe(0);
  });

  it("reads both output forms of the resolver protocol, and names what is wrong with others", () => {
    const json = buildFixture({ roomVersion: "11", users: 1, levels: [], ops: [] });
    const fixture = parseFixture(json, "f.json");
    const ids = json.events.map((e) => e.event_id!);
    const asList = parseAnswer(JSON.stringify(ids), fixture);
    const asState = parseAnswer(JSON.stringify({ state: { "m.room.create": { "": ids[0] } } }), fixture);
    expect(asList.ok && asList.state.size).toBe(ids.length);
    expect(asState.ok && [...asState.state.values()]).toEqual([ids[0]]);
    expect(parseAnswer("nope", fixture)).toMatchObject({ ok: false, problem: expect.stringMatching(/not JSON/) });
    expect(parseAnswer('["$unknown"]', fixture)).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/not one of the fixture's events/),
    });
    expect(parseAnswer('{"resolved": []}', fixture)).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/neither/),
    });
  });

  it("bad input", async () => {
    expectOneLineError(await cli("difftest"), /--resolver "<command>" is required/);
    expectOneLineError(
      await cli("difftest", "--resolver", "no-such-resolver-command", "--runs", "1"),
      /--resolver: the resolver exited with status 127.*is "no-such-resolver-command" on the PATH\?/,
    );
    expectOneLineError(await cli("difftest", "--resolver", "true", "--room-version", "0"), /unknown room version "0"/);
  });
});
