// Resolution only where distinct states meet. Most events change no state, so the
// states a server is asked to resolve are usually one snapshot several times over, or
// snapshots with the same entries: then there is nothing to resolve. When there is,
// the answer is kept per set of snapshots (Synapse keeps one per set of state groups),
// and an answer equal to one of its inputs is that input, so that the next meeting of
// the same states is again a meeting of one.

import type { StateMap } from "../../core/index.ts";
import { StateSnapshot } from "./state-snapshot.ts";

/** A cache, not a store: past this many answers it starts again. */
export const RESOLUTION_CACHE_MAX = 10_000;

export class StateResolver {
  private readonly serials = new WeakMap<StateSnapshot, number>();
  private nextSerial = 0;
  private readonly answers = new Map<string, StateSnapshot>();

  /** `resolveMany` runs the room version's algorithm on two or more distinct states. */
  constructor(private readonly resolveMany: (states: StateSnapshot[]) => StateMap) {}

  /** The resolved state of `states` (in any order, repeats allowed). */
  resolve(states: readonly StateSnapshot[]): StateSnapshot {
    // One snapshot however many times (a room where no state changed): no set, no key.
    const only = states[0];
    if (only !== undefined && states.every((s) => s === only)) return only;
    const distinct = [...new Set(states)];
    if (distinct.length === 0) return StateSnapshot.EMPTY;
    const first = distinct[0]!;
    if (distinct.length === 1) return first;
    const key = distinct
      .map((s) => this.serial(s))
      .sort((a, b) => a - b)
      .join(",");
    const known = this.answers.get(key);
    if (known) return known;
    const answer = distinct.every((s) => sameEntries(s, first)) ? first : this.resolveNew(distinct);
    if (this.answers.size >= RESOLUTION_CACHE_MAX) this.answers.clear();
    this.answers.set(key, answer);
    return answer;
  }

  /** Forget every answer: an event's rejection can change what resolution decides. */
  forget(): void {
    this.answers.clear();
  }

  private resolveNew(distinct: StateSnapshot[]): StateSnapshot {
    const resolved = this.resolveMany(distinct);
    return distinct.find((s) => sameEntries(s, resolved)) ?? StateSnapshot.from(resolved);
  }

  private serial(s: StateSnapshot): number {
    let n = this.serials.get(s);
    if (n === undefined) {
      n = this.nextSerial++;
      this.serials.set(s, n);
    }
    return n;
  }
}

function sameEntries(a: StateMap, b: StateMap): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}
