// A feed bot: an ordinary client that posts each new item of a simulated feed to a
// room, while one of the readers' servers is cut off for two minutes.

import type { World } from "../../sim/index.ts";
import type { CheckContext } from "../runner/check-context.ts";
import { SimulatedFeed, type FeedItem } from "./support/feed.ts";
import { FeedBot } from "./support/feed-bot.ts";
import type { Scenario } from "../runner/types.ts";

const POLL_EVERY_MS = 30_000;

const ITEMS: FeedItem[] = [
  { id: "n1", title: "Matrix federation, explained", url: "https://news.example/1", publishedAtMs: 20_000 },
  { id: "n2", title: "State resolution v2.1 in room version 12", url: "https://news.example/2", publishedAtMs: 45_000 },
  { id: "n3", title: "What a netsplit does to a room", url: "https://news.example/3", publishedAtMs: 50_000 },
  { id: "n4", title: "Surviving a partition", url: "https://news.example/4", publishedAtMs: 95_000 },
  { id: "n5", title: "How bridges work", url: "https://news.example/5", publishedAtMs: 150_000 },
  { id: "n6", title: "After the heal", url: "https://news.example/6", publishedAtMs: 240_000 },
];

const bodyOf = (item: FeedItem) => `${item.title} — ${item.url}`;

/** Per world: every run has its own feed and bot. */
const bots = new WeakMap<World, FeedBot>();

function botOf(ctx: CheckContext): FeedBot {
  const bot = bots.get(ctx.world);
  if (!bot) throw new Error("feed-bot scenario: setup() did not run for this world");
  return bot;
}

const scenario: Scenario = {
  name: "feed-bot",
  description:
    "A bot is an ordinary Matrix client: @newsbot:hs1 is a registered user with an access token, like Alice, and nothing more. " +
    "Every 30 s it polls a simulated news feed and posts each item it has not posted yet to the room #news, in the feed's order; " +
    "two items published within one polling interval go out together. Alice (hs2) and Bob (hs3) read the room. From 60 s to 180 s " +
    "hs3 is cut off from the others: the bot carries on, hs1 queues the items for hs3 and backs off, and after the repair Bob's " +
    "server catches up. Every reader ends up with every item exactly once and in order. No application service is involved: a bot " +
    "needs one only to act as many users, to be pushed events instead of syncing, or to own a namespace (see the bridge scenario).",
  roomVersion: "11",
  servers: [{ name: "hs1" }, { name: "hs2" }, { name: "hs3" }],
  users: ["@newsbot:hs1", "@alice:hs2", "@bob:hs3"],
  setup({ world, rooms }) {
    const bot = new FeedBot(
      world.client("@newsbot:hs1"),
      new SimulatedFeed(ITEMS),
      () => rooms.get("news"),
      world.sim,
      { pollEveryMs: POLL_EVERY_MS, pollsMax: 100 },
    );
    bots.set(world, bot);
    bot.start(10_000);
  },
  timeline: [
    {
      at: 0,
      do: "createRoom",
      user: "@newsbot:hs1",
      room: "news",
      preset: "public_chat",
      name: "News",
      topic: "Posted by @newsbot from news.example",
    },
    { at: 500, do: "join", user: "@alice:hs2", room: "news", via: ["hs1"], expect: "ok" },
    { at: 1_000, do: "join", user: "@bob:hs3", room: "news", via: ["hs1"], expect: "ok" },
    { at: 60_000, do: "partition", partition: { shape: "isolate", server: "hs3" } },
    { at: 180_000, do: "repair" },
  ],
  chaosMs: 300_000,
  annotations: [
    { at: 40_000, text: "The bot's second poll finds the first item and posts it, as any client would." },
    { at: 60_000, text: "hs3 is cut off: Bob's server misses what the bot posts now." },
    { at: 180_000, text: "The cut is repaired: hs1 retries after its backoff and hs3 catches up." },
  ],
  checks: [
    { check: "converged" },
    ...["@alice:hs2", "@bob:hs3", "@newsbot:hs1"].map((user) => ({
      check: "timeline" as const,
      room: "news",
      user,
      order: ITEMS.map(bodyOf),
    })),
    {
      check: "trace",
      kind: "client.action",
      where: { user: "@newsbot:hs1", action: "sendMessage", ok: true },
      atLeast: ITEMS.length,
      atMost: ITEMS.length,
    },
    { check: "trace", kind: "as.registered", atMost: 0 },
  ],
  customChecks: [
    {
      name: "the bot posted every item exactly once, in the feed's order, within one poll of its publication",
      run: (ctx) => {
        const bot = botOf(ctx);
        const room = ctx.world.server("hs1").room(ctx.rooms.get("news")!)!;
        const posts = room
          .inStreamOrder()
          .filter((e) => e.pdu.sender === bot.userId && e.pdu.type === "m.room.message");
        const problems: string[] = [];
        const ids = posts.map((e) => String((e.pdu.content as Record<string, unknown>)["org.example.feed.item"]));
        if (JSON.stringify(ids) !== JSON.stringify(ITEMS.map((i) => i.id)))
          problems.push(`posted ${JSON.stringify(ids)}, expected ${JSON.stringify(ITEMS.map((i) => i.id))}`);
        for (const entry of bot.log) {
          const item = ITEMS.find((i) => i.id === entry.item)!;
          if (!entry.ok) problems.push(`posting ${entry.item} failed: ${entry.error}`);
          if (entry.atMs < item.publishedAtMs || entry.atMs > item.publishedAtMs + POLL_EVERY_MS)
            problems.push(`${entry.item} posted at ${entry.atMs} ms, published at ${item.publishedAtMs} ms`);
        }
        return problems;
      },
    },
  ],
};

export default scenario;
