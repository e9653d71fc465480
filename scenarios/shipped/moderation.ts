// A moderation service watching the public rooms of its homeserver: it redacts link
// spam and floods and bans their senders, and leaves private rooms and encrypted
// events alone.

import type { EventId } from "../../core/index.ts";
import type { World } from "../../sim/index.ts";
import type { CheckContext } from "../runner/check-context.ts";
import { ModerationService } from "./support/moderation.ts";
import type { Check, Scenario, TimelineAction } from "../runner/types.ts";

interface ModerationRun {
  mod: ModerationService;
  encrypted?: EventId;
}

const runs = new WeakMap<World, ModerationRun>();

function run(ctx: CheckContext): ModerationRun {
  const r = runs.get(ctx.world);
  if (!r) throw new Error("moderation scenario: setup() did not run for this world");
  return r;
}

const SPAM = "CHEAP PILLS at https://cheap-pills.example/buy";
const FLOOD = "JOIN MY CHANNEL NOW";

const flood = (at: number, n: number): TimelineAction => ({
  at,
  do: "message",
  user: "@flooder:hs2",
  room: "lobby",
  body: FLOOD,
  label: `flood-${n}`,
});

const status = (event: string, is: "redacted" | "accepted" | "absent", servers?: string[]): Check => ({
  check: "event",
  event,
  status: is,
  ...(servers ? { servers } : {}),
});

const scenario: Scenario = {
  name: "moderation",
  description:
    "Matrix's own introduction to application services pictures one that watches every unencrypted event in the public rooms of its " +
    "homeserver and acts on spam. Here it is: a service on hs1 whose namespace is every room id of hs1 (not exclusive: it claims " +
    "nothing, it watches), so hs1 pushes it every event of those rooms without it syncing as anyone. It joins each room that " +
    "becomes public; Alice gave its user @mod:hs1 the power to redact and ban. When @spammer:hs2 posts a link to a blocked domain, " +
    "and when @flooder:hs2 posts the same message three times in a few seconds, the service redacts the messages and bans the " +
    "sender, and every server applies the redactions and the bans — hs2 too, where Carol, an ordinary user, stays. Bob's ordinary messages, his link to an allowed site, an " +
    "encrypted event it cannot read, and the very same spam link quoted in a private room are all pushed to it and left alone. " +
    "The spammer's next attempt fails: it is banned.",
  roomVersion: "11",
  servers: [{ name: "hs1" }, { name: "hs2" }, { name: "hs3" }],
  users: ["@alice:hs1", "@bob:hs3", "@carol:hs2", "@spammer:hs2", "@flooder:hs2"],
  setup({ world, rooms }) {
    const mod = new ModerationService(world, {
      server: "hs1",
      node: "moderation",
      blockedDomains: ["cheap-pills.example"],
      floodCount: 3,
      floodWindowMs: 10_000,
    });
    const state: ModerationRun = { mod };
    runs.set(world, state);
    // An encrypted event (the timeline has no verb for one): the service cannot read it.
    world.sim.at(6_000, "alice sends an encrypted event", () => {
      const sent = world.client("@alice:hs1").sendEvent(rooms.get("lobby")!, "m.room.encrypted", {
        algorithm: "m.megolm.v1.aes-sha2",
        ciphertext: "b64: https://cheap-pills.example",
        session_id: "s1",
        device_id: "D1",
        sender_key: "k",
      });
      if (sent.result?.ok) state.encrypted = sent.result.value;
    });
  },
  timeline: [
    {
      at: 0,
      do: "createRoom",
      user: "@alice:hs1",
      room: "lobby",
      preset: "public_chat",
      name: "Lobby",
      powerLevels: { users: { "@alice:hs1": 100, "@mod:hs1": 50 } },
    },
    {
      at: 0,
      do: "createRoom",
      user: "@alice:hs1",
      room: "private",
      preset: "private_chat",
      name: "Alice and Bob",
      invite: ["@bob:hs3"],
    },
    { at: 500, do: "join", user: "@bob:hs3", room: "lobby", via: ["hs1"], expect: "ok" },
    { at: 700, do: "join", user: "@bob:hs3", room: "private", via: ["hs1"], expect: "ok" },
    { at: 800, do: "join", user: "@carol:hs2", room: "lobby", via: ["hs1"], expect: "ok" },
    { at: 1_000, do: "join", user: "@spammer:hs2", room: "lobby", via: ["hs1"], expect: "ok" },
    { at: 1_200, do: "join", user: "@flooder:hs2", room: "lobby", via: ["hs1"], expect: "ok" },
    { at: 3_000, do: "message", user: "@bob:hs3", room: "lobby", body: "hello everyone", label: "legit" },
    {
      at: 4_000,
      do: "message",
      user: "@bob:hs3",
      room: "lobby",
      body: "anything cheap around here? the spec is free: https://spec.matrix.org",
      label: "legit-link",
    },
    { at: 5_000, do: "message", user: "@spammer:hs2", room: "lobby", body: SPAM, label: "spam" },
    flood(8_000, 1),
    flood(8_500, 2),
    flood(9_000, 3),
    {
      at: 10_000,
      do: "message",
      user: "@bob:hs3",
      room: "private",
      body: `look what the spammer posted: ${SPAM}`,
      label: "private-quote",
    },
    {
      at: 12_000,
      do: "message",
      user: "@spammer:hs2",
      room: "lobby",
      body: "still here? https://cheap-pills.example",
      expect: "M_FORBIDDEN",
    },
    { at: 13_000, do: "message", user: "@bob:hs3", room: "lobby", body: "thanks, mod", label: "thanks" },
  ],
  annotations: [
    { at: 0, text: "Alice's public room: hs1 pushes its events to the moderation service, which joins it." },
    { at: 5_000, text: "Link spam from hs2: the service redacts it and bans the spammer, and every server follows." },
    { at: 9_000, text: "The third identical message: the service redacts all three and bans the flooder." },
    {
      at: 10_000,
      text: "The same link in a private room is pushed to the service too; it leaves private rooms alone.",
    },
  ],
  checks: [
    { check: "converged" },
    status("spam", "redacted"),
    status("flood-1", "redacted"),
    status("flood-2", "redacted"),
    status("flood-3", "redacted"),
    status("legit", "accepted"),
    status("legit-link", "accepted"),
    status("private-quote", "accepted", ["hs1", "hs3"]),
    status("thanks", "accepted"),
    { check: "membership", room: "lobby", user: "@spammer:hs2", is: "ban" },
    { check: "membership", room: "lobby", user: "@flooder:hs2", is: "ban" },
    { check: "membership", room: "lobby", user: "@bob:hs3", is: "join" },
    { check: "membership", room: "lobby", user: "@carol:hs2", is: "join" },
    { check: "membership", room: "lobby", user: "@mod:hs1", is: "join" },
    { check: "membership", room: "private", user: "@mod:hs1", is: null },
    ...["@bob:hs3", "@carol:hs2"].map((user): Check => ({
      check: "timeline",
      room: "lobby",
      user,
      excludes: ["CHEAP PILLS", FLOOD],
      includes: ["hello everyone", "thanks, mod"],
    })),
    { check: "timeline", room: "private", user: "@bob:hs3", includes: [`look what the spammer posted: ${SPAM}`] },
    {
      check: "trace",
      kind: "as.action",
      where: { service: "moderation", action: "ban", ok: true },
      atLeast: 2,
      atMost: 2,
    },
    {
      check: "trace",
      kind: "as.action",
      where: { service: "moderation", action: "redact", ok: true },
      atLeast: 4,
      atMost: 4,
    },
  ],
  customChecks: [
    {
      name: "every redaction and ban in the lobby came from @mod:hs1, and it never acted in the private room",
      run: (ctx) => {
        const problems: string[] = [];
        const hs1 = ctx.world.server("hs1");
        for (const label of ["lobby", "private"]) {
          for (const e of hs1.room(ctx.rooms.get(label)!)!.inStreamOrder()) {
            const isBan =
              e.pdu.type === "m.room.member" && (e.pdu.content as { membership?: string }).membership === "ban";
            if ((isBan || e.pdu.type === "m.room.redaction") && (label === "private" || e.pdu.sender !== "@mod:hs1"))
              problems.push(`${label}: ${e.pdu.type} by ${e.pdu.sender}`);
          }
        }
        if (run(ctx).mod.actions.some((a) => a.room === ctx.rooms.get("private")))
          problems.push("the service acted in the private room");
        return problems;
      },
    },
    {
      name: "the service was pushed the private quote and the encrypted event, and left both alone",
      run: (ctx) => {
        const { mod, encrypted } = run(ctx);
        const received = new Set(mod.service.received.map((e) => e.event_id));
        const quote = ctx.events.get("private-quote");
        const problems: string[] = [];
        if (!encrypted) problems.push("the encrypted event was never sent");
        for (const [what, id] of [
          ["private quote", quote],
          ["encrypted event", encrypted],
        ] as const) {
          if (!id) continue;
          if (!received.has(id)) problems.push(`the ${what} was not pushed to the service`);
          if (mod.actions.some((a) => a.target === id)) problems.push(`the service acted on the ${what}`);
          for (const s of ctx.honestServers)
            if (ctx.world.server(s).room(ctx.rooms.get("lobby")!)?.get(id)?.redactedBy)
              problems.push(`${s}: the ${what} was redacted`);
        }
        return problems;
      },
    },
  ],
};

export default scenario;
