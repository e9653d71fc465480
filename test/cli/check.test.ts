// `netsplit check`: random scenarios that pass, and a required check that fails, shrunk
// to a minimal scenario saved as a JSON file that `netsplit run` replays.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseScenario } from "../../scenarios/runner/parse-scenario.ts";
import { cli, expectOneLineError, tempDir } from "./cli.ts";

describe("netsplit check", () => {
  it("passes when every random scenario passes its checks (a pinned seed)", async () => {
    const dir = tempDir();
    const r = await cli("check", "--runs", "5", "--seed", "2", "--out", dir);
    expect(r.stdout).toBe("✓ 5 random scenarios passed every check (seed 2)\n");
    expect(r.status).toBe(0);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("shrinks a failure to a minimal scenario, saves it as a valid JSON scenario, and `netsplit run` replays the failure", async () => {
    const dir = tempDir();
    const noCrashes = JSON.stringify({ check: "trace", kind: "server.crash", atMost: 0 });
    const r = await cli("check", "--runs", "30", "--seed", "11", "--out", dir, "--require", noCrashes);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(
      /^✗ run \d+ of 30 failed \(search seed 11\); shrunk \d+ times to 3 servers, 0 client actions, 0 partitions, 1 crashes:\n {2}✗ trace has ≤0 server\.crash\n/,
    );
    const file = join(dir, "netsplit-check-11.json");
    const saved = parseScenario(JSON.parse(readFileSync(file, "utf8")), file);
    expect(saved.timeline.filter((a) => a.do === "crash")).toHaveLength(1);
    expect(saved.servers).toHaveLength(3);
    const replay = /netsplit run (\S+) --seed (\d+)/.exec(r.stdout)!;
    expect(replay[1]).toBe(file);
    const again = await cli("run", file, "--seed", replay[2]!);
    expect(again.status).toBe(1);
    expect(again.stdout).toContain("✗ trace has ≤0 server.crash");
  });

  it("bad input", async () => {
    expectOneLineError(await cli("check", "--runs", "0"), /--runs must be a whole number ≥ 1/);
    expectOneLineError(await cli("check", "three-servers"), /check takes no scenario/);
    expectOneLineError(await cli("check", "--require", "{"), /--require #1: not valid JSON/);
    expectOneLineError(
      await cli("check", "--require", '{"check":"trace"}'),
      /--require #1: \$\.kind: missing \(a string expected\)/,
    );
  });
});
