// The scheduler: a priority queue of actions ordered by virtual time, then by insertion
// sequence, so that two actions due at the same millisecond always run in the order
// they were scheduled. No Promises, no real timers: time only moves when step() runs.

import { BinaryHeap } from "../core/index.ts";

export interface ScheduledAction {
  readonly atMs: number;
  readonly seq: number;
  /** Who owns it: a crashed server's actions are cancelled by owner. */
  readonly owner: string | undefined;
  readonly label: string;
  readonly run: () => void;
  cancelled: boolean;
  /** Set once popped to run: cancelling it then changes nothing. */
  ran: boolean;
}

/** Cancelled actions tolerated in the heap before compacting (it is O(heap) each time). */
const SCHEDULER_COMPACT_MIN = 1_024;

export class Scheduler {
  private readonly heap = new BinaryHeap<ScheduledAction>(
    (a, b) => a.atMs < b.atMs || (a.atMs === b.atMs && a.seq < b.seq),
  );
  private nextSeq = 0;
  private live = 0;

  /** Queue `run` at virtual time `atMs`. Returns a handle for cancel(). */
  schedule(atMs: number, label: string, run: () => void, owner?: string): ScheduledAction {
    if (!Number.isFinite(atMs)) throw new Error(`cannot schedule ${label} at ${atMs}`);
    const action: ScheduledAction = { atMs, seq: this.nextSeq++, owner, label, run, cancelled: false, ran: false };
    this.heap.push(action);
    this.live++;
    return action;
  }

  cancel(action: ScheduledAction): void {
    if (!action.cancelled && !action.ran) {
      action.cancelled = true;
      this.live--;
      this.compactIfMostlyCancelled();
    }
  }

  /**
   * Every RPC's timeout is cancelled when its answer comes, long before it is due, and
   * would stay in the heap until then: once cancelled actions outnumber live ones, they
   * are dropped in one pass (the order of the rest cannot change: it is total).
   */
  private compactIfMostlyCancelled(): void {
    const cancelled = this.heap.size - this.live;
    if (cancelled > SCHEDULER_COMPACT_MIN && cancelled > this.live) this.heap.retain((a) => !a.cancelled);
  }

  /** Cancel every pending action of one owner (a crash loses all in-memory work). */
  cancelOwner(owner: string): number {
    let n = 0;
    // A copy: cancelling may compact the heap under the loop.
    for (const a of [...this.heap.values()]) {
      if (a.owner === owner && !a.cancelled) {
        this.cancel(a);
        n++;
      }
    }
    return n;
  }

  /** Number of pending (not cancelled) actions. */
  get size(): number {
    return this.live;
  }

  /** The next action due, without removing it. */
  peek(): ScheduledAction | undefined {
    this.dropCancelledTop();
    return this.heap.peek();
  }

  /** Remove and return the next action due. */
  pop(): ScheduledAction | undefined {
    this.dropCancelledTop();
    const top = this.heap.pop();
    if (!top) return undefined;
    this.live--;
    top.ran = true;
    return top;
  }

  private dropCancelledTop(): void {
    while (this.heap.peek()?.cancelled) this.heap.pop();
  }
}
