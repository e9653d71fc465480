// The state at an event as shared structure: each snapshot is its parent plus the few
// keys that changed, so memory grows with what changed, not with events × room size.
// Chains are cut short by flattening every FLATTEN_DEPTH levels, which keeps lookups
// bounded and costs O(state size) once per FLATTEN_DEPTH state events.

import { countOp, type EventId, type StateKey, type StateMap } from "../../core/index.ts";

const FLATTEN_DEPTH = 32;

export class StateSnapshot implements StateMap {
  private constructor(
    private readonly parent: StateSnapshot | undefined,
    private readonly delta: ReadonlyMap<StateKey, EventId>,
    private readonly depth: number,
    readonly size: number,
  ) {}

  /**
   * Every entry in one map, made once reading along the chain has cost more than copying
   * it would (twice the size, in maps visited): a snapshot read often — the room's
   * current state, the state most events are checked against — gets lookups in one
   * step, while one read a few times is never copied, so memory stays with what changed.
   */
  private flat: Map<StateKey, EventId> | undefined;
  /** Maps visited by lookups along the chain so far (until flattened). */
  private visited = 0;

  static readonly EMPTY = new StateSnapshot(undefined, new Map(), 0, 0);

  static from(state: StateMap): StateSnapshot {
    if (state instanceof StateSnapshot) return state;
    return new StateSnapshot(undefined, new Map(state), 0, state.size);
  }

  /** A snapshot with `key` set to `eventId`; this one is unchanged. */
  with(key: StateKey, eventId: EventId): StateSnapshot {
    if (this.get(key) === eventId) return this;
    const size = this.has(key) ? this.size : this.size + 1;
    if (this.depth + 1 >= FLATTEN_DEPTH) {
      const flat = this.toMap();
      flat.set(key, eventId);
      return new StateSnapshot(undefined, flat, 0, size);
    }
    return new StateSnapshot(this, new Map([[key, eventId]]), this.depth + 1, size);
  }

  get(key: StateKey): EventId | undefined {
    countOp("stateSnapshotGet");
    if (this.flat) return this.flat.get(key);
    let visited = 0;
    let found: EventId | undefined;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the walk up the parent chain starts here
    for (let s: StateSnapshot | undefined = this; s; s = s.parent) {
      visited++;
      found = s.delta.get(key);
      if (found !== undefined) break;
    }
    if (visited > 1 && (this.visited += visited) > 2 * this.size) this.flat = this.entriesInOneMap();
    return found;
  }

  has(key: StateKey): boolean {
    return this.get(key) !== undefined;
  }

  /**
   * Every key whose value may differ between this snapshot and `other`: when one is built
   * on the other (an event's state after its state before; a room's state after one more
   * event), just the keys set in between; otherwise every key of both.
   */
  keysThatMayDiffer(other: StateSnapshot): Set<StateKey> {
    return (
      StateSnapshot.setSince(this, other) ??
      StateSnapshot.setSince(other, this) ??
      new Set([...this.keys(), ...other.keys()])
    );
  }

  /** The keys set on the way from `ancestor` to `descendant`; undefined when `ancestor` is not on its chain. */
  private static setSince(descendant: StateSnapshot, ancestor: StateSnapshot): Set<StateKey> | undefined {
    const keys = new Set<StateKey>();
    for (let s: StateSnapshot | undefined = descendant; s; s = s.parent) {
      if (s === ancestor) return keys;
      for (const k of s.delta.keys()) keys.add(k);
    }
    return undefined;
  }

  /** A plain mutable copy. */
  toMap(): Map<StateKey, EventId> {
    countOp("stateSnapshotToMap");
    return this.flat ? new Map(this.flat) : this.entriesInOneMap();
  }

  private entriesInOneMap(): Map<StateKey, EventId> {
    if (!this.parent) return new Map(this.delta);
    const chain: StateSnapshot[] = [];
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the walk up the parent chain starts here
    for (let s: StateSnapshot | undefined = this; s; s = s.parent) chain.push(s);
    const out = new Map<StateKey, EventId>();
    for (let i = chain.length - 1; i >= 0; i--) for (const [k, v] of chain[i]!.delta) out.set(k, v);
    return out;
  }

  entries(): MapIterator<[StateKey, EventId]> {
    return this.toMap().entries();
  }

  keys(): MapIterator<StateKey> {
    return this.toMap().keys();
  }

  values(): MapIterator<EventId> {
    return this.toMap().values();
  }

  forEach(fn: (value: EventId, key: StateKey, map: ReadonlyMap<StateKey, EventId>) => void): void {
    for (const [k, v] of this.toMap()) fn(v, k, this);
  }

  [Symbol.iterator](): MapIterator<[StateKey, EventId]> {
    return this.entries();
  }
}
