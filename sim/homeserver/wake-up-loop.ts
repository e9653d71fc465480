// Synapse's wake-up loop (synapse/federation/sender/__init__.py:
// FederationSender._wake_destinations_needing_catchup, run every WAKEUP_RETRY_PERIOD, one
// minute, waking one destination every WAKEUP_INTERVAL_BETWEEN_DESTINATIONS, five seconds).
// It is what retries a backed-off destination when nothing new is queued for it. Synapse
// runs it forever; here it is scheduled only while some destination waits, on the same
// one-minute grid counted from the server's (re)start, so an idle server adds no steps and
// no trace records, and a quiet world can still come to rest.

import type { ScheduledAction } from "../scheduler.ts";

export interface WakeUpHost {
  nowMs(): number;
  schedule(delayMs: number, label: string, run: () => void): ScheduledAction;
  readonly intervalMs: number;
  readonly betweenDestinationsMs: number;
  /** Destinations to wake now, sorted: work waiting and no backoff in the way. */
  due(): string[];
  /** Some destination still waits for a retry (backed off): keep the loop going. */
  waiting(): boolean;
  wake(destination: string): void;
}

export class WakeUpLoop {
  private armed: ScheduledAction | undefined;
  private passing = false;

  constructor(
    private readonly host: WakeUpHost,
    /** When the server (re)started: the loop's ticks fall on originMs + k × intervalMs. */
    private readonly originMs: number,
  ) {}

  /** Make sure a pass runs at the next tick (a no-op when one is already due or running). */
  arm(): void {
    if (this.armed || this.passing) return;
    const { intervalMs } = this.host;
    const now = this.host.nowMs();
    const nextTickMs = this.originMs + (Math.floor((now - this.originMs) / intervalMs) + 1) * intervalMs;
    this.armed = this.host.schedule(nextTickMs - now, "federation wake-up loop", () => {
      this.armed = undefined;
      this.pass();
    });
  }

  /** Run a pass now (Synapse runs the loop at start-up, then every interval). */
  runNow(): void {
    if (!this.passing) this.pass();
  }

  private pass(): void {
    this.passing = true;
    this.wakeFrom(this.host.due(), 0);
  }

  private wakeFrom(due: readonly string[], index: number): void {
    if (index < due.length) this.host.wake(due[index]!);
    if (index + 1 < due.length) {
      this.host.schedule(this.host.betweenDestinationsMs, "federation wake-up loop: next destination", () =>
        this.wakeFrom(due, index + 1),
      );
      return;
    }
    this.passing = false;
    if (this.host.waiting()) this.arm();
  }
}
