// `netsplit serve` as a user runs it: the real binary on free ports prints one line per
// server, answers, stops cleanly on Ctrl-C (SIGINT) with the recording's last line
// written, and `--replay` reproduces the trace hash; bad arguments exit 2 in one line.

import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bin, cli, expectOneLineError, spawnCli, tempDir } from "../cli/cli.ts";

/** Start `netsplit serve`, wait for its server lines, and hand back a way to stop it with SIGINT. */
async function startServe(args: string[]) {
  const child = spawn("node", [bin, "serve", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number>((resolve) => child.on("exit", (code) => resolve(code ?? -1)));
  const start = performance.now();
  while (stdout.split("\n").filter((l) => /^hs\d /.test(l)).length < 2) {
    if (child.exitCode !== null || performance.now() - start > 60_000)
      throw new Error(`serve did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const urls = new Map(
    stdout
      .split("\n")
      .filter((l) => /^hs\d /.test(l))
      .map((l) => l.split(" ") as [string, string]),
  );
  return {
    urls,
    stdout: () => stdout,
    stderr: () => stderr,
    stop: async () => {
      child.kill("SIGINT");
      return exited;
    },
  };
}

describe("netsplit serve", () => {
  it("prints one line per server, serves them, stops on Ctrl-C, and its recording replays to the same hash", async () => {
    const dir = tempDir();
    const recording = join(dir, "session.jsonl");
    const served = await startServe(["--port", "0", "--lockstep", "--seed", "3", "--record", recording]);
    expect([...served.urls.keys()]).toEqual(["hs1", "hs2"]);
    for (const url of served.urls.values()) expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const hs1 = served.urls.get("hs1")!;
    const versions = (await (await fetch(`${hs1}/_matrix/client/versions`)).json()) as { versions: string[] };
    expect(versions.versions).toContain("v1.12");
    const registered = (await (
      await fetch(`${hs1}/_matrix/client/v3/register`, {
        method: "POST",
        body: JSON.stringify({ username: "dana", password: "pw", auth: { type: "m.login.dummy" } }),
      })
    ).json()) as { access_token: string };
    await fetch(`${hs1}/_matrix/client/v3/createRoom`, {
      method: "POST",
      headers: { Authorization: `Bearer ${registered.access_token}` },
      body: JSON.stringify({ name: "served", topic: "over http" }),
    });
    await fetch(`${hs1}/_netsplit/crash`, { method: "POST", body: JSON.stringify({ server: "hs2" }) });
    expect(await served.stop()).toBe(0);
    expect(served.stderr()).toMatch(/stopped at \d+ ms virtual, \d+ steps; trace hash \S+/);
    const lines = readFileSync(recording, "utf8").trim().split("\n");
    expect(JSON.parse(lines[lines.length - 1]!)).toHaveProperty("end.traceHash");

    const replayed = spawnCli(["serve", "--replay", recording]);
    expect(replayed.stdout).toContain("✓ the same trace hash as the recorded session");
    expect(replayed.status).toBe(0);
  });

  it("answers a request still open at Ctrl-C before it stops (the clock runs on while it drains)", async () => {
    const served = await startServe(["--port", "0"]);
    const hs1 = served.urls.get("hs1")!;
    const registered = (await (
      await fetch(`${hs1}/_matrix/client/v3/register`, {
        method: "POST",
        body: JSON.stringify({ username: "erin", password: "pw", auth: { type: "m.login.dummy" } }),
      })
    ).json()) as { access_token: string };
    const headers = { Authorization: `Bearer ${registered.access_token}` };
    const first = (await (await fetch(`${hs1}/_matrix/client/v3/sync`, { headers })).json()) as { next_batch: string };
    // A long-poll of 300 virtual ms (as many real ms at --speed 1) that nothing ends early.
    const open = fetch(`${hs1}/_matrix/client/v3/sync?since=${first.next_batch}&timeout=300`, { headers }).then(
      (r) => r.status,
      (e: Error) => `failed: ${e.message}`,
    );
    await new Promise((r) => setTimeout(r, 50));
    const stopped = served.stop();
    expect(await open).toBe(200);
    expect(await stopped).toBe(0);
  });

  it("refuses bad arguments with exit 2 and one line", async () => {
    expectOneLineError(await cli("serve", "--port", "http"), /--port must be a whole number/);
    expectOneLineError(await cli("serve", "--port", "70000"), /--port must be at most 65535/);
    expectOneLineError(await cli("serve", "no-such-scenario"), /unknown scenario/);
    expectOneLineError(await cli("serve", "--speed", "0"), /--speed must be a number > 0/);
    expectOneLineError(await cli("serve", "--replay", "/nonexistent/recording.jsonl"), /recording\.jsonl/);
    expectOneLineError(await cli("serve", "a", "b"), /at most one scenario/);
    const help = await cli("serve", "--help");
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^usage: netsplit serve/);
  });
});
