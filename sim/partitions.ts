// Partitions as data: a directed map of who cannot reach whom, and how each cut treats
// messages (dropped, slowed, or held for later release). Named generators build the
// common shapes from a list of servers; scenario files, the CLI and the web view all
// describe a partition with the same `PartitionSpec` and turn it into the same
// `Partition` with buildPartition().

import type { Rng } from "./random.ts";
import type { CutMode } from "./trace.ts";

/** from → the servers it cannot reach. Directed: a→b cut does not cut b→a. */
export type BlockedMap = Record<string, string[]>;

export interface Partition {
  blocked: BlockedMap;
  mode: CutMode;
}

/** The named shapes. Every shape lists whom it cuts off; `mode` says how (default drop). */
export type PartitionShape =
  /** One server cut off from every other, both ways. */
  | { shape: "isolate"; server: string }
  /** Two sides that cannot reach each other; servers on neither side keep every link. */
  | { shape: "split"; sides: [string[], string[]] }
  /** The first ⌈n/2⌉−1 servers (or `minority` of them) against the rest. */
  | { shape: "majority"; minority?: number }
  /**
   * Servers on a ring (in the given order) reach only their neighbours within `reach`
   * steps either way. The default is the smallest reach whose 2·reach+1 servers are a
   * majority, so each server sees a different bare majority, overlapping the next.
   */
  | { shape: "ring"; reach?: number }
  /** Two sides cut from each other, except `bridge`, which reaches both. */
  | { shape: "bridge"; bridge: string; sides?: [string[], string[]] }
  /** A random two-sided split (each side non-empty), drawn from the given stream. */
  | { shape: "random" }
  /** One way only: messages from `from` to `to` are cut; replies still flow. */
  | { shape: "oneWay"; from: string[]; to: string[] }
  /** An explicit directed map. */
  | { shape: "map"; blocked: BlockedMap };

export type PartitionSpec = PartitionShape & { mode?: CutMode };

export const PARTITION_SHAPES = ["isolate", "split", "majority", "ring", "bridge", "random", "oneWay", "map"] as const;
export type PartitionShapeName = (typeof PARTITION_SHAPES)[number];

export const CUT_MODES: readonly CutMode[] = ["drop", "hold", "slow"];

/** Turn a spec into a directed map over `servers` (sorted, deduplicated lists). */
export function buildPartition(spec: PartitionSpec, servers: readonly string[], rng?: Rng): Partition {
  const known = new Set(servers);
  const check = (names: readonly string[], what: string) => {
    for (const n of names)
      if (!known.has(n))
        throw new Error(`partition ${what}: unknown server ${JSON.stringify(n)} (servers are ${servers.join(", ")})`);
  };
  const blocked: BlockedMap = {};
  const cut = (from: string, to: string) => {
    if (from === to) return;
    (blocked[from] ??= []).push(to);
  };
  const between = (a: readonly string[], b: readonly string[]) => {
    for (const x of a)
      for (const y of b) {
        cut(x, y);
        cut(y, x);
      }
  };
  switch (spec.shape) {
    case "isolate":
      check([spec.server], "isolate");
      between(
        [spec.server],
        servers.filter((s) => s !== spec.server),
      );
      break;
    case "split":
      check([...spec.sides[0], ...spec.sides[1]], "split");
      between(spec.sides[0], spec.sides[1]);
      break;
    case "majority": {
      const minority = spec.minority ?? Math.max(1, Math.ceil(servers.length / 2) - 1);
      if (minority < 1 || minority >= servers.length)
        throw new Error(`partition majority: minority must be 1…${servers.length - 1}, got ${minority}`);
      between(servers.slice(0, minority), servers.slice(minority));
      break;
    }
    case "ring":
      for (const [from, to] of ringCuts(servers, spec.reach)) cut(from, to);
      break;
    case "bridge": {
      check([spec.bridge], "bridge");
      const others = servers.filter((s) => s !== spec.bridge);
      const sides = spec.sides ?? [
        others.slice(0, Math.ceil(others.length / 2)),
        others.slice(Math.ceil(others.length / 2)),
      ];
      check([...sides[0], ...sides[1]], "bridge");
      between(
        sides[0].filter((s) => s !== spec.bridge),
        sides[1].filter((s) => s !== spec.bridge),
      );
      break;
    }
    case "random":
      between(...randomSides(servers, rng));
      break;
    case "oneWay":
      check([...spec.from, ...spec.to], "oneWay");
      for (const f of spec.from) for (const t of spec.to) cut(f, t);
      break;
    case "map":
      for (const [from, tos] of Object.entries(spec.blocked)) {
        check([from, ...tos], "map");
        for (const t of tos) cut(from, t);
      }
      break;
    default:
      return assertNever(spec);
  }
  return { blocked: normalise(blocked), mode: spec.mode ?? "drop" };
}

/** The ring shape: pairs further apart than `reach` steps either way round the ring. */
function ringCuts(servers: readonly string[], reachOption: number | undefined): Array<[string, string]> {
  const n = servers.length;
  const reach = reachOption ?? Math.max(1, Math.ceil(Math.floor(n / 2) / 2));
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const d = Math.min((i - j + n) % n, (j - i + n) % n);
      if (d > reach) pairs.push([servers[i]!, servers[j]!]);
    }
  }
  return pairs;
}

/** The random shape: two non-empty sides drawn from `rng`. */
function randomSides(servers: readonly string[], rng: Rng | undefined): [string[], string[]] {
  if (!rng) throw new Error("partition random: needs a random stream");
  if (servers.length < 2) throw new Error("partition random: needs at least two servers");
  // Each server picks a side; a draw with an empty side moves one server over.
  const side = servers.map(() => rng.chance(0.5));
  if (side.every((s) => s) || side.every((s) => !s)) side[rng.int(0, servers.length - 1)] = !side[0];
  return [servers.filter((_, i) => side[i]), servers.filter((_, i) => !side[i])];
}

/** The directed pairs of a partition, sorted by from then to. */
export function partitionPairs(p: Partition): Array<{ from: string; to: string }> {
  const pairs: Array<{ from: string; to: string }> = [];
  for (const from of Object.keys(p.blocked).sort()) for (const to of p.blocked[from]!) pairs.push({ from, to });
  return pairs;
}

/** Whether `from` can reach `to` under the partition. */
export function canReach(p: Partition, from: string, to: string): boolean {
  return !(p.blocked[from]?.includes(to) ?? false);
}

/** One line for headers and summaries: "hs1 ⇹ hs2, hs3→hs1 (drop)". */
export function describePartition(p: Partition): string {
  const pairs = partitionPairs(p);
  const seen = new Set<string>();
  const parts: string[] = [];
  for (const { from, to } of pairs) {
    if (seen.has(`${from}>${to}`)) continue;
    if (!canReach(p, to, from)) {
      seen.add(`${to}>${from}`);
      parts.push(`${from}⇹${to}`);
    } else parts.push(`${from}→${to}`);
  }
  return `${parts.length ? parts.join(" ") : "nothing cut"} (${p.mode})`;
}

function normalise(blocked: BlockedMap): BlockedMap {
  const out: BlockedMap = {};
  for (const from of Object.keys(blocked).sort()) out[from] = [...new Set(blocked[from])].sort();
  return out;
}

function assertNever(x: never): never {
  throw new Error(`partition: unknown shape ${JSON.stringify((x as { shape?: unknown }).shape)}`);
}
