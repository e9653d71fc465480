// A bridge between a Matrix room and a simulated chat platform, across a netsplit
// between the bridge's homeserver and the others. Scenario checks ask what reached
// whom on each side, and whether anything was lost or doubled.

import type { EventId, RoomId } from "../../core/index.ts";
import type { World } from "../../sim/index.ts";
import type { CheckContext } from "../runner/check-context.ts";
import { ChatBridge } from "./support/chat-bridge.ts";
import { ChatPlatform } from "./support/chat-platform.ts";
import type { Scenario, TimelineAction } from "../runner/types.ts";

interface BridgeRun {
  platform: ChatPlatform;
  bridge: ChatBridge;
  /** Carol's join by alias (the alias query creates the portal). */
  carolJoin: { done: boolean; result?: { ok: boolean } };
}

/** Per world, so that every run (and every seed) has its own platform and bridge. */
const runs = new WeakMap<World, BridgeRun>();

const SPLIT_AT = 10_000;
const HEAL_AT = 5 * 60_000;
/** Later, once federation has caught up, the bridge itself loses its link to hs1 for five minutes. */
const BRIDGE_CUT_AT = 20 * 60_000;
const BRIDGE_BACK_AT = 25 * 60_000;

/** What happens on the platform, at virtual times: [at, action]. */
const PLATFORM_SCRIPT: Array<[number, (p: ChatPlatform) => void]> = [
  [5_000, (p) => p.post("general", "dave", "hello from the chat platform")],
  [12_000, (p) => p.post("general", "dave", "dave, during the split")],
  [20_000, (p) => p.join("general", "frank")],
  [25_000, (p) => p.post("general", "frank", "frank joined during the split")],
  [40_000, (p) => p.leave("general", "erin")],
  [HEAL_AT + 60_000, (p) => p.post("general", "dave", "dave, after the heal")],
  [BRIDGE_CUT_AT + 30_000, (p) => p.post("general", "dave", "dave, while the bridge is cut off")],
];

const MATRIX_MESSAGES = {
  alice1: "hi dave, alice on Matrix",
  alice2: "alice, during the split",
  bob1: "bob, during the split, before leaving",
  carol1: "carol, on the bridge's own server, during the split",
  alice3: "alice, after the heal",
  alice4: "alice, while the bridge is cut off",
};

const message = (at: number, user: string, body: string): TimelineAction => ({
  at,
  do: "message",
  user,
  room: "portal",
  body,
});

function run(ctx: CheckContext): BridgeRun {
  const r = runs.get(ctx.world);
  if (!r) throw new Error("bridge scenario: setup() did not run for this world");
  return r;
}

/** The bridge's own link to its homeserver. */
const BRIDGE_LINK = { shape: "split" as const, sides: [["hs1"], ["chat-bridge"]] as [string[], string[]] };

const scenario: Scenario = {
  name: "bridge",
  description:
    "A bridge is an application service: hs1 hands it every event of the rooms it cares about and lets it act as many users. " +
    "Here it joins the channel #general of a simulated chat platform (where dave and erin are) to Matrix. At 1 s Carol, on hs1, " +
    "joins #_chat_general:hs1; hs1 does not know the alias, so it asks the bridge (the alias query), which creates the portal room, " +
    "points the alias at it and brings dave and erin in as ghosts (@_chat_dave:hs1, users of its exclusive namespace that it " +
    "registers and masquerades as) before answering. Alice (hs2) and Bob (hs3) join; on the platform they appear as puppets. " +
    "Alice invites @_chat_gina:hs1, a ghost that does not exist yet: hs1 asks the bridge (the user query), which knows gina from the " +
    "platform and registers her ghost, and only then does hs1 countersign the invite. " +
    "From 10 s to 5 min the network splits hs1 from hs2 and hs3. Meanwhile both sides keep talking, frank joins the " +
    "platform, erin leaves it and Bob leaves the room: each change reaches the other side of the bridge at once when it stays on " +
    "hs1's side, and after the heal when it has to cross the split. At 20 min the bridge's own link to hs1 is cut for five minutes: hs1 " +
    "retries the same transaction with backoff (2 s, 4 s, 8 s, …, as Synapse does) and the bridge keeps the platform's news in an " +
    "outbox. Nothing is lost or doubled: hs1 pushed the bridge every event of the portal in order, each transaction processed once, " +
    "and every message appears exactly once on the other side.",
  roomVersion: "11",
  servers: [{ name: "hs1" }, { name: "hs2" }, { name: "hs3" }],
  users: ["@carol:hs1", "@alice:hs2", "@bob:hs3"],
  setup({ world, rooms }) {
    const platform = new ChatPlatform("chat", world.sim);
    platform.addChannel("general", ["dave", "erin"]);
    platform.addChannel("random", ["gina"]);
    const bridge = new ChatBridge(world, platform, {
      server: "hs1",
      node: "chat-bridge",
      onPortal: (channel, roomId) => rooms.set(channel === "general" ? "portal" : channel, roomId),
    });
    const state: BridgeRun = { platform, bridge, carolJoin: { done: false } };
    runs.set(world, state);
    world.sim.at(1_000, "carol joins #_chat_general:hs1", () => {
      world
        .client("@carol:hs1")
        .join(bridge.aliasOf("general"))
        .then((r) => Object.assign(state.carolJoin, { done: true, result: r }));
    });
    for (const [at, act] of PLATFORM_SCRIPT) world.sim.at(at, "chat platform", () => act(platform), "chat");
  },
  timeline: [
    { at: 3_000, do: "join", user: "@alice:hs2", room: "portal", via: ["hs1"], expect: "ok" },
    { at: 3_500, do: "join", user: "@bob:hs3", room: "portal", via: ["hs1"], expect: "ok" },
    message(6_000, "@alice:hs2", MATRIX_MESSAGES.alice1),
    // Gina is on the platform, not in #general, and has no ghost yet: hs1 asks the bridge (the user query).
    { at: 7_000, do: "invite", user: "@alice:hs2", room: "portal", target: "@_chat_gina:hs1", expect: "ok" },
    { at: SPLIT_AT, do: "partition", partition: { shape: "split", sides: [["hs1"], ["hs2", "hs3"]] } },
    message(13_000, "@alice:hs2", MATRIX_MESSAGES.alice2),
    message(14_000, "@bob:hs3", MATRIX_MESSAGES.bob1),
    { at: 15_000, do: "leave", user: "@bob:hs3", room: "portal", expect: "ok" },
    message(16_000, "@carol:hs1", MATRIX_MESSAGES.carol1),
    { at: HEAL_AT, do: "repair" },
    message(HEAL_AT + 30_000, "@alice:hs2", MATRIX_MESSAGES.alice3),
    // The bridge is a node of the network like a server: the timeline can cut its own link.
    { at: BRIDGE_CUT_AT, do: "partition", partition: BRIDGE_LINK },
    message(BRIDGE_CUT_AT + 60_000, "@alice:hs2", MATRIX_MESSAGES.alice4),
    { at: BRIDGE_BACK_AT, do: "repair", partition: BRIDGE_LINK },
  ],
  chaosMs: BRIDGE_BACK_AT + 2 * 60_000,
  annotations: [
    {
      at: 1_000,
      text: "Carol joins an alias nobody created: hs1 asks the bridge, which creates the portal and its ghosts first.",
    },
    {
      at: 7_000,
      text: "Alice (hs2) invites a ghost nobody registered yet: hs1 asks the bridge before answering hs2's /invite.",
    },
    { at: SPLIT_AT, text: "hs1 — and with it the bridge — is split from hs2 and hs3." },
    { at: 12_000, text: "Dave speaks on the platform: his ghost's message waits on hs1 for the heal." },
    { at: 13_000, text: "Alice speaks on hs2: the bridge cannot see it until hs1 hears from hs2 again." },
    {
      at: HEAL_AT,
      text: "The split heals. After their backoff the federation senders retry, the queues drain, and hs1 pushes what it learns to the bridge, in order.",
    },
    {
      at: BRIDGE_CUT_AT,
      text: "Now the bridge itself is cut off from hs1: hs1 retries its pushes with backoff (2 s, 4 s, 8 s…); the bridge holds the platform's news in its outbox.",
    },
    {
      at: BRIDGE_BACK_AT,
      text: "The bridge is back: the retried transaction and the outbox deliver what waited, once each.",
    },
  ],
  checks: [
    { check: "converged" },
    { check: "membership", room: "portal", user: "@_chat_dave:hs1", is: "join" },
    { check: "membership", room: "portal", user: "@_chat_frank:hs1", is: "join" },
    { check: "membership", room: "portal", user: "@_chat_erin:hs1", is: "leave" },
    { check: "membership", room: "portal", user: "@bob:hs3", is: "leave" },
    { check: "membership", room: "portal", user: "@alice:hs2", is: "join" },
    { check: "membership", room: "portal", user: "@_chat_gina:hs1", is: "invite" },
    {
      check: "timeline",
      room: "portal",
      user: "@alice:hs2",
      order: [
        "hello from the chat platform",
        "dave, during the split",
        "frank joined during the split",
        "dave, after the heal",
        "dave, while the bridge is cut off",
      ],
      includes: [MATRIX_MESSAGES.carol1, MATRIX_MESSAGES.bob1],
    },
    {
      check: "timeline",
      room: "portal",
      user: "@carol:hs1",
      includes: [
        MATRIX_MESSAGES.alice1,
        MATRIX_MESSAGES.alice2,
        MATRIX_MESSAGES.bob1,
        MATRIX_MESSAGES.alice3,
        "dave, after the heal",
      ],
    },
    { check: "trace", kind: "as.query", where: { query: "alias", result: "exists" }, atLeast: 1, atMost: 1 },
    {
      check: "trace",
      kind: "as.query",
      where: { query: "user", subject: "@_chat_gina:hs1", result: "exists" },
      atLeast: 1,
      atMost: 1,
    },
    { check: "trace", kind: "as.backoff", where: { service: "chat-bridge" }, atLeast: 3 },
  ],
  customChecks: [
    {
      name: "Carol's join by alias created the portal through the alias query",
      run: (ctx) => {
        const { carolJoin, bridge } = run(ctx);
        const problems = carolJoin.result?.ok ? [] : [`carol's join ${carolJoin.done ? "failed" : "never completed"}`];
        if (ctx.world.server("hs1").directory.get(bridge.aliasOf("general")) !== ctx.rooms.get("portal"))
          problems.push("the alias does not point at the portal");
        return [...problems, ...bridge.problems];
      },
    },
    {
      name: "every Matrix message reached the platform exactly once, from its sender's puppet, in its sender's order",
      run: (ctx) => {
        const { platform, bridge } = run(ctx);
        const onPlatform = platform.messages("general").filter((m) => m.origin);
        const problems: string[] = [];
        const expected: Array<[string, string[]]> = [
          [
            "@alice:hs2",
            [MATRIX_MESSAGES.alice1, MATRIX_MESSAGES.alice2, MATRIX_MESSAGES.alice3, MATRIX_MESSAGES.alice4],
          ],
          ["@bob:hs3", [MATRIX_MESSAGES.bob1]],
          ["@carol:hs1", [MATRIX_MESSAGES.carol1]],
        ];
        for (const [user, bodies] of expected) {
          const got = onPlatform.filter((m) => m.user === bridge.puppetOf(user)).map((m) => m.body);
          if (JSON.stringify(got) !== JSON.stringify(bodies))
            problems.push(`${user}'s puppet said ${JSON.stringify(got)}, expected ${JSON.stringify(bodies)}`);
        }
        const origins = onPlatform.map((m) => m.origin!);
        if (new Set(origins).size !== origins.length) problems.push("a Matrix event was relayed twice");
        return problems;
      },
    },
    {
      name: "every platform message reached Matrix exactly once, as its author's ghost",
      run: (ctx) => {
        const { platform, bridge } = run(ctx);
        const room = ctx.world.server("hs1").room(ctx.rooms.get("portal")!)!;
        const problems: string[] = [];
        for (const m of platform.messages("general").filter((x) => !x.origin)) {
          const copies = room
            .inStreamOrder()
            .filter(
              (e) =>
                e.pdu.type === "m.room.message" &&
                (e.pdu.content as { external_url?: string }).external_url?.endsWith(`/${m.id}`),
            );
          if (copies.length !== 1)
            problems.push(`platform message ${m.id} ("${m.body}") is in Matrix ${copies.length} times`);
          else if (copies[0]!.pdu.sender !== bridge.ghostOf(m.user))
            problems.push(`platform message ${m.id} was sent by ${copies[0]!.pdu.sender}`);
        }
        return problems;
      },
    },
    {
      name: "joins and leaves crossed the bridge: the platform's members are the Matrix room's, and back",
      run: (ctx) => {
        const { platform, bridge } = run(ctx);
        const expected = ["dave", "frank", bridge.puppetOf("@alice:hs2"), bridge.puppetOf("@carol:hs1")].sort();
        const got = platform.members("general");
        const problems =
          JSON.stringify(got) === JSON.stringify(expected)
            ? []
            : [`#general holds ${JSON.stringify(got)}, expected ${JSON.stringify(expected)}`];
        // What reached whom on the platform: dave saw every Matrix message; erin, gone at 40 s, not the later ones.
        const daveSaw = platform.seenBy("general", "dave");
        for (const body of Object.values(MATRIX_MESSAGES))
          if (!daveSaw.includes(body)) problems.push(`dave never saw "${body}"`);
        if (platform.seenBy("general", "erin").includes(MATRIX_MESSAGES.alice3))
          problems.push("erin saw a message from after she left");
        return problems;
      },
    },
    {
      name: "hs1 pushed the bridge every event of the portal, in hs1's order, each once",
      run: (ctx) => {
        const { bridge } = run(ctx);
        const roomId = ctx.rooms.get("portal") as RoomId;
        // The order hs1 accepted them in (its trace), which is the order it pushes: an event held
        // earlier as an outlier keeps its older stream position, so the store's order can differ.
        const expected = ctx.world.trace
          .all()
          .flatMap((r) =>
            (r.kind === "pdu.created" || r.kind === "pdu.accepted") && r.server === "hs1" && r.room === roomId
              ? [r.event]
              : [],
          );
        const got = bridge.service.received.filter((e) => e.room_id === roomId).map((e) => e.event_id as EventId);
        return JSON.stringify(got) === JSON.stringify(expected)
          ? []
          : [
              `the bridge received ${got.length} events, hs1 accepted ${expected.length}; first difference at ${got.findIndex((id, i) => id !== expected[i])}`,
            ];
      },
    },
  ],
};

export default scenario;
