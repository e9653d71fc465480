// The chain cover behind AuthChainIndex: dense event indices (auth events always have
// smaller ones), each event at a place (chain, seq) on a chain, and for each event, once,
// per chain the highest seq its auth chain holds (`reach`, sorted by chain).
//
// A chain is a run of events with one (type, state_key) in which each event has the one
// before it in its auth chain, so an event reaches every lower seq of its own chain and
// "seqs 1..max on each chain" describes any auth chain.
//
// The cost of the cover is Σ|reach|, about events × chains, so the number of chains is
// what decides whether the index is linear in the room. An event therefore extends a
// chain of its own key whose tip is *anywhere* in its auth chain, not only one it cites
// directly. A join-rules event never cites the previous join-rules event (its auth events
// are the create event, the PL event and its sender's membership) but nearly always has
// it in its auth chain, through the PL event and the joins since. Extending only on a
// direct citation made each join-rules event a chain of its own, so the chains grew with
// the room's history and the index with its square: in the 10,000-event benchmark room
// (46,628 events indexed, 500 users) 6,864 chains and 146 million reach entries, against
// 1,289 chains and 33 million this way. What is left grows with the number of users:
// each user's membership is a chain, and no chain cover can merge users' memberships
// that do not reach one another.

import { Int32Runs } from "./int32-runs.ts";

/** The key of a non-state event: it has no history of its own to continue. */
export const NO_KEY = "";

export class ChainCover {
  private readonly chains: number[] = [];
  private readonly seqs: number[] = [];
  private readonly chainMembers: number[][] = [];
  /** Per event (run number = event index): [chain, maxSeq, ...], chains ascending. */
  private readonly reach: Int32Runs;
  /** Per (type, state_key): the chains of that key, oldest first. */
  private readonly chainsByKey = new Map<string, number[]>();
  /** Scratch for merging: per chain the best seq so far (0 = none). */
  private best = new Int32Array(64);
  /** Scratch for merging: the chains `best` holds, `touchedCount` of them. */
  private touched = new Int32Array(64);
  private touchedCount = 0;

  /** `reachBlockLength`: integers per block of the reach store (RUN_BLOCK_LENGTH). */
  constructor(reachBlockLength?: number) {
    this.reach = new Int32Runs(reachBlockLength);
  }

  /** Per event: its chain. */
  get chainOf(): readonly number[] {
    return this.chains;
  }

  /** Per event: its 1-based position on its chain. */
  get seqOf(): readonly number[] {
    return this.seqs;
  }

  /** Per chain: its events by seq - 1. */
  get members(): ReadonlyArray<readonly number[]> {
    return this.chainMembers;
  }

  get size(): number {
    return this.chains.length;
  }

  get chainCount(): number {
    return this.chainMembers.length;
  }

  /** Σ|reach|: how many (chain, seq) entries the events hold in all. */
  get reachEntryCount(): number {
    let total = 0;
    for (let x = 0; x < this.size; x++) total += (this.reach.end(x) - this.reach.start(x)) / 2;
    return total;
  }

  /**
   * Place the next event (index `size`), whose auth events `authIndices` (ascending,
   * distinct) are all placed, and return its index. `key` is its (type, state_key), or
   * NO_KEY for a non-state event.
   */
  add(authIndices: Int32Array, key: string): number {
    const index = this.size;
    this.mergeAuthReach(authIndices);
    const chain = this.chainToExtend(key);
    const members = this.chainMembers[chain]!;
    members.push(index);
    this.chains.push(chain);
    this.seqs.push(members.length);
    this.storeMerged();
    return index;
  }

  /**
   * The block holding reach(x) as [chain, maxSeq, ...] from reachStart(x) to
   * reachEnd(x): the strict reach (x itself not included), chains ascending.
   */
  reachBlock(x: number): Int32Array {
    return this.reach.block(x);
  }

  reachStart(x: number): number {
    return this.reach.start(x);
  }

  reachEnd(x: number): number {
    return this.reach.end(x);
  }

  /** The highest seq of `chain` that `from` reaches (0 for none), by binary search. */
  reachOnChain(from: number, chain: number): number {
    const r = this.reach.block(from);
    const start = this.reach.start(from);
    let lo = 0;
    let hi = (this.reach.end(from) - start) / 2;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const c = r[start + 2 * mid]!;
      if (c === chain) return r[start + 2 * mid + 1]!;
      if (c < chain) lo = mid + 1;
      else hi = mid;
    }
    return 0;
  }

  /** reach(e) = max per chain over e's auth events of their own place and their reach. */
  private mergeAuthReach(authIndices: Int32Array): void {
    if (this.best.length < this.chainMembers.length) {
      // Both grow together: no more chains can be touched than exist.
      const size = Math.max(this.chainMembers.length, this.best.length * 2);
      const grown = new Int32Array(size);
      grown.set(this.best);
      this.best = grown;
      this.touched = new Int32Array(size);
    }
    const best = this.best;
    const touched = this.touched;
    let count = 0;
    for (const a of authIndices) {
      const own = this.chains[a]!;
      const seq = this.seqs[a]!;
      if (best[own] === 0) touched[count++] = own;
      if (seq > best[own]!) best[own] = seq;
      const r = this.reach.block(a);
      const end = this.reach.end(a);
      for (let i = this.reach.start(a); i < end; i += 2) {
        const c = r[i]!;
        const s = r[i + 1]!;
        if (best[c] === 0) touched[count++] = c;
        if (s > best[c]!) best[c] = s;
      }
    }
    this.touchedCount = count;
  }

  /**
   * The chain of `key` whose tip the merged reach holds, else a new chain. Of several,
   * the one with the newest tip: on the benchmark rooms that leaves about half as many
   * chains as taking the oldest, since a later event of the key more often has an older
   * tip in its auth chain than a newer one, so older tips are better left open.
   */
  private chainToExtend(key: string): number {
    let chains = this.chainsByKey.get(key);
    let chosen = -1;
    let chosenTip = -1;
    if (key !== NO_KEY && chains !== undefined) {
      for (const c of chains) {
        const members = this.chainMembers[c]!;
        const tip = members[members.length - 1]!;
        if (this.best[c] === members.length && tip > chosenTip) {
          chosen = c;
          chosenTip = tip;
        }
      }
    }
    if (chosen !== -1) return chosen;
    chosen = this.chainMembers.length;
    this.chainMembers.push([]);
    if (key !== NO_KEY) {
      if (chains === undefined) this.chainsByKey.set(key, (chains = []));
      chains.push(chosen);
    }
    return chosen;
  }

  /** Store the merged reach as the next run, [chain, seq, ...] by chain; clear the scratch. */
  private storeMerged(): void {
    const count = this.touchedCount;
    const chains = this.chainMembers.length;
    const best = this.best;
    const run = this.reach.append(count * 2);
    const out = this.reach.block(run);
    let o = this.reach.start(run);
    if (count * Math.log2(count + 1) >= chains) {
      // Most chains are touched: one pass over them in order beats sorting the touched
      // ones, and costs no more than that sort would.
      for (let c = 0; c < chains; c++) {
        if (best[c] === 0) continue;
        out[o++] = c;
        out[o++] = best[c]!;
        best[c] = 0;
      }
    } else {
      // A typed array sorts numerically without a comparator call per step (an Array
      // sorted with (x, y) => x - y here was the index's largest cost).
      const touched = this.touched.subarray(0, count).sort();
      for (let i = 0; i < count; i++) {
        const c = touched[i]!;
        out[o++] = c;
        out[o++] = best[c]!;
        best[c] = 0;
      }
    }
    this.touchedCount = 0;
  }
}
