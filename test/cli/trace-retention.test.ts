// --trace-retention on `netsplit run` and `netsplit sweep` (issue 12): a long run may keep
// only the trace hash (hash-only) or nothing (none). The hash must not depend on what is
// kept: it is checked against SHA-256 of the trace file a full run writes, computed here
// with node:crypto, not by netsplit's own hasher.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TRACE_RETENTIONS } from "../../sim/index.ts";
import { cli, expectOneLineError, tempDir } from "./cli.ts";

/** The trace hash as docs/trace.md defines it: SHA-256 of the JSON Lines text, unpadded base64. */
function sha256OfFile(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("base64").replace(/=+$/, "");
}

async function runJson(...args: string[]): Promise<Record<string, unknown>> {
  const r = await cli("run", "netsplit-heal", "--seed", "2", "--no-signing", "--json", ...args);
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

describe("netsplit run --trace-retention", () => {
  it("gives the hash of the trace file whichever retention keeps a hash, and the same report", async () => {
    const file = join(tempDir(), "trace.jsonl");
    const full = await runJson("--trace", file);
    const expected = sha256OfFile(file);
    expect(full.traceHash).toBe(expected);
    const hashOnly = await runJson("--trace-retention", "hash-only");
    expect(hashOnly.traceHash).toBe(expected);
    expect(hashOnly).toEqual(full);
    const explicitFull = await runJson("--trace-retention", "full");
    expect(explicitFull).toEqual(full);
  });

  it("none keeps no hash but changes nothing else of the report", async () => {
    const full = await runJson();
    const none = await runJson("--trace-retention", "none");
    expect(none.traceHash).toBe("");
    expect({ ...none, traceHash: full.traceHash }).toEqual(full);
    const text = await cli("run", "three-servers", "--trace-retention", "none");
    expect(text.stdout).toMatch(/trace: [\d,]+ records, not hashed \(--trace-retention none\)\n$/);
  });

  it("refuses what needs the records, and an unknown retention, in one line", async () => {
    expectOneLineError(await cli("run", "three-servers", "--trace-retention", "all"), /one of full, hash-only, none/);
    const file = join(tempDir(), "t.jsonl");
    for (const retention of TRACE_RETENTIONS.filter((r) => r !== "full")) {
      expectOneLineError(
        await cli("run", "three-servers", "--trace", file, "--trace-retention", retention),
        /--trace reads every trace record/,
      );
      expectOneLineError(
        await cli("run", "three-servers", "--check-determinism", "--trace-retention", retention),
        /--check-determinism reads every trace record/,
      );
    }
    // v2-vs-v21's checks count trace records.
    expectOneLineError(
      await cli("run", "v2-vs-v21", "--no-signing", "--trace-retention", "hash-only"),
      /v2-vs-v21's checks read the trace's records: run it with --trace-retention full/,
    );
  });
});

describe("netsplit sweep --trace-retention", () => {
  it("writes the same trace hashes under full and hash-only, and null under none", async () => {
    const lines = async (retention: string) => {
      const out = join(tempDir(), "lines.jsonl");
      const r = await cli(
        "sweep",
        "three-servers",
        "--seeds",
        "1..2",
        "--workers",
        "1",
        "--no-signing",
        "--out",
        out,
        "--trace-retention",
        retention,
      );
      expect(r.status).toBe(0);
      return readFileSync(out, "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { seed: number; traceHash: string | null });
    };
    const full = await lines("full");
    expect(full.map((l) => l.traceHash)).toEqual([expect.stringMatching(/^[\w+/]{43}$/), expect.any(String)]);
    expect(await lines("hash-only")).toEqual(full);
    expect(await lines("none")).toEqual(full.map((l) => ({ ...l, traceHash: null })));
  });

  it("refuses --check-determinism without the full trace", async () => {
    expectOneLineError(
      await cli("sweep", "three-servers", "--seeds", "1..2", "--check-determinism", "--trace-retention", "none"),
      /--check-determinism reads every trace record/,
    );
  });
});
