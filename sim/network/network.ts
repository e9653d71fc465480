// The network between servers: directed links with latency, jitter, loss, duplication
// and reordering, and cuts that drop, hold or slow messages. Every decision draws from
// the `network` random stream, in the order messages are sent, so a seed replays the
// same network exactly.

import type { Rng } from "../random.ts";
import type { Scheduler } from "../scheduler.ts";
import type { FaultKind, Trace } from "../trace.ts";
import { Cuts, type Cut } from "./cuts.ts";
import { LinkConfigs, type LinkConfig } from "./link-config.ts";

export interface NetworkContext {
  scheduler: Scheduler;
  now(): number;
  rng: Rng;
  trace: Trace;
}

/** Counters of what each fault did: a fault that never fired is visible here. */
export interface NetworkStats {
  sent: number;
  delivered: number;
  dropped: Record<"partition" | "loss" | "crashed", number>;
  held: number;
  released: number;
  duplicated: number;
  delayed: Record<"reorder" | "slow", number>;
}

export function emptyNetworkStats(): NetworkStats {
  return {
    sent: 0,
    delivered: 0,
    dropped: { partition: 0, loss: 0, crashed: 0 },
    held: 0,
    released: 0,
    duplicated: 0,
    delayed: { reorder: 0, slow: 0 },
  };
}

interface Parked {
  msg: number;
  from: string;
  to: string;
  what: string;
  deliver: () => void;
}

/** Limits so that a misbehaving run cannot grow without bound. */
export const NETWORK_LIMITS = { heldMessagesMax: 1_000_000 } as const;

export class Network {
  readonly links = new LinkConfigs();
  readonly cuts = new Cuts();
  readonly stats = emptyNetworkStats();
  /** What each directed cut did while it stood: messages dropped, held or slowed. */
  readonly cutEffects = new Map<string, { dropped: number; held: number; slowed: number }>();
  private readonly parked: Parked[] = [];
  private nextMsg = 0;
  /** Whether a server is up; messages to a down server are lost on arrival. */
  isUp: (server: string) => boolean = () => true;

  constructor(private readonly ctx: NetworkContext) {}

  /**
   * Send one message. `deliver` runs when (and each time) it arrives. `what` labels it
   * in the trace. Returns the message number.
   */
  send(from: string, to: string, what: string, deliver: () => void): number {
    const msg = this.nextMsg++;
    this.stats.sent++;
    const link = this.links.get(from, to);
    const cut = this.cuts.get(from, to);
    if (cut?.mode === "drop") return this.drop(msg, from, to, what, "partition");
    if (cut?.mode === "hold") {
      this.ctx.trace.add({ kind: "net.sent", seq: 0, atMs: 0, msg, from, to, what, deliverAtMs: null });
      return this.park({ msg, from, to, what, deliver });
    }
    if (this.ctx.rng.chance(link.loss)) return this.drop(msg, from, to, what, "loss");
    const delay = this.sampleDelay(msg, from, to, link, cut);
    this.ctx.trace.add({ kind: "net.sent", seq: 0, atMs: 0, msg, from, to, what, deliverAtMs: this.ctx.now() + delay });
    this.scheduleArrival({ msg, from, to, what, deliver }, delay);
    if (this.ctx.rng.chance(link.duplication)) {
      this.stats.duplicated++;
      const copyDelay = this.sampleDelay(msg, from, to, link, cut);
      this.ctx.trace.add({ kind: "net.duplicated", msg, copy: 1, from, to });
      this.scheduleArrival({ msg, from, to, what, deliver }, copyDelay);
    }
    return msg;
  }

  private sampleDelay(msg: number, from: string, to: string, link: LinkConfig, cut: Cut | undefined): number {
    const rng = this.ctx.rng;
    let delay = Math.max(link.latencyMsMin, link.latencyMsMean + rng.between(-link.jitterMs, link.jitterMs));
    if (rng.chance(link.reorder)) {
      const extraMs = Math.round(rng.between(0, link.reorderDelayMsMax));
      delay += extraMs;
      this.stats.delayed.reorder++;
      this.ctx.trace.add({ kind: "net.delayed", msg, from, to, fault: "reorder", extraMs });
    }
    if (cut?.mode === "slow") {
      delay += link.slowDelayMs;
      this.stats.delayed.slow++;
      this.countCut(from, to, "slowed");
      this.ctx.trace.add({ kind: "net.delayed", msg, from, to, fault: "slow", extraMs: link.slowDelayMs });
    }
    // Whole milliseconds keep the trace readable and identical across platforms.
    return Math.round(delay);
  }

  private scheduleArrival(p: Parked, delay: number): void {
    this.ctx.scheduler.schedule(this.ctx.now() + delay, `deliver ${p.what}`, () => this.arrive(p));
  }

  /** At arrival the link is checked again: a cut made while a message flew catches it. */
  private arrive(p: Parked): void {
    const cut = this.cuts.get(p.from, p.to);
    if (cut?.mode === "drop") return void this.drop(p.msg, p.from, p.to, p.what, "partition");
    if (cut?.mode === "hold") return void this.park(p);
    if (!this.isUp(p.to)) return void this.drop(p.msg, p.from, p.to, p.what, "crashed");
    this.stats.delivered++;
    this.ctx.trace.add({ kind: "net.delivered", seq: 0, atMs: 0, msg: p.msg, from: p.from, to: p.to, what: p.what });
    p.deliver();
  }

  private countCut(from: string, to: string, effect: "dropped" | "held" | "slowed"): void {
    const key = `${from}\u0000${to}`;
    const e = this.cutEffects.get(key) ?? { dropped: 0, held: 0, slowed: 0 };
    e[effect]++;
    this.cutEffects.set(key, e);
  }

  /** Take (and reset) what the cut from→to did. */
  takeCutEffects(from: string, to: string): { dropped: number; held: number; slowed: number } {
    const key = `${from}\u0000${to}`;
    const e = this.cutEffects.get(key) ?? { dropped: 0, held: 0, slowed: 0 };
    this.cutEffects.delete(key);
    return e;
  }

  private drop(msg: number, from: string, to: string, what: string, fault: "partition" | "loss" | "crashed"): number {
    this.stats.dropped[fault]++;
    if (fault === "partition") this.countCut(from, to, "dropped");
    this.ctx.trace.add({ kind: "net.dropped", msg, from, to, what, fault: fault satisfies FaultKind });
    return msg;
  }

  private park(p: Parked): number {
    if (this.parked.length >= NETWORK_LIMITS.heldMessagesMax)
      return this.drop(p.msg, p.from, p.to, p.what, "partition");
    this.stats.held++;
    this.countCut(p.from, p.to, "held");
    this.parked.push(p);
    this.ctx.trace.add({ kind: "net.held", msg: p.msg, from: p.from, to: p.to, what: p.what });
    return p.msg;
  }

  /**
   * Deliver the messages held on the given directed pairs (all pairs when omitted), in
   * the order they were held, each after a fresh latency. Returns how many.
   */
  releaseHeld(pairs?: ReadonlyArray<{ from: string; to: string }>): number {
    const wanted = pairs && new Set(pairs.map((p) => `${p.from}\u0000${p.to}`));
    const keep: Parked[] = [];
    let released = 0;
    for (const p of this.parked) {
      if (wanted && !wanted.has(`${p.from}\u0000${p.to}`)) {
        keep.push(p);
        continue;
      }
      const delay = this.sampleDelay(p.msg, p.from, p.to, this.links.get(p.from, p.to), undefined);
      this.stats.released++;
      released++;
      this.ctx.trace.add({
        kind: "net.released",
        msg: p.msg,
        from: p.from,
        to: p.to,
        deliverAtMs: this.ctx.now() + delay,
      });
      this.scheduleArrival(p, delay);
    }
    this.parked.length = 0;
    this.parked.push(...keep);
    return released;
  }

  get heldCount(): number {
    return this.parked.length;
  }
}
