// V8's collection pauses on the main thread, for the engine bench's "why": how much of a
// timed phase the collector held the work up. Node reports each collection as a "gc"
// performance entry (start and duration, wall clock), but only a while after it ran: the
// entries reach the observer in a later task, so a synchronous phase cannot read its own.
// The recorder keeps every entry of the process and answers for a window of time once
// settle() has let the pending ones arrive.

import { PerformanceObserver, type PerformanceEntry } from "node:perf_hooks";

export interface Pause {
  startMs: number;
  durationMs: number;
}

/** Milliseconds of `pauses` that fall between `startMs` and `endMs` (a pause that straddles an edge counts in part). */
export function pausedWithin(pauses: readonly Pause[], startMs: number, endMs: number): number {
  let total = 0;
  for (const { startMs: s, durationMs: d } of pauses) {
    const overlap = Math.min(endMs, s + d) - Math.max(startMs, s);
    if (overlap > 0) total += overlap;
  }
  return total;
}

export class GcPauses {
  private readonly pauses: Pause[] = [];
  private readonly observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries() as PerformanceEntry[])
      this.pauses.push({ startMs: e.startTime, durationMs: e.duration });
  });

  constructor() {
    this.observer.observe({ entryTypes: ["gc"] });
  }

  /** Wait until the entries of collections already run have arrived. */
  async settle(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
  }

  /** Milliseconds paused between two readings of performance.now(); call settle() first. */
  within(startMs: number, endMs: number): number {
    return pausedWithin(this.pauses, startMs, endMs);
  }

  stop(): void {
    this.observer.disconnect();
  }
}
