// A moderation service, as the spec's introduction to application services pictures
// one: it watches every unencrypted event in the public rooms of its homeserver, spots a
// spam pattern, and redacts and bans. It needs the application-service path because it
// must see every event of rooms it was never invited to, without syncing as anyone.
//
// Its namespace is a rooms namespace (`!.*:hs1`, not exclusive: it claims nothing, it
// only watches). It joins each public room it sees created (the room's creator gives it
// the power to redact and ban), reads nothing it cannot (m.room.encrypted), and leaves
// private rooms alone even though their events are pushed to it too.

import type { EventId, RoomId } from "../../../core/index.ts";
import type { AppService, AppServiceBehaviour, ClientEvent, World } from "../../../sim/index.ts";

export interface ModerationOptions {
  server: string;
  node: string;
  /** Links to these domains are spam. */
  blockedDomains: readonly string[];
  /** The same message this many times… */
  floodCount: number;
  /** …within this window is spam too. */
  floodWindowMs: number;
}

/** Limits: the flood memory per room is bounded. */
export const MODERATION_LIMITS = { recentMessagesMax: 1_000 } as const;

export class ModerationService {
  readonly service: AppService;
  /** What it did, in order: the checks read this. */
  readonly actions: Array<{ kind: "redact" | "ban"; room: RoomId; target: string; reason: string; ok: boolean }> = [];
  private readonly recent = new Map<RoomId, Array<{ sender: string; body: string; id: EventId; ts: number }>>();
  private readonly banned = new Set<string>();
  private readonly redacted = new Set<EventId>();
  private readonly linkPattern: RegExp;

  constructor(
    world: World,
    private readonly options: ModerationOptions,
  ) {
    const domains = options.blockedDomains.map((d) => d.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|");
    this.linkPattern = new RegExp(`https?://([a-z0-9-]+\\.)*(${domains})(/|\\b)`, "i");
    this.service = world.addAppService(
      options.server,
      {
        id: "moderation",
        url: options.node,
        as_token: "moderation-as-token",
        hs_token: "moderation-hs-token",
        sender_localpart: "mod",
        namespaces: { rooms: [{ regex: `!.*:${options.server.replace(/\./g, "\\.")}`, exclusive: false }] },
      },
      this.behaviour(),
    );
  }

  private behaviour(): AppServiceBehaviour {
    return { onEvent: (e) => this.onEvent(e) };
  }

  private onEvent(e: ClientEvent): void {
    if (e.sender === this.service.senderUserId) return;
    // A room becomes public: join it, to be able to act there.
    if (e.type === "m.room.join_rules" && e.content.join_rule === "public") {
      if (this.bot().stateContent(e.room_id, "m.room.member", this.service.senderUserId)?.membership !== "join")
        this.bot().join(e.room_id);
      return;
    }
    if (e.type !== "m.room.message" || typeof e.content.body !== "string") return; // m.room.encrypted and the rest: nothing to read
    if (!this.isPublic(e.room_id)) return;
    const reason = this.spamReason(e);
    if (!reason) return;
    for (const id of reason.events.filter((x) => !this.redacted.has(x))) {
      this.redacted.add(id);
      this.act("redact", e.room_id, id, reason.why, () => this.bot().redact(e.room_id, id, reason.why).result);
    }
    if (!this.banned.has(`${e.room_id}\u0000${e.sender}`)) {
      this.banned.add(`${e.room_id}\u0000${e.sender}`);
      this.act(
        "ban",
        e.room_id,
        e.sender,
        reason.why,
        () => this.bot().ban(e.room_id, e.sender, `spam: ${reason.why}`).result,
      );
    }
  }

  private spamReason(e: ClientEvent): { why: string; events: EventId[] } | undefined {
    const body = e.content.body as string;
    if (this.linkPattern.test(body)) return { why: "link to a blocked domain", events: [e.event_id] };
    const recent = this.recent.get(e.room_id) ?? [];
    recent.push({ sender: e.sender, body, id: e.event_id, ts: e.origin_server_ts });
    if (recent.length > MODERATION_LIMITS.recentMessagesMax) recent.shift();
    this.recent.set(e.room_id, recent);
    const same = recent.filter(
      (m) => m.sender === e.sender && m.body === body && e.origin_server_ts - m.ts <= this.options.floodWindowMs,
    );
    return same.length >= this.options.floodCount
      ? { why: `the same message ${same.length} times`, events: same.map((m) => m.id) }
      : undefined;
  }

  private isPublic(roomId: RoomId): boolean {
    return this.bot().stateContent(roomId, "m.room.join_rules")?.join_rule === "public";
  }

  private bot() {
    return this.service.client();
  }

  private act(
    kind: "redact" | "ban",
    room: RoomId,
    target: string,
    reason: string,
    run: () => { ok: boolean } | undefined,
  ): void {
    this.actions.push({ kind, room, target, reason, ok: run()?.ok === true });
  }
}
