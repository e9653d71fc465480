// Swarm runs: a scenario leaves fault rates open (ranges), and each seed draws its own
// from the "swarm" stream — loss, duplication, reordering, how often and in what shape
// the network splits, how often servers crash, each server's clock skew, how chatty the
// users are. The draw is printed as the run's header; the faults it implies become
// ordinary timeline entries of the chaos phase, so a swarm run replays like any other.

import type { CutMode, PartitionShapeName, PartitionSpec, Rng } from "../../sim/index.ts";
import type { Range, Scenario, SwarmSpec, TimelineAction } from "./types.ts";

/** What one seed drew: the run's header. */
export interface SwarmDraw {
  loss: number;
  duplication: number;
  reorder: number;
  partitionEveryMs: number | null;
  partitionForMs: number;
  crashEveryMs: number | null;
  crashForMs: number;
  messageEveryMs: number | null;
  topicEveryMs: number | null;
  skew: Record<string, { offsetMs: number; driftPpm: number }>;
}

/** Every planned fault or action has to fit in the chaos phase; no more than this many. */
/**
 * A swarm plans at most plannedActionsMax actions; parseScenario admits a swarm only if,
 * at its fastest rates, it expects at most expectedActionsMax of them. The planned count
 * is a sum of Poisson-like counts (exponential gaps), so with a mean of 5,000 a draw of
 * 10,000 has probability below e^-1900 (Chernoff: e^(-μ(2 ln 2 - 1))): no seed of an
 * admitted scenario ever reaches the hard cap, and a sweep never counts one as a crash.
 */
export const SWARM_LIMITS = { plannedActionsMax: 10_000, expectedActionsMax: 5_000 } as const;

const DEFAULT_SHAPES: PartitionShapeName[] = ["isolate", "majority", "random"];

function draw(rng: Rng, r: Range | undefined, fallback: number): number {
  if (r === undefined) return fallback;
  if (typeof r === "number") return r;
  return r[0] + rng.next() * (r[1] - r[0]);
}

function drawOptional(rng: Rng, r: Range | undefined): number | null {
  return r === undefined ? null : Math.round(draw(rng, r, 0));
}

/** Draw one seed's fault rates, in a fixed order so that the same seed draws the same. */
export function drawSwarm(spec: SwarmSpec, servers: readonly string[], rng: Rng): SwarmDraw {
  const d: SwarmDraw = {
    loss: round4(draw(rng, spec.loss, 0)),
    duplication: round4(draw(rng, spec.duplication, 0)),
    reorder: round4(draw(rng, spec.reorder, 0)),
    partitionEveryMs: drawOptional(rng, spec.partitionEveryMs),
    partitionForMs: Math.round(draw(rng, spec.partitionForMs, 60_000)),
    crashEveryMs: drawOptional(rng, spec.crashEveryMs),
    crashForMs: Math.round(draw(rng, spec.crashForMs, 60_000)),
    messageEveryMs: drawOptional(rng, spec.messageEveryMs),
    topicEveryMs: drawOptional(rng, spec.topicEveryMs),
    skew: {},
  };
  for (const s of servers) {
    d.skew[s] = { offsetMs: Math.round(draw(rng, spec.skewMs, 0)), driftPpm: Math.round(draw(rng, spec.driftPpm, 0)) };
  }
  return d;
}

/**
 * The faults and traffic a draw implies over [startMs, endMs), as timeline entries.
 * Partitions come one at a time (the next starts after the last is repaired); each
 * server crashes at most once at a time.
 */
export function planSwarm(
  spec: SwarmSpec,
  d: SwarmDraw,
  scenario: Scenario,
  span: { startMs: number; endMs: number },
  rng: Rng,
): TimelineAction[] {
  const servers = scenario.servers.map((s) => s.name);
  const out: TimelineAction[] = [];
  const push = (a: TimelineAction) => {
    if (out.length >= SWARM_LIMITS.plannedActionsMax)
      throw new Error(`swarm: more than ${SWARM_LIMITS.plannedActionsMax} planned actions; lower the rates`);
    out.push(a);
  };
  if (d.partitionEveryMs !== null) {
    const shapes = spec.shapes ?? DEFAULT_SHAPES;
    const modes: CutMode[] = spec.modes ?? ["drop"];
    let t = span.startMs + rng.exponential(d.partitionEveryMs);
    while (t < span.endMs) {
      const partition = { ...shapeSpec(rng.pick(shapes), servers, rng), mode: rng.pick(modes) } as PartitionSpec;
      const at = Math.round(t);
      push({ at, do: "partition", partition });
      const end = Math.min(span.endMs, at + d.partitionForMs);
      push({ at: end, do: "repair" });
      t = end + rng.exponential(d.partitionEveryMs);
    }
  }
  if (d.crashEveryMs !== null) {
    let t = span.startMs + rng.exponential(d.crashEveryMs);
    const downUntil = new Map<string, number>();
    while (t < span.endMs) {
      const server = rng.pick(servers);
      const at = Math.round(t);
      if ((downUntil.get(server) ?? -1) < at) {
        const end = Math.min(span.endMs, at + d.crashForMs);
        push({ at, do: "crash", server });
        push({ at: end, do: "restart", server });
        downUntil.set(server, end);
      }
      t += rng.exponential(d.crashEveryMs);
    }
  }
  for (const user of scenario.users) {
    for (const [every, kind] of [
      [d.messageEveryMs, "message"],
      [d.topicEveryMs, "topic"],
    ] as const) {
      if (every === null) continue;
      let t = span.startMs + rng.exponential(every);
      let n = 0;
      while (t < span.endMs) {
        const at = Math.round(t);
        n++;
        push(
          kind === "message"
            ? { at, do: "message", user, room: "*", body: `${user} #${n}` }
            : { at, do: "topic", user, room: "*", topic: `${user}'s topic #${n}` },
        );
        t += rng.exponential(every);
      }
    }
  }
  return out;
}

function shapeSpec(shape: PartitionShapeName, servers: readonly string[], rng: Rng): PartitionSpec {
  switch (shape) {
    case "isolate":
      return { shape, server: rng.pick(servers) };
    case "bridge":
      return { shape, bridge: rng.pick(servers) };
    case "split": {
      const cut = Math.max(1, rng.int(1, servers.length - 1));
      return { shape, sides: [servers.slice(0, cut), servers.slice(cut)] };
    }
    case "oneWay": {
      const from = rng.pick(servers);
      return { shape, from: [from], to: servers.filter((s) => s !== from) };
    }
    case "majority":
    case "ring":
    case "random":
      return { shape };
    case "map":
      throw new Error("swarm: the map shape is not drawn (list it in the timeline instead)");
  }
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
