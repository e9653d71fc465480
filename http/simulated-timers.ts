// The in-process mode's clock for client code: while installed, the global setTimeout,
// setInterval, their clear functions and Date.now run on the simulation's virtual clock,
// so that an SDK's own timers (its request timeouts, its sync loop's back-off) fire at
// virtual times, in a fixed order, between the simulation's steps. Only
// InProcessSession (in-process-session.ts) installs it, for the length of a session; a
// timer never fires by itself: the session runs the due ones as virtual time passes.

import { BinaryHeap } from "../core/index.ts";

interface Timer {
  id: number;
  atMs: number;
  seq: number;
  run: () => void;
  intervalMs?: number;
}

/** A wall-clock date for virtual time 0, so that SDK timestamps look like dates (2026-01-01T00:00:00Z). */
export const VIRTUAL_EPOCH_MS = Date.UTC(2026, 0, 1);

export class SimulatedTimers {
  private readonly heap = new BinaryHeap<Timer>((a, b) => a.atMs < b.atMs || (a.atMs === b.atMs && a.seq < b.seq));
  private readonly live = new Map<number, Timer>();
  private nextId = 1;
  private seq = 0;
  private restore: (() => void) | undefined;

  constructor(private readonly nowMs: () => number) {}

  /** Replace the global timer functions and Date.now; returns nothing, undo with uninstall(). */
  install(): void {
    const g = globalThis as unknown as Record<string, unknown>;
    const saved = ["setTimeout", "clearTimeout", "setInterval", "clearInterval"].map((k) => [k, g[k]] as const);
    const savedNow = Date.now;
    g.setTimeout = (fn: (...a: unknown[]) => void, delay?: number, ...args: unknown[]) =>
      this.add(() => fn(...args), delay ?? 0);
    g.setInterval = (fn: (...a: unknown[]) => void, delay?: number, ...args: unknown[]) =>
      this.add(() => fn(...args), delay ?? 0, Math.max(1, delay ?? 0));
    g.clearTimeout = g.clearInterval = (handle: unknown) => this.cancel(handle);
    Date.now = () => VIRTUAL_EPOCH_MS + this.nowMs();
    this.restore = () => {
      for (const [k, v] of saved) g[k] = v;
      Date.now = savedNow;
    };
  }

  uninstall(): void {
    this.restore?.();
    this.restore = undefined;
  }

  /** When the next timer is due (virtual ms), or undefined. */
  nextAtMs(): number | undefined {
    while (this.heap.peek() && !this.live.has(this.heap.peek()!.id)) this.heap.pop();
    return this.heap.peek()?.atMs;
  }

  /** Run every timer due at or before `nowMs`, in order. */
  runDue(nowMs: number): number {
    let ran = 0;
    for (let next = this.nextAtMs(); next !== undefined && next <= nowMs; next = this.nextAtMs()) {
      const timer = this.heap.pop()!;
      if (timer.intervalMs !== undefined) this.push({ ...timer, atMs: timer.atMs + timer.intervalMs });
      else this.live.delete(timer.id);
      timer.run();
      ran++;
    }
    return ran;
  }

  get pending(): number {
    return this.live.size;
  }

  private add(run: () => void, delayMs: number, intervalMs?: number): { id: number; unref(): void; ref(): void } {
    const id = this.nextId++;
    this.push({ id, atMs: this.nowMs() + Math.max(0, delayMs), seq: 0, run, ...(intervalMs ? { intervalMs } : {}) });
    // Node's timer handles have unref/ref; SDKs call them.
    const handle = { id, unref: () => handle, ref: () => handle, [Symbol.toPrimitive]: () => id };
    return handle;
  }

  private push(timer: Timer): void {
    const t = { ...timer, seq: this.seq++ };
    this.live.set(t.id, t);
    this.heap.push(t);
  }

  private cancel(handle: unknown): void {
    const id = typeof handle === "number" ? handle : (handle as { id?: number } | undefined)?.id;
    if (id !== undefined) this.live.delete(id);
  }
}
