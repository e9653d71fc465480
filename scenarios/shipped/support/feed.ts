// A simulated news feed (an RSS or Atom feed somewhere on the web): items published at
// virtual times, read by polling. It is outside Matrix and knows nothing of it.

export interface FeedItem {
  id: string;
  title: string;
  url: string;
  /** Virtual time the item appears in the feed. */
  publishedAtMs: number;
}

export class SimulatedFeed {
  private readonly items: readonly FeedItem[];

  constructor(items: readonly FeedItem[]) {
    this.items = [...items].sort((a, b) => a.publishedAtMs - b.publishedAtMs || (a.id < b.id ? -1 : 1));
  }

  /** What a poll at `nowMs` returns: every item published by then, oldest first. */
  poll(nowMs: number): FeedItem[] {
    return this.items.filter((i) => i.publishedAtMs <= nowMs);
  }

  /** Whether nothing will ever be published after `nowMs` (the feed is finite, so runs end). */
  exhausted(nowMs: number): boolean {
    return this.items.every((i) => i.publishedAtMs <= nowMs);
  }

  all(): readonly FeedItem[] {
    return this.items;
  }
}
