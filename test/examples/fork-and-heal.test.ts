// The README's library example is a file that runs (examples/fork-and-heal.ts): run it as
// a reader would and check that it shows what the README says it shows.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));

describe("examples/fork-and-heal.ts", () => {
  it("forks the room in the split and heals it to one state", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", "examples/fork-and-heal.ts"], {
      cwd: root,
      encoding: "utf8",
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const lines = run.stdout.split("\n");
    // In the split each side sees its own topic, and hs3's state is not hs1's.
    expect(lines[0]).toBe('forked  hs1: "ours", hs2: "ours", hs3: "theirs"  (state differs on: hs3)');
    // After the heal: both topics cite the same power levels (one mainline position), so
    // resolution v2 orders them by origin_server_ts, and Carol's, sent a second later, wins.
    expect(lines[1]).toBe('healed  hs1: "theirs", hs2: "theirs", hs3: "theirs"  (state differs on: none)');
  });
});
