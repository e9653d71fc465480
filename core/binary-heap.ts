// A binary min-heap. State resolution's Kahn ordering takes the smallest of all current
// candidates at each step (spec issue 553); the simulation's scheduler takes the
// earliest action. Both in O(log n).

export class BinaryHeap<T> {
  private readonly items: T[] = [];

  constructor(private readonly less: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  /** The smallest item, left in place. */
  peek(): T | undefined {
    return this.items[0];
  }

  /** Every item, in no particular order (for scans such as cancelling by owner). */
  values(): readonly T[] {
    return this.items;
  }

  push(item: T): void {
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    // Move parents down until the item's place is found, then write it once.
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(item, items[parent]!)) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = item;
  }

  /** The smallest item, removed; undefined when empty. */
  pop(): T | undefined {
    const items = this.items;
    if (items.length === 0) return undefined;
    const top = items[0]!;
    const last = items.pop()!;
    if (items.length > 0) this.siftDown(last, 0);
    return top;
  }

  /**
   * Keep only the items `keep` accepts (one O(n) rebuild). Pops still come out in the
   * same order, as long as `less` is a total order: the scheduler's is.
   */
  retain(keep: (item: T) => boolean): void {
    const kept = this.items.filter(keep);
    this.items.length = 0;
    this.items.push(...kept);
    for (let i = (kept.length >> 1) - 1; i >= 0; i--) this.siftDown(this.items[i]!, i);
  }

  /** Put `item` at `i` or below, moving smaller children up. */
  private siftDown(item: T, i: number): void {
    const items = this.items;
    const n = items.length;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && this.less(items[right]!, items[left]!) ? right : left;
      if (!this.less(items[child]!, item)) break;
      items[i] = items[child]!;
      i = child;
    }
    items[i] = item;
  }
}
