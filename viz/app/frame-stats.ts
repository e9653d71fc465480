// Frame times, for the browser benchmark: the gaps between animation frames while
// recording. Figures only; nothing asserts on them.

export interface FrameSummary {
  frames: number;
  meanMs: number;
  p95Ms: number;
  maxMs: number;
  fps: number;
  /** The page's own work per frame (deriving the view model and binding it). */
  work: { meanMs: number; p95Ms: number; maxMs: number };
}

export class FrameStats {
  private deltas: number[] = [];
  private works: number[] = [];
  private recording = false;
  private last: number | null = null;

  start(): void {
    this.deltas = [];
    this.works = [];
    this.last = null;
    this.recording = true;
  }

  frame(now: number): void {
    if (!this.recording) return;
    if (this.last !== null) this.deltas.push(now - this.last);
    this.last = now;
  }

  /** How long the frame's own work took. */
  work(ms: number): void {
    if (this.recording) this.works.push(ms);
  }

  stop(): FrameSummary {
    this.recording = false;
    return summarise(this.deltas, this.works);
  }
}

function stats(xs: readonly number[]): { meanMs: number; p95Ms: number; maxMs: number } {
  if (xs.length === 0) return { meanMs: 0, p95Ms: 0, maxMs: 0 };
  const sorted = [...xs].sort((a, b) => a - b);
  return {
    meanMs: round(xs.reduce((a, b) => a + b, 0) / xs.length),
    p95Ms: round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))]!),
    maxMs: round(sorted[sorted.length - 1]!),
  };
}

export function summarise(deltas: readonly number[], works: readonly number[] = []): FrameSummary {
  const d = stats(deltas);
  return { frames: deltas.length, ...d, fps: d.meanMs > 0 ? round(1000 / d.meanMs) : 0, work: stats(works) };
}

const round = (x: number) => Math.round(x * 100) / 100;
