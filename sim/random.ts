// Named random streams derived from one explicit seed. Each part of the world draws
// from its own stream (`network`, `faults`, `client:@alice:hs1`…), so adding a server
// or a client does not change the network's dice.

import alea from "seedrandom/lib/alea.js";

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max] (inclusive). */
  int(min: number, max: number): number;
  /** true with probability p. */
  chance(p: number): boolean;
  /** Uniform in [min, max). */
  between(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  /** Exponentially distributed with the given mean (memoryless delays). */
  exponential(mean: number): number;
}

/** An Rng whose generator can be swapped in place (holders of the stream keep it). */
interface ReseedableRng extends Rng {
  reseed(seed: string): void;
}

function makeRng(seed: string): ReseedableRng {
  let prng = alea(seed);
  const next = () => prng.double();
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => p > 0 && next() < p,
    between: (min, max) => min + next() * (max - min),
    pick: (items) => {
      if (items.length === 0) throw new Error("pick from an empty list");
      return items[Math.floor(next() * items.length)]!;
    },
    exponential: (mean) => (mean <= 0 ? 0 : -mean * Math.log(1 - next())),
    reseed: (newSeed) => {
      prng = alea(newSeed);
    },
  };
}

export class RandomStreams {
  private readonly streams = new Map<string, ReseedableRng>();
  /** The seed the streams draw from now (changed by fork()). */
  private current: string;

  constructor(readonly seed: string | number) {
    if (seed === undefined || seed === null || seed === "") throw new Error("a simulation needs an explicit seed");
    this.current = String(seed);
  }

  /** The stream with this name; the same name always gives the same sequence for a seed. */
  stream(name: string): Rng {
    let rng = this.streams.get(name);
    if (!rng) {
      rng = makeRng(this.streamSeed(name));
      this.streams.set(name, rng);
    }
    return rng;
  }

  /**
   * Fork: from now on every stream (existing and new) draws from `seed` instead. The
   * web view's "fork from here" replays a run to a moment, then forks, to ask whether
   * an outcome was luck.
   */
  fork(seed: string | number): void {
    this.current = `${this.current}>${String(seed)}`;
    for (const [name, rng] of [...this.streams.entries()].sort(([a], [b]) => (a < b ? -1 : 1)))
      rng.reseed(this.streamSeed(name));
  }

  private streamSeed(name: string): string {
    return `netsplit/${this.current}/${name}`;
  }
}
