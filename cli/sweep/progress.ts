// The sweep's progress on stderr: a bar redrawn in place on a terminal, or a plain line
// now and then (after the first seed, then every tenth of the way or every minute) when
// stderr is a file or a pipe — batch systems keep those logs.

const REDRAW_MS_MIN = 100;
const PLAIN_LINE_MS_MAX = 60_000;
const BAR_WIDTH = 24;

export interface ProgressSink {
  write(text: string): void;
  isTTY?: boolean;
}

export class Progress {
  private done = 0;
  private readonly startMs: number;
  private lastDrawMs = Number.NEGATIVE_INFINITY;
  private lastTenth = 0;
  /** What the last tick said it finished (an experiment's cell and seed). */
  private detail = "";

  constructor(
    private readonly total: number,
    private readonly sink: ProgressSink,
    private readonly now: () => number,
    private readonly label: string,
    private readonly unit = "seeds",
  ) {
    this.startMs = now();
  }

  tick(detail?: string): void {
    this.done++;
    if (detail !== undefined) this.detail = detail;
    const t = this.now();
    if (this.sink.isTTY) {
      if (t - this.lastDrawMs >= REDRAW_MS_MIN || this.done === this.total) this.draw(t);
      return;
    }
    const tenth = Math.floor((this.done * 10) / this.total);
    if (tenth > this.lastTenth || t - this.lastDrawMs >= PLAIN_LINE_MS_MAX) {
      this.lastTenth = tenth;
      this.lastDrawMs = t;
      this.sink.write(`${this.label}: ${this.status(t)}\n`);
    }
  }

  /** Clear the bar (terminal) so the summary starts on a clean line. */
  finish(): void {
    if (this.sink.isTTY && this.total > 0) this.sink.write("\r\x1b[2K");
  }

  private draw(t: number): void {
    this.lastDrawMs = t;
    const filled = Math.round((this.done / this.total) * BAR_WIDTH);
    const bar = "█".repeat(filled) + "░".repeat(BAR_WIDTH - filled);
    this.sink.write(`\r\x1b[2K${this.label} ${bar} ${this.status(t)}`);
  }

  private status(t: number): string {
    const elapsedS = (t - this.startMs) / 1000;
    const rate = elapsedS > 0 ? this.done / elapsedS : 0;
    const left = this.total - this.done;
    const eta = rate > 0 ? formatSeconds(left / rate) : "?";
    const last = this.detail ? `, last ${this.detail}` : "";
    return `${this.done}/${this.total} ${this.unit}, ${rate.toFixed(rate < 10 ? 2 : 1)} ${this.unit}/s, ETA ${eta}${last}`;
  }
}

export function formatSeconds(s: number): string {
  if (s < 60) return `${Math.ceil(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}
