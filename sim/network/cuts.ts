// Partitions as data: a set of directed cuts (who cannot reach whom) and how each cut
// treats messages — dropped, held for later release, or slowed. Any shape is a set of
// directed pairs: two groups, a one-way cut, an isolated server, a single link.

import type { CutMode } from "../trace.ts";

export interface Cut {
  from: string;
  to: string;
  mode: CutMode;
}

const key = (from: string, to: string) => `${from}\u0000${to}`;

export class Cuts {
  private readonly cuts = new Map<string, Cut>();

  add(pairs: ReadonlyArray<{ from: string; to: string }>, mode: CutMode): Cut[] {
    const added: Cut[] = [];
    for (const { from, to } of pairs) {
      if (from === to) continue;
      const cut = { from, to, mode };
      this.cuts.set(key(from, to), cut);
      added.push(cut);
    }
    return added;
  }

  remove(pairs: ReadonlyArray<{ from: string; to: string }>): Cut[] {
    const removed: Cut[] = [];
    for (const { from, to } of pairs) {
      const cut = this.cuts.get(key(from, to));
      if (cut) {
        this.cuts.delete(key(from, to));
        removed.push(cut);
      }
    }
    return removed;
  }

  get(from: string, to: string): Cut | undefined {
    // Asked twice for every message (sent, arrived), nearly always with no cut standing: no key is built then.
    return this.cuts.size === 0 ? undefined : this.cuts.get(key(from, to));
  }

  /** Every cut, sorted (so that printing or repairing them is deterministic). */
  list(): Cut[] {
    return [...this.cuts.values()].sort((a, b) => (a.from === b.from ? cmp(a.to, b.to) : cmp(a.from, b.from)));
  }

  get size(): number {
    return this.cuts.size;
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Every directed pair from one group to the other, both ways. */
export function pairsBetween(
  groupA: readonly string[],
  groupB: readonly string[],
): Array<{ from: string; to: string }> {
  const pairs: Array<{ from: string; to: string }> = [];
  for (const a of groupA) for (const b of groupB) if (a !== b) pairs.push({ from: a, to: b }, { from: b, to: a });
  return pairs;
}

/** Directed pairs from each of `from` to each of `to`, one way only. */
export function pairsOneWay(from: readonly string[], to: readonly string[]): Array<{ from: string; to: string }> {
  const pairs: Array<{ from: string; to: string }> = [];
  for (const a of from) for (const b of to) if (a !== b) pairs.push({ from: a, to: b });
  return pairs;
}
