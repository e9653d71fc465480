// Frame times, for the browser benchmark: the gaps between animation frames while
// recording. Figures only; nothing asserts on them.

export interface FrameSummary {
  frames: number;
  meanMs: number;
  p95Ms: number;
  maxMs: number;
  fps: number;
}

export class FrameStats {
  private deltas: number[] = [];
  private recording = false;
  private last: number | null = null;

  start(): void {
    this.deltas = [];
    this.last = null;
    this.recording = true;
  }

  frame(now: number): void {
    if (!this.recording) return;
    if (this.last !== null) this.deltas.push(now - this.last);
    this.last = now;
  }

  stop(): FrameSummary {
    this.recording = false;
    return summarise(this.deltas);
  }
}

export function summarise(deltas: readonly number[]): FrameSummary {
  if (deltas.length === 0) return { frames: 0, meanMs: 0, p95Ms: 0, maxMs: 0, fps: 0 };
  const sorted = [...deltas].sort((a, b) => a - b);
  const mean = deltas.reduce((a, b) => a + b, 0) / deltas.length;
  return {
    frames: deltas.length,
    meanMs: round(mean),
    p95Ms: round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))]!),
    maxMs: round(sorted[sorted.length - 1]!),
    fps: round(1000 / mean),
  };
}

const round = (x: number) => Math.round(x * 100) / 100;
