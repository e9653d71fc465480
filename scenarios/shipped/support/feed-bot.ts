// A feed bot: an ordinary Matrix client — a registered user with an access token, no
// application service — that polls a feed and posts each new item to a room. This is
// what a bot is; the application-service path is for what a bot cannot do (act as many
// users, be told of events without syncing, own a namespace).

import type { EventId, RoomId } from "../../../core/index.ts";
import type { Client, Simulation } from "../../../sim/index.ts";
import type { FeedItem, SimulatedFeed } from "./feed.ts";

export interface FeedBotOptions {
  pollEveryMs: number;
  /** At most this many polls: a limit on the loop even if the feed never ran dry. */
  pollsMax: number;
}

export class FeedBot {
  /** Item id → the event that posted it. */
  readonly posted = new Map<string, EventId>();
  /** Every post attempt: what, when, and how it went. */
  readonly log: Array<{ item: string; atMs: number; ok: boolean; error?: string }> = [];
  polls = 0;

  constructor(
    private readonly client: Client,
    private readonly feed: SimulatedFeed,
    /** The room to post to, once it exists. */
    private readonly room: () => RoomId | undefined,
    private readonly sim: Simulation,
    private readonly options: FeedBotOptions,
  ) {}

  get userId(): string {
    return this.client.userId;
  }

  start(atMs: number): void {
    this.sim.at(atMs, `feed bot ${this.userId} polls`, () => this.poll());
  }

  private poll(): void {
    this.polls++;
    const roomId = this.room();
    const now = this.sim.nowMs;
    if (roomId && this.client.hs.up)
      for (const item of this.feed.poll(now).filter((i) => !this.posted.has(i.id))) this.post(roomId, item);
    // Stop once the feed has nothing more to give and everything was posted.
    const done = this.feed.exhausted(now) && this.feed.all().every((i) => this.posted.has(i.id));
    if (!done && this.polls < this.options.pollsMax)
      this.sim.after(this.options.pollEveryMs, `feed bot ${this.userId} polls`, () => this.poll());
  }

  private post(roomId: RoomId, item: FeedItem): void {
    const sent = this.client.sendMessage(roomId, `${item.title} — ${item.url}`, { "org.example.feed.item": item.id });
    const r = sent.result;
    this.log.push({
      item: item.id,
      atMs: this.sim.nowMs,
      ok: r?.ok === true,
      ...(r && !r.ok ? { error: r.error.errcode } : {}),
    });
    if (r?.ok) this.posted.set(item.id, r.value);
  }
}
