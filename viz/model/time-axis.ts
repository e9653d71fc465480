// A time axis that shortens idle stretches. A run mixes 30 ms network hops with
// ten-minute backoffs and three-hour crashes; drawn to scale, everything interesting
// would be a sliver. Every stretch without a record longer than GAP_MIN_MS is drawn as
// GAP_SHOWN_MS (with a break mark), everything else to scale. The mapping is monotone,
// so arrows never point backwards.

export const GAP_MIN_MS = 2_000;
export const GAP_SHOWN_MS = 500;

export interface Gap {
  fromMs: number;
  toMs: number;
  /** Axis units removed by the gaps before this one. */
  removedBefore: number;
}

export class TimeAxis {
  readonly gaps: Gap[] = [];
  private lastMs = 0;
  private removed = 0;

  /** Feed record times in order (equal or increasing). */
  observe(atMs: number): void {
    if (atMs - this.lastMs > GAP_MIN_MS) {
      this.gaps.push({ fromMs: this.lastMs, toMs: atMs, removedBefore: this.removed });
      this.removed += atMs - this.lastMs - GAP_SHOWN_MS;
    }
    if (atMs > this.lastMs) this.lastMs = atMs;
  }

  /** Virtual time → axis position (axis units are shortened milliseconds). */
  toAxis(atMs: number): number {
    const g = this.gapAtOrBefore(atMs);
    if (!g) return atMs;
    if (atMs < g.toMs) return g.fromMs - g.removedBefore + ((atMs - g.fromMs) * GAP_SHOWN_MS) / (g.toMs - g.fromMs);
    return atMs - g.removedBefore - (g.toMs - g.fromMs - GAP_SHOWN_MS);
  }

  /** Axis position → virtual time (the inverse of toAxis). */
  fromAxis(x: number): number {
    let lo = 0;
    let hi = this.gaps.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.gaps[mid]!.fromMs - this.gaps[mid]!.removedBefore <= x) lo = mid + 1;
      else hi = mid;
    }
    const g = lo > 0 ? this.gaps[lo - 1]! : undefined;
    if (!g) return x;
    const start = g.fromMs - g.removedBefore;
    if (x < start + GAP_SHOWN_MS) return g.fromMs + ((x - start) * (g.toMs - g.fromMs)) / GAP_SHOWN_MS;
    return x + g.removedBefore + (g.toMs - g.fromMs - GAP_SHOWN_MS);
  }

  /** The last gap starting before atMs. */
  private gapAtOrBefore(atMs: number): Gap | undefined {
    let lo = 0;
    let hi = this.gaps.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.gaps[mid]!.fromMs < atMs) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 ? this.gaps[lo - 1] : undefined;
  }
}
