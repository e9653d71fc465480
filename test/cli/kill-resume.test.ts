// A sweep killed with SIGKILL at any moment, then run again with the same --out, ends with
// the very bytes an uninterrupted sweep writes: no seed lost, none twice, no torn line, no
// temporary file or lock left behind. The kill moments are drawn from a seeded stream
// (printed on failure, so a failing draw can be replayed with KILL_SEED=<n>).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bin, cli, tempDir } from "./cli.ts";

const SEEDS = "1..24";

/** mulberry32: a tiny seeded stream for the kill moments (test code, not the engine's streams). */
function stream(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Starts the real sweep and kills it with SIGKILL after `afterMs` (or lets it finish first). */
function sweepKilledAfter(out: string, workers: number, afterMs: number): Promise<"killed" | "finished"> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      "node",
      [bin, "sweep", "three-servers", "--seeds", SEEDS, "--workers", String(workers), "--out", out],
      {
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), afterMs);
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (signal === "SIGKILL") resolve("killed");
      else if (code === 0) resolve("finished");
      else reject(new Error(`sweep exited ${code} before the kill: ${stderr}`));
    });
  });
}

/**
 * After SIGKILL to `netsplit`, the process it started for the sweep (cli/single-threaded-gc.js)
 * follows it within moments (once it reaches its event loop); until then its lock rightly
 * holds. Wait for every process naming `out` to end, and fail if one lives on (it would be
 * writing to the file in the background).
 */
async function sweepProcessesGone(out: string): Promise<void> {
  for (let waited = 0; waited < 10_000; waited += 25) {
    if (spawnSync("pgrep", ["-f", out]).status !== 0) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`a sweep writing ${out} outlived the netsplit process that was killed`);
}

describe("a sweep killed with SIGKILL at random moments", () => {
  it("resumes to the bytes of an uninterrupted run, with 1 and 2 workers", async () => {
    const seed = Number(process.env.KILL_SEED ?? 20261204);
    const next = stream(seed);
    const dir = tempDir();
    const reference = join(dir, "reference.jsonl");
    expect((await cli("sweep", "three-servers", "--seeds", SEEDS, "--workers", "1", "--out", reference)).status).toBe(
      0,
    );
    const expected = readFileSync(reference, "utf8");
    expect(expected.trimEnd().split("\n")).toHaveLength(24);

    for (const workers of [1, 2]) {
      const out = join(dir, `killed-${workers}.jsonl`);
      const moments: number[] = [];
      let killed = 0;
      // Early kills (start-up, key and lock being written) as well as kills mid-sweep.
      for (let i = 0; i < 4; i++) {
        const afterMs = Math.round(50 + next() * 2500);
        moments.push(afterMs);
        if ((await sweepKilledAfter(out, workers, afterMs)) === "killed") killed++;
        await sweepProcessesGone(out);
      }
      const finish = await cli("sweep", "three-servers", "--seeds", SEEDS, "--workers", String(workers), "--out", out);
      const context = `KILL_SEED=${seed}, workers ${workers}, kills after ${moments.join(", ")} ms (${killed} landed)`;
      expect(finish.status, `${context}\n${finish.stderr}`).toBe(0);
      expect(readFileSync(out, "utf8"), context).toBe(expected);
      expect(existsSync(`${out}.lock`), context).toBe(false);
      expect(
        readdirSync(dir).filter((f) => f.endsWith(".tmp")),
        context,
      ).toEqual([]);
    }
  }, 180_000);
});
