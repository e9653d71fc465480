// A bridge between Matrix and a simulated chat platform, built as an application
// service on one homeserver — the classic "portal room" bridge:
//   - a platform channel appears in Matrix as a portal room, created on demand when
//     someone joins its alias (`#_chat_general:hs1`): the homeserver asks the bridge
//     (the alias query) and the bridge creates the room before answering;
//   - people on the platform appear in Matrix as ghosts (`@_chat_dave:hs1`), users of
//     the bridge's exclusive namespace that it registers and masquerades as;
//   - Matrix users appear on the platform as puppets (`matrix/@alice:hs2`);
//   - messages, joins and leaves flow both ways; each side ignores its own echoes.
// Matrix → platform, the homeserver's transaction queue is what makes an event reach the
// platform once, however long its server was cut off; platform → Matrix, the bridge's
// own outbox holds what it cannot relay while it cannot reach its homeserver.

import type { EventId, RoomId, UserId } from "../../../core/index.ts";
import type { AppService, AppServiceBehaviour, ClientEvent, World } from "../../../sim/index.ts";
import type { ChatPlatform, PlatformEvent } from "./chat-platform.ts";

export interface ChatBridgeOptions {
  /** The homeserver the bridge is registered on. */
  server: string;
  /** Its node in the simulated network (the registration's url). */
  node: string;
  /** Localpart prefix of ghosts and aliases (the spec suggests an underscore first). */
  prefix?: string;
  /** Told when a portal room is created (scenarios name it for their timeline and checks). */
  onPortal?(channel: string, roomId: RoomId): void;
}

const PUPPET = "matrix/";

/** Limits on the bridge's own outbox (platform → Matrix). */
export const BRIDGE_LIMITS = { outboxMax: 10_000, outboxRetryMs: 5_000, outboxRetriesMax: 720 } as const;

export class ChatBridge {
  readonly service: AppService;
  readonly prefix: string;
  private readonly portals = new Map<string, RoomId>();
  private readonly channelOfRoom = new Map<RoomId, string>();
  /** Platform message id → the ghost's Matrix event. */
  readonly relayedToMatrix = new Map<string, EventId>();
  /** Relays that failed (none expected in the shipped scenario). */
  readonly problems: string[] = [];
  private readonly outbox: PlatformEvent[] = [];
  private retryScheduled = false;
  private retries = 0;

  constructor(
    world: World,
    readonly platform: ChatPlatform,
    private readonly options: ChatBridgeOptions,
  ) {
    this.prefix = options.prefix ?? "_chat_";
    const server = escapeRegex(options.server);
    this.service = world.addAppService(
      options.server,
      {
        id: `${platform.name}-bridge`,
        url: options.node,
        as_token: `${platform.name}-as-token`,
        hs_token: `${platform.name}-hs-token`,
        sender_localpart: `${this.prefix}bot`,
        namespaces: {
          users: [{ regex: `@${escapeRegex(this.prefix)}.*:${server}`, exclusive: true }],
          aliases: [{ regex: `#${escapeRegex(this.prefix)}.*:${server}`, exclusive: true }],
        },
        protocols: [platform.name],
      },
      this.behaviour(),
    );
    platform.subscribe((e) => this.fromPlatform(e));
  }

  /** The ghost of a platform user, and the puppet of a Matrix user. */
  ghostOf(platformUser: string): UserId {
    return this.service.userId(`${this.prefix}${platformUser}`);
  }

  puppetOf(userId: string): string {
    return `${PUPPET}${userId}`;
  }

  aliasOf(channel: string): string {
    return `#${this.prefix}${channel}:${this.options.server}`;
  }

  portal(channel: string): RoomId | undefined {
    return this.portals.get(channel);
  }

  private behaviour(): AppServiceBehaviour {
    return {
      onAliasQuery: (alias) => this.openPortal(alias),
      onUserQuery: (userId) => this.createGhost(userId),
      onEvent: (event) => this.fromMatrix(event),
    };
  }

  // ---- Matrix → platform --------------------------------------------------------------

  private fromMatrix(e: ClientEvent): void {
    const channel = this.channelOfRoom.get(e.room_id);
    if (!channel || this.service.owns(e.sender)) return; // not a portal, or our own echo
    if (e.type === "m.room.message" && typeof e.content.body === "string") {
      const puppet = this.puppetOf(e.sender);
      this.platform.join(channel, puppet); // a Matrix user who speaks is in the channel
      this.platform.post(channel, puppet, e.content.body, e.event_id);
    } else if (e.type === "m.room.member" && e.state_key !== undefined && !this.service.owns(e.state_key)) {
      const membership = e.content.membership;
      if (membership === "join") this.platform.join(channel, this.puppetOf(e.state_key));
      else if (membership === "leave" || membership === "ban") this.platform.leave(channel, this.puppetOf(e.state_key));
    }
  }

  // ---- platform → Matrix --------------------------------------------------------------

  /**
   * The platform does not wait for Matrix: what it tells the bridge goes to an outbox,
   * relayed in order, and kept while the bridge cannot reach its homeserver (a retry every
   * OUTBOX_RETRY_MS, at most OUTBOX_RETRIES_MAX in a row).
   */
  private fromPlatform(e: PlatformEvent): void {
    if (e.user.startsWith(PUPPET)) return; // our own echo
    if (this.outbox.length >= BRIDGE_LIMITS.outboxMax)
      return void this.problems.push(`outbox full: dropped ${e.kind} of ${e.user}`);
    this.outbox.push(e);
    this.drain();
  }

  private drain(): void {
    if (this.retryScheduled) return;
    while (this.outbox.length > 0) {
      if (!this.service.reachable()) {
        if (++this.retries > BRIDGE_LIMITS.outboxRetriesMax)
          return void this.problems.push(`gave up relaying ${this.outbox.length} platform events`);
        this.retryScheduled = true;
        this.service.after(BRIDGE_LIMITS.outboxRetryMs, "bridge outbox retry", () => {
          this.retryScheduled = false;
          this.drain();
        });
        return;
      }
      this.retries = 0;
      this.relay(this.outbox.shift()!);
    }
  }

  private relay(e: PlatformEvent): void {
    const portal = this.portals.get(e.channel);
    if (!portal) return; // nobody in Matrix opened this channel yet
    const ghost = this.ensureGhost(e.user);
    if (!ghost) return;
    if (e.kind === "join") this.ghostJoin(ghost, portal);
    else if (e.kind === "leave") {
      if (this.joined(ghost, portal)) this.check(`leave of ${ghost}`, this.service.client(ghost).leave(portal).result);
    } else {
      this.ghostJoin(ghost, portal);
      // spec: bridged events should say where they came from (external_url).
      const sent = this.service
        .client(ghost)
        .sendMessage(portal, e.body, { external_url: `https://${this.platform.name}.example/${e.channel}/${e.id}` });
      if (this.check(`message ${e.id}`, sent.result)) this.relayedToMatrix.set(e.id, sent.result.value);
    }
  }

  // ---- portals and ghosts ---------------------------------------------------------------

  /** The alias query: create the portal of a channel the platform has, with its people as ghosts. */
  private openPortal(alias: string): boolean {
    const channel = alias.startsWith(`#${this.prefix}`)
      ? alias.slice(1 + this.prefix.length, alias.lastIndexOf(":"))
      : "";
    if (!this.platform.hasChannel(channel)) return false;
    if (this.portals.has(channel)) return true;
    const bot = this.service.client();
    const created = bot.createRoom({
      preset: "public_chat",
      name: `#${channel} on ${this.platform.name}`,
      topic: `Bridged to ${this.platform.name}`,
    }).result;
    if (!this.check(`portal for ${channel}`, created)) return false;
    const roomId = created.value;
    if (!this.check(`alias ${alias}`, bot.createAlias(alias, roomId).result)) return false;
    bot.setState(roomId, "m.room.canonical_alias", "", { alias });
    this.portals.set(channel, roomId);
    this.channelOfRoom.set(roomId, channel);
    this.options.onPortal?.(channel, roomId);
    for (const person of this.platform.members(channel)) {
      if (person.startsWith(PUPPET)) continue;
      const ghost = this.ensureGhost(person);
      if (ghost) this.ghostJoin(ghost, roomId);
    }
    return true;
  }

  /** The user query: a ghost for someone the platform knows. */
  private createGhost(userId: UserId): boolean {
    const localpart = userId.slice(1, userId.indexOf(":"));
    const person = localpart.slice(this.prefix.length);
    return localpart.startsWith(this.prefix) && this.platform.knows(person) && this.service.ensureUser(localpart).ok;
  }

  private ensureGhost(person: string): UserId | undefined {
    const r = this.service.ensureUser(`${this.prefix}${person}`);
    return this.check(`ghost for ${person}`, r) ? r.value : undefined;
  }

  private ghostJoin(ghost: UserId, portal: RoomId): void {
    if (!this.joined(ghost, portal)) this.check(`join of ${ghost}`, this.service.client(ghost).join(portal).result);
  }

  private joined(user: UserId, portal: RoomId): boolean {
    return this.service.client().stateContent(portal, "m.room.member", user)?.membership === "join";
  }

  private check<T>(
    what: string,
    r: { ok: true; value: T } | { ok: false; error: { errcode: string; error: string } } | undefined,
  ): r is { ok: true; value: T } {
    if (r?.ok) return true;
    this.problems.push(`${what}: ${r ? `${r.error.errcode}: ${r.error.error}` : "did not complete"}`);
    return false;
  }
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
