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

function makeRng(seed: string): Rng {
  const prng = alea(seed);
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
  };
}

export class RandomStreams {
  private readonly streams = new Map<string, Rng>();

  constructor(readonly seed: string | number) {
    if (seed === undefined || seed === null || seed === "") throw new Error("a simulation needs an explicit seed");
  }

  /** The stream with this name; the same name always gives the same sequence for a seed. */
  stream(name: string): Rng {
    let rng = this.streams.get(name);
    if (!rng) {
      rng = makeRng(`netsplit/${String(this.seed)}/${name}`);
      this.streams.set(name, rng);
    }
    return rng;
  }
}
