// `npm run merge:10m [lines]`: netsplit merge of ten million seeds (or `lines`), in two
// shards that share a seed, as the Slurm and Kubernetes recipes produce. Too long for
// npm test (the files are gigabytes): it checks the summary and the merged file, and
// prints the time and the peak resident memory, which must not grow with the lines.
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../cli/main.ts";
import { readLines } from "../cli/sweep/line-reader.ts";

const total = Number(process.argv[2] ?? 10_000_000);
if (!Number.isSafeInteger(total) || total < 2)
  throw new Error(`usage: merge-10m.ts [lines ≥ 2], got ${process.argv[2]}`);
const dir = mkdtempSync(join(tmpdir(), "netsplit-merge-10m-"));

function line(seed: number): string {
  const passed = seed % 1000 !== 0;
  return JSON.stringify({
    seed,
    scenario: "netsplit-heal",
    roomVersion: "11",
    signing: false,
    outcome: passed ? "converged" : "liveness-failure",
    converged: passed,
    passed,
    failed: passed ? [] : ["converged"],
    timeToConvergeMs: passed ? 400_000 + (seed % 9973) : null,
    virtualTimeMs: 2_270_500,
    traceHash: `h${seed.toString(36)}`,
    pdusSent: 282,
    pdusDelivered: 234,
    swarm: null,
  });
}

function writeShard(path: string, first: number, last: number): void {
  const fd = openSync(path, "w");
  let piece = "";
  for (let seed = first; seed <= last; seed++) {
    piece += line(seed) + "\n";
    if (piece.length > 1 << 20) {
      writeSync(fd, piece);
      piece = "";
    }
  }
  writeSync(fd, piece);
  closeSync(fd);
}

try {
  const half = Math.floor(total / 2);
  const a = join(dir, "part-0.jsonl");
  const b = join(dir, "part-1.jsonl");
  writeShard(a, 1, half + 1);
  writeShard(b, half + 1, total);
  const out = join(dir, "all.jsonl");
  let stdout = "";
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string) => ((stdout += chunk), true)) as typeof process.stdout.write;
  const started = process.hrtime.bigint();
  const status = await main(["merge", a, b, "--out", out, "--json"]).finally(() => (process.stdout.write = write));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const summary = JSON.parse(stdout) as { seeds: number; passed: number; missing: number[] };
  let lines = 0;
  let previous = 0;
  for (const raw of readLines(out)) {
    const seed = (JSON.parse(raw.text) as { seed: number }).seed;
    if (seed !== previous + 1) throw new Error(`merged file: seed ${seed} after ${previous}`);
    previous = seed;
    lines++;
  }
  const failures = Math.floor(total / 1000);
  const ok =
    status === 1 &&
    summary.seeds === total &&
    summary.passed === total - failures &&
    summary.missing.length === 0 &&
    lines === total;
  console.log(
    `merge of ${total} lines: ${seconds.toFixed(1)} s, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB, exit ${status}, ${ok ? "correct" : "WRONG"}`,
  );
  process.exitCode = ok ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
