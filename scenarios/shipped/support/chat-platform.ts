// A simulated third-party chat platform (an IRC network, a Slack workspace): channels,
// people, and messages, outside Matrix. It knows nothing of Matrix; a bridge subscribes
// to its channels and posts into them. Deliveries to subscribers take a little time, on
// the simulation's clock. Everything it saw is kept, so a check can ask what reached whom.

import type { Simulation } from "../../../sim/index.ts";

export type PlatformEvent =
  | { kind: "join"; channel: string; user: string; atMs: number }
  | { kind: "leave"; channel: string; user: string; atMs: number }
  | {
      kind: "message";
      channel: string;
      user: string;
      body: string;
      id: string;
      atMs: number;
      /** Set by a bridge: the Matrix event it relays. */ origin?: string;
    };

/** Limits: a platform log and its subscribers are bounded like everything else. */
export const PLATFORM_LIMITS = { eventsMax: 100_000, subscribersMax: 100 } as const;

export class ChatPlatform {
  private readonly channels = new Map<string, Set<string>>();
  private readonly events: PlatformEvent[] = [];
  private readonly subscribers: Array<(e: PlatformEvent) => void> = [];
  private nextMessage = 1;

  constructor(
    readonly name: string,
    private readonly sim: Simulation,
    /** How long the platform takes to tell subscribers. */
    private readonly latencyMs = 30,
  ) {}

  /** A channel with the people already in it (logged as joins; nobody is told: it was always so). */
  addChannel(channel: string, members: readonly string[] = []): void {
    this.channels.set(channel, new Set(members));
    for (const user of [...members].sort()) this.events.push({ kind: "join", channel, user, atMs: this.sim.nowMs });
  }

  hasChannel(channel: string): boolean {
    return this.channels.has(channel);
  }

  /** Whether the person is in some channel of the platform now. */
  knows(user: string): boolean {
    return [...this.channels.keys()].sort().some((c) => this.channels.get(c)!.has(user));
  }

  /** Everyone in the channel now, sorted. */
  members(channel: string): string[] {
    return [...(this.channels.get(channel) ?? [])].sort();
  }

  /** Be told of everything that happens on the platform, after the platform's latency. */
  subscribe(fn: (e: PlatformEvent) => void): void {
    if (this.subscribers.length >= PLATFORM_LIMITS.subscribersMax)
      throw new Error(`${this.name}: too many subscribers`);
    this.subscribers.push(fn);
  }

  join(channel: string, user: string): void {
    const members = this.channel(channel);
    if (members.has(user)) return;
    members.add(user);
    this.publish({ kind: "join", channel, user, atMs: this.sim.nowMs });
  }

  leave(channel: string, user: string): void {
    if (!this.channel(channel).delete(user)) return;
    this.publish({ kind: "leave", channel, user, atMs: this.sim.nowMs });
  }

  /** Post a message; only members may. Returns the message id, or undefined when refused. */
  post(channel: string, user: string, body: string, origin?: string): string | undefined {
    if (!this.channel(channel).has(user)) return undefined;
    const id = `${this.name}-${this.nextMessage++}`;
    this.publish({ kind: "message", channel, user, body, id, atMs: this.sim.nowMs, ...(origin ? { origin } : {}) });
    return id;
  }

  /** Every message of a channel, in the order the platform took them. */
  messages(channel: string): Array<Extract<PlatformEvent, { kind: "message" }>> {
    return this.events.filter(
      (e): e is Extract<PlatformEvent, { kind: "message" }> => e.kind === "message" && e.channel === channel,
    );
  }

  /** The messages a person saw: those posted while they were in the channel. */
  seenBy(channel: string, user: string): string[] {
    let member = false;
    const out: string[] = [];
    for (const e of this.events) {
      if (e.channel !== channel) continue;
      if (e.kind === "join" && e.user === user) member = true;
      else if (e.kind === "leave" && e.user === user) member = false;
      else if (e.kind === "message" && member) out.push(e.body);
    }
    return out;
  }

  private channel(channel: string): Set<string> {
    const members = this.channels.get(channel);
    if (!members) throw new Error(`${this.name} has no channel ${channel}`);
    return members;
  }

  private publish(e: PlatformEvent): void {
    if (this.events.length >= PLATFORM_LIMITS.eventsMax)
      throw new Error(`${this.name}: more than ${PLATFORM_LIMITS.eventsMax} events`);
    this.events.push(e);
    for (const fn of this.subscribers) this.sim.after(this.latencyMs, `${this.name} ${e.kind}`, () => fn(e), this.name);
  }
}
