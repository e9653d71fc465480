// Instructions instead of seconds: a phase's cost counted by valgrind's callgrind, for
// telling a change of a few percent on a machine whose speed moves by a factor of two or
// more from one minute to the next (seen here: the same CPU-bound loop took 4.9 s, then
// 14 s; paired runs of the same code differed by ±30%). Node runs single-threaded and
// predictable (no concurrent compiler or collector, fixed hash and random seeds), so the
// count repeats: the same run counted again differed by 0.02-0.04% (225 instructions in
// 2.5 billion for the set-up alone). It counts everything the process does, compilation
// and collection included, and it is not time: a cache miss costs one instruction. Use it
// before and after a change, at the same size; report times from `npm run bench`.
//
//   npm run bench:instructions -- engine [messages]          (default 300: about 1.5 min)
//   npm run bench:instructions -- state-res <1.2k|11k> [resolutions]   (default 10: about 1 min at 1.2k)
//
// Each phase runs twice under valgrind, at its size and at twice its size; the difference
// of the two counts over the difference of the units done (deliveries, resolutions) is the
// figure. It still falls as the size grows (the JIT keeps optimising what runs once per
// message rather than once per delivery: 10 servers, 300 then 600 messages gave 362,594
// instructions per delivery; 300 then 900, 284,000), so compare figures of one size only.
// valgrind comes from Debian's package (`apt-get install -y valgrind`); this is a bench,
// not a test: CI does not run it.

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { groupDigits } from "../cli/group-digits.ts";
import { generateBenchRoom, ISSUE_ROOMS } from "./state-res-rooms.ts";

/** V8 without threads of its own and with fixed seeds: the same run executes the same instructions. */
const DETERMINISTIC_V8 = ["--single-threaded", "--predictable", "--hash-seed=1", "--random-seed=1"];
const PHASE = fileURLToPath(new URL("./instructions-phase.ts", import.meta.url));
/** Rooms small enough to resolve under valgrind in minutes. */
const ROOMS = ["1.2k", "11k"];

const count = groupDigits;

function fail(message: string): never {
  console.error(`bench:instructions: ${message}`);
  process.exit(2);
}

function parseArgs(args: readonly string[]): { phase: "engine" | "state-res"; size: number; room?: string } {
  const [phase, ...rest] = args;
  const positive = (text: string | undefined, fallback: number, what: string): number => {
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!/^[1-9][0-9]*$/.test(text) || !Number.isSafeInteger(n))
      fail(`${what} must be a positive integer, not ${JSON.stringify(text)}`);
    return n;
  };
  if (phase === "engine" && rest.length <= 1) return { phase, size: positive(rest[0], 300, "messages") };
  if (phase === "state-res" && rest.length >= 1 && rest.length <= 2) {
    if (!ROOMS.includes(rest[0]!)) fail(`no room ${JSON.stringify(rest[0])} (rooms: ${ROOMS.join(", ")})`);
    return { phase, room: rest[0]!, size: positive(rest[1], 10, "resolutions") };
  }
  fail("usage: npm run bench:instructions -- engine [messages] | state-res <1.2k|11k> [resolutions]");
}

/** Instructions of one run of the bundled phase, and the units it reports. */
function counted(bundle: string, phaseArgs: readonly string[]): { instructions: number; units: number } {
  const r = spawnSync(
    "valgrind",
    ["--tool=callgrind", "--callgrind-out-file=/dev/null", process.execPath, ...DETERMINISTIC_V8, bundle, ...phaseArgs],
    { encoding: "utf8", maxBuffer: 1 << 26 },
  );
  if (r.error) fail(`cannot run valgrind (${r.error.message}); install it: apt-get install -y valgrind`);
  const refs = /I\s+refs:\s+([\d,]+)/.exec(r.stderr);
  if (r.status !== 0 || refs === null)
    fail(`the phase failed under valgrind (${r.status ?? r.signal}): ${r.stderr.slice(-500)}`);
  const last = r.stdout.trim().split("\n").pop() ?? "";
  return { instructions: Number(refs[1]!.replace(/,/g, "")), units: (JSON.parse(last) as { units: number }).units };
}

const { phase, size, room } = parseArgs(process.argv.slice(2));
const dir = mkdtempSync(join(tmpdir(), "netsplit-instructions-"));
try {
  const bundle = join(dir, "phase.mjs");
  await build({
    entryPoints: [PHASE],
    bundle: true,
    platform: "node",
    format: "esm",
    outfile: bundle,
    logLevel: "silent",
  });
  const phaseArgs = (n: number): string[] => [phase, String(n)];
  let extra: string[] = [];
  if (phase === "state-res") {
    const benchRoom = ISSUE_ROOMS.find((r) => r.label === room)!;
    const forked = generateBenchRoom(benchRoom);
    const file = join(dir, "room.jsonl");
    const lines = [...forked.events.values()].map((pdu) => JSON.stringify(pdu));
    lines.push(JSON.stringify(forked.stateSets.map((s) => [...s])));
    writeFileSync(file, lines.join("\n") + "\n");
    extra = [file, String(benchRoom.warmups)];
  }
  const what =
    phase === "engine" ? `10 servers, ${size} messages, unsigned` : `room ${room}, ${size} fresh resolutions`;
  console.log(`counting under valgrind (${DETERMINISTIC_V8.join(" ")}): ${what}, then twice that; minutes each`);
  const once = counted(bundle, [...phaseArgs(size), ...extra]);
  const twice = counted(bundle, [...phaseArgs(2 * size), ...extra]);
  const unit = phase === "engine" ? "delivery" : "resolution";
  const units = twice.units - once.units;
  const per = (twice.instructions - once.instructions) / units;
  console.table([
    {
      phase: what,
      [`${unit === "delivery" ? "deliveries" : "resolutions"}, then`]: `${count(once.units)}, ${count(twice.units)}`,
      instructions: `${count(once.instructions)}, ${count(twice.instructions)}`,
      [`instructions per ${unit} (the difference)`]: count(Math.round(per)),
    },
  ]);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
