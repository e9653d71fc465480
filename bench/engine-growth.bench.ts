// Engine growth and memory (issue 12): is the engine linear in servers and messages,
// everyone speaking at once included, and what does a delivery cost in memory? Each
// row is one run of the talking phase on a fresh world (set-up excluded, JIT warmed by
// the engine bench or a first small run) and its trace hash, in CPU time; memory is the heap used after
// GC at the end of the phase minus before it, per delivery (a delivery: one PDU
// accepted by one server), with the world still alive. Big cases are opt-in:
//   BENCH_ENGINE_BIG=1      10 servers × 100k messages (≈ 900k deliveries)
//   BENCH_ENGINE_MILLION=1  ≈ 1M deliveries with a hash-only trace, to show it fits in
//                           1 GB (run it under NODE_OPTIONS=--max-old-space-size=1024)

import { nodeCrypto } from "../cli/node-crypto.ts";
import { World, type TraceRetention } from "../sim/index.ts";
import { cpuMicrosecondsOf, formatRate } from "./clock.ts";
import { busyRoom, SENDERS_PER_ROUND_MAX, serverCounts, talk } from "./engine.bench.ts";

const DUMMY = "org.matrix.dummy_event";
const ONE_GB = 1024 ** 3;

interface Growth {
  servers: number;
  messages: number;
  deliveries: number;
  dummies: number;
  /** The most forward extremities any server holds at the end. */
  extremities: number;
  cpuUs: number;
  heapBytes: number;
  trace: TraceRetention;
}

/** The heap in use once garbage is collected (`npm run bench` runs node with --expose-gc). */
function heapAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

function grow(servers: number, messages: number, sendersPerRound: number, trace: TraceRetention = "full"): Growth {
  const setup = busyRoom(servers, false, trace);
  const { world, roomId } = setup;
  let dummies = 0;
  world.trace.subscribe((r) => {
    if (r.kind === "pdu.created" && r.type === DUMMY) dummies++;
  });
  const accepted = world.trace.count("pdu.accepted");
  const heapBefore = heapAfterGc();
  // The trace hash is part of the phase: a hash-only trace computes it record by record as
  // the run goes, a full one all at once when asked, so leaving it out would favour full.
  const cpuUs = cpuMicrosecondsOf(() => {
    talk(setup, messages, sendersPerRound);
    world.trace.hash();
  });
  const heapBytes = heapAfterGc() - heapBefore;
  // Read after the heap is measured: the world is alive while it is.
  const extremities = world
    .serverNames()
    .reduce((most, n) => Math.max(most, world.server(n).room(roomId)!.extremityIds().length), 0);
  return {
    servers,
    messages,
    deliveries: world.trace.count("pdu.accepted") - accepted,
    dummies,
    extremities,
    cpuUs,
    heapBytes,
    trace,
  };
}

function row(label: string, g: Growth, extra: Record<string, string> = {}): Record<string, string> {
  return {
    run: label,
    messages: formatRate(g.messages),
    "dummy events": formatRate(g.dummies),
    extremities: String(g.extremities),
    deliveries: formatRate(g.deliveries),
    "CPU µs/delivery": (g.cpuUs / g.deliveries).toFixed(1),
    "deliveries/s": formatRate(g.deliveries / (g.cpuUs / 1e6)),
    "heap B/delivery": formatRate(g.heapBytes / g.deliveries),
    ...extra,
  };
}

function messageCounts(): number[] {
  const env = process.env.BENCH_ENGINE_MESSAGES;
  const base = env ? env.split(",").map(Number) : [1_000, 10_000];
  return process.env.BENCH_ENGINE_BIG ? [...base, 100_000] : base;
}

export function runEngineGrowthBench(): void {
  grow(10, 300, SENDERS_PER_ROUND_MAX); // warm the JIT

  // Set-up: servers and a room everyone joined (one after another, each until quiet).
  let world: World | undefined;
  const addUs = cpuMicrosecondsOf(() => {
    world = new World({ seed: 1, crypto: nodeCrypto, signing: false });
    for (let i = 1; i <= 100; i++) world.addServer(`hs${i}`);
  });
  void world;
  const roomUs = cpuMicrosecondsOf(() => busyRoom(100, false));
  console.log(
    `set-up: 100 servers added in ${(addUs / 1000).toFixed(1)} CPU ms; with one user each, all joined to one room, ${(roomUs / 1000).toFixed(0)} CPU ms (goal: well under 1 s)`,
  );

  console.log(
    `\neveryone at once: every server sends one message a round, 3 rounds (goal: no dummy-event cascade, i.e. deliveries × 1.00 of the messages' own, and extremities bounded by the senders; ` +
      `the dummies are Synapse's 5-minute job's, stored and not pushed: docs/federation.md)`,
  );
  console.table(
    serverCounts().map((n) => {
      const g = grow(n, 3 * n, n);
      return row(`${n} servers`, g, {
        "× deliveries without dummies": (g.deliveries / (g.messages * (n - 1))).toFixed(2),
      });
    }),
  );

  console.log(
    `\nlinear in servers: servers × 1,000 messages, ${SENDERS_PER_ROUND_MAX} senders a round (goal: flat µs and B per delivery)`,
  );
  console.table(serverCounts().map((n) => row(`${n} servers`, grow(n, 1_000, Math.min(n, SENDERS_PER_ROUND_MAX)))));

  console.log(
    `\nlinear in messages: 10 servers, ${SENDERS_PER_ROUND_MAX} senders a round; the trace kept (full) or only hashed (hash-only)`,
  );
  const rows: Array<Record<string, string>> = [];
  for (const m of messageCounts()) {
    for (const trace of ["full", "hash-only"] as const)
      rows.push(row(`${formatRate(m)} messages, ${trace}`, grow(10, m, SENDERS_PER_ROUND_MAX, trace)));
  }
  console.table(rows);

  if (process.env.BENCH_ENGINE_MILLION) {
    // 10 servers: each message is accepted by the 9 others.
    const g = grow(10, Math.ceil(1_000_000 / 9), SENDERS_PER_ROUND_MAX, "hash-only");
    const peakRss = process.resourceUsage().maxRSS * 1024;
    console.log(
      `\n1M deliveries, hash-only trace: ${formatRate(g.deliveries)} deliveries, ${(g.cpuUs / g.deliveries).toFixed(1)} CPU µs/delivery, ` +
        `heap grown by ${(g.heapBytes / 1024 ** 2).toFixed(0)} MB after GC with the world alive (${formatRate(g.heapBytes / g.deliveries)} B/delivery), ` +
        `peak RSS of the process ${(peakRss / 1024 ** 2).toFixed(0)} MB; ` +
        `goal: fits in 1 GB — ${peakRss < ONE_GB ? "met" : "not met"}`,
    );
  }
}
