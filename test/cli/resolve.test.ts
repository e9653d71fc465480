// The `netsplit resolve` command as a user runs it: output, exit codes, errors.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const bin = new URL("../../cli/bin.js", import.meta.url).pathname;
const fixture = (name: string) => new URL(`../fixtures/${name}`, import.meta.url).pathname;
const run = (...args: string[]) => spawnSync("node", [bin, ...args], { encoding: "utf8" });

describe("netsplit resolve", () => {
  it("prints the state as JSON", () => {
    const out = JSON.parse(
      execFileSync("node", [bin, "resolve", "--json", fixture("join-rule-vs-join.json")], { encoding: "utf8" }),
    );
    expect(out.state["m.room.join_rules"][""]).toBe("$04-join-rules-invite");
    expect(out.state["m.room.member"]).toEqual({ "@alice:a.example": "$01-alice-join" });
  });

  it("--expect exits 0 when the state is as expected, 1 naming the keys otherwise", () => {
    expect(run("resolve", "--expect", fixture("topic-split.json")).status).toBe(0);
    const differs = run("resolve", "--expect", "--room-version", "12", fixture("msc4297-problem-a-v11.json"));
    expect(differs.status).toBe(1);
    expect(differs.stderr).toContain('m.room.join_rules "": expected (absent), got $06-jr2');
  });

  it("--explain shows the steps of the algorithm", () => {
    const out = run("resolve", "--explain", fixture("ban-vs-power-levels.json")).stdout;
    expect(out).toContain("power events, in reverse topological power order:");
    expect(out).toContain("$08-bob-bans-carol rejected (rule 4.6.3");
  });

  it("bad input: one line naming the file and JSON path, exit 2, no stack trace", () => {
    const dir = mkdtempSync(join(tmpdir(), "netsplit-"));
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ room_version: "11", events: [{ event_id: "$a" }], resolve_at: ["$a"] }));
    const r = run("resolve", bad);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`netsplit resolve: ${bad}: $.events[0].type: missing (string expected)\n`);
    writeFileSync(bad, "{ nope");
    expect(run("resolve", bad).stderr).toMatch(/not valid JSON/);
    expect(run("resolve", join(dir, "missing.json")).status).toBe(2);
    expect(run("resolve", "--bogus", bad).status).toBe(2);
    expect(run("nonsense").status).toBe(2);
  });

  it("--help explains the options", () => {
    const r = run("resolve", "--help");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("--expect");
  });
});
