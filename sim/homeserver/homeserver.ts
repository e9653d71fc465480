// One virtual homeserver: its name, signing key and clock; its users and rooms (what it
// persists); its federation sender and inbound queues (what it holds in memory and a
// crash loses). Client actions create events here; federation requests arrive through
// the simulated RPC layer and are answered by federation-handlers.ts.

import {
  buildEvent,
  isStateEvent,
  parseRoomId,
  parseUserId,
  serverOfUser,
  splitStateKey,
  stateKey,
  type CryptoBackend,
  type EventId,
  type JsonObject,
  type Pdu,
  type RoomId,
  type RoomVersion,
  type SigningKey,
  type UserId,
} from "../../core/index.ts";
import { makeAdversary, type Adversary, type AdversarySpec } from "../adversary.ts";
import { AppServiceRegistry, type ServiceEntry } from "../appservice/registry.ts";
import type { RpcOutcome, RpcRequest } from "../network/rpc.ts";
import type { Simulation } from "../simulation.ts";
import { pduSummary } from "../trace.ts";
import { fail, ok, type Result } from "../matrix-error.ts";
import { DEFAULT_FEDERATION_PARAMS, type FederationParams } from "./federation-params.ts";
import { FederationSender, type OutgoingPdu } from "./federation-sender.ts";
import { checkAuth, selectAuthEvents } from "./protocol.ts";
import { applyRedactions } from "./redactions.ts";
import { receivePdu, type PduOutcome, type PipelineHost } from "./receive-pipeline.ts";
import { RoomDirectory } from "./room-directory.ts";
import { RoomStore, type StoredEvent } from "./room-store.ts";
import { NO_SKEW, serverTimeMs, type ClockSkew } from "./server-clock.ts";
import { KeyStore, makeSigningKey } from "./signing-keys.ts";
import { StateSnapshot } from "./state-snapshot.ts";
import { withVerificationCache, type CachingCrypto } from "./verification-cache.ts";
import { runTask, type Task } from "./tasks.ts";

export interface HomeserverOptions {
  skew?: Partial<ClockSkew>;
  params?: Partial<FederationParams>;
  /** Sign and verify events (default true). Sweeps may turn it off; hashes and auth stay. */
  signing?: boolean;
  crypto: CryptoBackend;
  /** Make this server break the protocol on purpose (sim/adversary.ts). */
  adversary?: AdversarySpec;
}

/** Bounds on what a homeserver holds in memory. */
export const HOMESERVER_LIMITS = { heldForJoinMax: 1_000 } as const;

/** A local event built and checked but not yet stored. */
export interface PreparedEvent {
  room: RoomStore;
  eventId: EventId;
  pdu: Pdu;
  stateBefore: StateSnapshot;
  prevEvents: EventId[];
}

/** A PDU waiting in a room's inbound queue, with whom to tell when it is done. */
interface InboundItem {
  origin: string;
  pdu: unknown;
  done: (outcome: PduOutcome) => void;
}

export class Homeserver implements PipelineHost {
  readonly key: SigningKey;
  readonly params: FederationParams;
  skew: ClockSkew;
  crypto: CachingCrypto;
  private readonly baseCrypto: CryptoBackend;
  readonly verifySignatures: boolean;
  readonly adversary: Adversary | undefined;

  // ---- persisted: survives a crash --------------------------------------------------
  readonly rooms = new Map<RoomId, RoomStore>();
  readonly users = new Set<UserId>();
  /** Access tokens of this server's users (persisted, as a database would). */
  private readonly tokens = new Map<string, UserId>();
  readonly keys = new KeyStore();
  /** Invites for our users to rooms we are not in yet: user → room → invite event. */
  readonly pendingInvites = new Map<UserId, Map<RoomId, { eventId: EventId; pdu: Pdu; roomVersion: string }>>();
  /** Application services loaded from their registrations (configuration: survives a crash). */
  readonly appServices: AppServiceRegistry;
  /** Local room aliases. */
  readonly directory = new RoomDirectory();
  private readonly catchUpMarks = new Set<string>();
  /**
   * Per destination, the rooms it has been sent events in since it last had everything
   * (Synapse persists this as destination_rooms when it queues an event): what a
   * catch-up must cover, even in a room the destination has since left or been kicked from.
   */
  private readonly owed = new Map<string, Set<RoomId>>();
  private stream = 0;
  private roomCounter = 0;

  // ---- in memory: a crash loses it ---------------------------------------------------
  private sender: FederationSender;
  private inbound = new Map<RoomId, { queue: InboundItem[]; busy: boolean }>();
  /**
   * Rooms a join is under way for (how many joins) and the PDUs that arrived for them
   * meanwhile: processed once the room's state is in place (Synapse's room_queues).
   */
  private joining = new Map<RoomId, { joins: number; queue: Array<{ origin: string; pdu: unknown }> }>();
  private seenTransactions = new Map<string, { status: number; body: JsonObject }>();
  private listeners: Array<(room: RoomStore, event: StoredEvent) => void> = [];
  /** What to tell the clients waiting on tasks in flight, should the server crash. */
  private lostOnCrash = new Set<() => void>();
  up = true;

  constructor(
    readonly name: string,
    private readonly sim: Simulation,
    options: HomeserverOptions,
  ) {
    // The cache is in memory, so a crash loses it (see crash()).
    this.crypto = withVerificationCache(options.crypto);
    this.baseCrypto = options.crypto;
    this.params = { ...DEFAULT_FEDERATION_PARAMS, ...options.params };
    this.skew = { ...NO_SKEW, ...options.skew };
    this.verifySignatures = options.signing ?? true;
    this.key = makeSigningKey(name, sim.stream(`key:${name}`));
    this.appServices = new AppServiceRegistry(name);
    this.adversary = options.adversary ? makeAdversary(options.adversary, this) : undefined;
    if (this.adversary?.clockOffsetMs) this.skew = { ...this.skew, offsetMs: this.skew.offsetMs + this.adversary.clockOffsetMs };
    this.keys.add(name, new Map([[this.key.keyId, { publicKey: this.crypto.publicKey(this.key.seed), validUntilTs: Number.MAX_SAFE_INTEGER }]]));
    this.sender = this.makeSender();
  }

  get trace() {
    return this.sim.trace;
  }

  /** This server's wall clock (virtual time with its skew). */
  localNowMs(): number {
    return serverTimeMs(this.sim.nowMs, this.skew);
  }

  nextStream(): number {
    return ++this.stream;
  }

  get streamPosition(): number {
    return this.stream;
  }

  /** Be told of every accepted event (clients' sync, application services). */
  onEvent(listener: (room: RoomStore, event: StoredEvent) => void): () => void {
    this.listeners.push(listener);
    return () => void this.listeners.splice(this.listeners.indexOf(listener), 1);
  }

  onAccepted(room: RoomStore, event: StoredEvent): void {
    for (const [target, by] of applyRedactions(room, event)) this.trace.add({ kind: "pdu.redacted", server: this.name, room: room.roomId, event: target, by });
    this.adversary?.observed?.(room, this.sim.nowMs);
    for (const l of this.listeners) l(room, event);
  }

  onStateChanged(room: RoomStore, before: StateSnapshot): void {
    const after = room.currentState;
    const keys = [...new Set([...before.keys(), ...after.keys()])].sort();
    const changed = keys
      .filter((k) => before.get(k) !== after.get(k))
      .map((k) => ({ ...splitStateKey(k), before: before.get(k) ?? null, after: after.get(k) ?? null }));
    if (changed.length === 0) return;
    this.trace.add({ kind: "state.resolved", server: this.name, room: room.roomId, extremities: room.extremityIds(), changed });
  }

  // ---- users and rooms ------------------------------------------------------------------

  /**
   * POST /register. `appService`: registered by a service with m.login.application_service,
   * which may only register users of its namespaces; nobody may register inside another
   * service's exclusive namespace (M_EXCLUSIVE, sim/appservice/registry.ts).
   */
  registerUser(localpart: string, appService?: ServiceEntry): Result<UserId> {
    let userId: UserId;
    try {
      userId = parseUserId(`@${localpart}:${this.name}`);
    } catch (e) {
      return fail("M_INVALID_USERNAME", (e as Error).message);
    }
    const allowed = this.appServices.mayRegister(userId, appService);
    if (!allowed.ok) return allowed;
    if (this.users.has(userId)) return fail("M_USER_IN_USE", `${userId} is already registered`);
    this.users.add(userId);
    // The trace names who lives where (people, bots, a service's ghosts), so that a
    // reader such as the web view can draw and act as them.
    this.trace.add({ kind: "server.user", server: this.name, user: userId, ...(appService ? { service: appService.id } : {}) });
    return ok(userId);
  }

  /** Log a user in: a new access token (deterministic: drawn from the server's stream). */
  issueToken(userId: UserId): string {
    const token = `syt_${userId.slice(1, userId.indexOf(":"))}_${this.sim.stream(`tokens:${this.name}`).int(0, 0x7fffffff).toString(36)}`;
    this.tokens.set(token, userId);
    return token;
  }

  userForToken(token: string): UserId | undefined {
    return this.tokens.get(token);
  }

  revokeToken(token: string): void {
    this.tokens.delete(token);
  }

  room(roomId: RoomId | string): RoomStore | undefined {
    return this.rooms.get(roomId as RoomId);
  }

  /** A fresh room id for versions 1-11 (`!opaque:server`), deterministic per server. */
  newRoomId(): RoomId {
    return parseRoomId(`!r${++this.roomCounter}-${this.sim.stream(`ids:${this.name}`).int(0, 0xffffff).toString(16)}:${this.name}`);
  }

  /** Servers with a joined member in the room's current state (or the given state): the room's residents. */
  serversInRoom(room: RoomStore, state: StateSnapshot = room.currentState): string[] {
    const servers = new Set<string>();
    for (const [k, id] of state.entries()) {
      const { type, stateKey: sk } = splitStateKey(k);
      if (type !== "m.room.member") continue;
      if ((room.get(id)?.pdu.content as { membership?: string }).membership === "join") servers.add(serverOfUser(sk as UserId));
    }
    return [...servers].sort();
  }

  membership(room: RoomStore, userId: string): string | undefined {
    const id = room.currentState.get(stateKey("m.room.member", userId));
    return id ? ((room.get(id)?.pdu.content as { membership?: string }).membership ?? undefined) : undefined;
  }

  /**
   * Build and check a new event from a local user, as a real server does: prev_events
   * are the forward extremities (at most prevEventsMax, newest first), auth_events are
   * chosen from the state the event is built on. Nothing is stored yet: see commit().
   */
  prepareLocalEvent(
    room: RoomStore,
    sender: UserId,
    type: string,
    stateKeyValue: string | undefined,
    content: JsonObject,
    redacts?: EventId,
  ): Result<PreparedEvent> {
    const newest = room.newestExtremities(this.params.prevEventsMax);
    const prevs = this.adversary?.prevEvents?.(room, sender, newest) ?? newest;
    const extremities = room.extremityIds();
    const citesAll = prevs.length === extremities.length && prevs.every((e) => extremities.includes(e.id));
    const stateBefore = citesAll ? room.currentState : (room.resolveAfter(prevs.map((e) => e.id)) ?? room.currentState);
    const skeleton = { type, sender, content, ...(stateKeyValue !== undefined ? { state_key: stateKeyValue } : {}) };
    const isCreate = type === "m.room.create";
    const authEvents = isCreate ? [] : selectAuthEvents(skeleton, stateBefore, room.version);
    const built = buildEvent({
      roomVersion: room.version,
      ...(isCreate && room.version.auth.roomIdFromCreateEvent ? {} : { roomId: room.roomId }),
      sender,
      type,
      ...(stateKeyValue !== undefined ? { stateKey: stateKeyValue } : {}),
      content,
      prevEvents: prevs.map((e) => ({ eventId: e.id, depth: e.pdu.depth })),
      authEvents,
      originServerTs: this.localNowMs(),
      ...(redacts ? { redacts } : {}),
      key: this.key,
      crypto: this.crypto,
      skipSignature: !this.verifySignatures,
    });
    const authPdus = authEvents.map((id) => room.get(id)!.pdu);
    const auth = checkAuth(built.pdu, isCreate ? authPdus : room.withCreateEvent(authPdus), room.version);
    if (!auth.allowed) return fail("M_FORBIDDEN", `${auth.rule}: ${auth.reason}`);
    return ok({ room, eventId: built.eventId, pdu: built.pdu, stateBefore, prevEvents: prevs.map((e) => e.id) });
  }

  /** Store a prepared event (the PDU may carry more signatures now) and send it out. */
  commitLocalEvent(prepared: PreparedEvent, pdu: Pdu = prepared.pdu, alsoSendTo: readonly string[] = []): StoredEvent {
    const { room, eventId, stateBefore } = prepared;
    const before = room.currentState;
    const stored = room.addWithState(eventId, pdu, stateBefore, "accepted", this.nextStream());
    this.trace.add({ kind: "pdu.created", server: this.name, room: room.roomId, event: eventId, ...pduSummary(pdu) });
    this.onAccepted(room, stored);
    this.adversary?.created?.(room, stored);
    if (room.currentState !== before) this.onStateChanged(room, before);
    // The residents before the event hear of it too (Synapse sends to the hosts at its
    // prev events): a kick or ban of a server's last user must reach that server.
    this.broadcast(room, [{ eventId, pdu }], [...alsoSendTo, ...this.serversInRoom(room, stateBefore)]);
    this.mergeExtremitiesIfWide(room, pdu.sender as UserId);
    return stored;
  }

  /** prepareLocalEvent then commitLocalEvent. */
  createLocalEvent(
    room: RoomStore,
    sender: UserId,
    type: string,
    stateKeyValue: string | undefined,
    content: JsonObject,
    redacts?: EventId,
  ): Result<StoredEvent> {
    const prepared = this.prepareLocalEvent(room, sender, type, stateKeyValue, content, redacts);
    return prepared.ok ? ok(this.commitLocalEvent(prepared.value)) : prepared;
  }

  /** Synapse sends a dummy event when a room grows too many forward extremities. */
  private mergeExtremitiesIfWide(room: RoomStore, sender: UserId): void {
    if (room.extremityIds().length <= this.params.extremitiesBeforeDummyMax) return;
    this.createLocalEvent(room, sender, "org.matrix.dummy_event", undefined, {});
  }

  /** Send PDUs to every other server in the room (and any extra destinations). */
  broadcast(room: RoomStore, pdus: OutgoingPdu[], extra: readonly string[] = []): void {
    const destinations = new Set([...this.serversInRoom(room), ...extra]);
    destinations.delete(this.name);
    for (const d of [...destinations].sort()) {
      const out = this.adversary?.outgoing ? this.adversary.outgoing(d, room, pdus) : pdus;
      if (out.length === 0) continue;
      const rooms = this.owed.get(d) ?? new Set<RoomId>();
      rooms.add(room.roomId);
      this.owed.set(d, rooms);
      this.sender.enqueue(d, out);
    }
  }

  /** Make a new room store (for createRoom or a join). */
  addRoom(roomId: RoomId, version: RoomVersion): RoomStore {
    const room = new RoomStore(roomId, version);
    this.rooms.set(roomId, room);
    return room;
  }

  // ---- federation in and out ---------------------------------------------------------------

  /** Issue a federation request (the signed X-Matrix request of the spec). */
  request(to: string, request: RpcRequest, onOutcome: (outcome: RpcOutcome) => void): void {
    this.sim.rpc.request(this.name, to, request, onOutcome, this.params.requestTimeoutMs);
  }

  /** Run a network-waiting task owned by this server. */
  /**
   * `onLost` is called instead of `onDone` if the server crashes first: a client waiting
   * on the task gets an answer (its connection drops), where a server's own work just stops.
   */
  run<T>(task: Task<T>, onDone: (result: T) => void, onLost?: () => void): void {
    if (onLost) this.lostOnCrash.add(onLost);
    runTask(
      task,
      (to, req, onOutcome) => this.request(to, req, onOutcome),
      (result) => {
        if (onLost) this.lostOnCrash.delete(onLost);
        if (this.up) onDone(result);
      },
      (error) => {
        throw error;
      },
    );
  }

  /** A join of `roomId` starts: PDUs for it are held until it ends. */
  beginJoin(roomId: RoomId): void {
    const j = this.joining.get(roomId) ?? { joins: 0, queue: [] };
    j.joins++;
    this.joining.set(roomId, j);
  }

  /** A join ends; when the last one does, what arrived meanwhile is processed (if we are in the room now) or dropped. */
  endJoin(roomId: RoomId): void {
    const j = this.joining.get(roomId);
    if (!j || --j.joins > 0) return;
    this.joining.delete(roomId);
    for (const { origin, pdu } of j.queue) this.enqueueInbound(roomId, { origin, pdu, done: () => {} });
  }

  /** Hold a PDU for a room being joined. False when no join is under way (or the hold is full). */
  holdForJoin(roomId: string, origin: string, pdu: unknown): boolean {
    const j = this.joining.get(roomId as RoomId);
    if (!j || j.queue.length >= HOMESERVER_LIMITS.heldForJoinMax) return false;
    j.queue.push({ origin, pdu });
    return true;
  }

  /** Queue an incoming PDU for its room; rooms process one PDU at a time, in arrival order. */
  enqueueInbound(roomId: RoomId, item: InboundItem): void {
    const room = this.rooms.get(roomId);
    if (!room) {
      item.done({ outcome: "dropped", reason: `not in room ${roomId}` });
      return;
    }
    let q = this.inbound.get(roomId);
    if (!q) {
      q = { queue: [], busy: false };
      this.inbound.set(roomId, q);
    }
    q.queue.push(item);
    this.drainInbound(room, q);
  }

  private drainInbound(room: RoomStore, q: { queue: InboundItem[]; busy: boolean }): void {
    if (q.busy) return;
    const item = q.queue.shift();
    if (!item) return;
    q.busy = true;
    this.run(receivePdu(this, room, item.origin, item.pdu), (outcome) => {
      q.busy = false;
      item.done(outcome);
      this.drainInbound(room, q);
    });
  }

  /** A signed request from `origin` arrived: it is up (clears backoff towards it). */
  heardFrom(origin: string): void {
    this.sender.peerUp(origin);
  }

  seenTransaction(origin: string, txnId: string): { status: number; body: JsonObject } | undefined {
    return this.seenTransactions.get(`${origin}\u0000${txnId}`);
  }

  rememberTransaction(origin: string, txnId: string, response: { status: number; body: JsonObject }): void {
    this.seenTransactions.set(`${origin}\u0000${txnId}`, response);
  }

  get federationSender(): FederationSender {
    return this.sender;
  }

  // ---- crash and restart -------------------------------------------------------------------

  /** Lose everything in memory: queues, in-flight work, caches. What was stored stays. */
  crash(): void {
    const lostActions = this.sim.scheduler.cancelOwner(this.name);
    this.sim.rpc.forget(this.name);
    this.up = false;
    this.inbound = new Map();
    this.joining = new Map();
    const lost = [...this.lostOnCrash];
    this.lostOnCrash = new Set();
    this.seenTransactions = new Map();
    this.crypto = withVerificationCache(this.baseCrypto);
    // What was queued in memory is gone; what each destination is owed was persisted.
    for (const d of [...this.owed.keys()].sort()) this.catchUpMarks.add(d);
    this.sender = this.makeSender();
    this.trace.add({ kind: "server.crash", server: this.name, lostActions });
    for (const tell of lost) tell();
  }

  /** Come back with what was persisted, and catch up every destination marked for it. */
  restart(listen: () => void): void {
    this.up = true;
    listen();
    this.trace.add({ kind: "server.restart", server: this.name });
    for (const d of [...this.catchUpMarks].sort()) this.sender.startCatchUp(d);
  }

  private makeSender(): FederationSender {
    return new FederationSender({
      serverName: this.name,
      params: this.params,
      trace: this.sim.trace,
      rng: this.sim.stream(`backoff:${this.name}`),
      localNowMs: () => this.localNowMs(),
      nowMs: () => this.sim.nowMs,
      schedule: (delayMs, label, run) => this.sim.after(delayMs, label, run, this.name),
      cancel: (action) => this.sim.scheduler.cancel(action),
      request: (to, req, onOutcome) => this.request(to, req, onOutcome),
      catchUpPdus: (destination) => this.catchUpPdus(destination),
      markCatchUp: (destination, needed) => void (needed ? this.catchUpMarks.add(destination) : this.catchUpMarks.delete(destination)),
      drained: (destination) => void this.owed.delete(destination),
    });
  }

  /** Catch-up: the forward extremities of every room the destination is owed events in, or is in. */
  private catchUpPdus(destination: string): OutgoingPdu[] {
    const out: OutgoingPdu[] = [];
    const owed = this.owed.get(destination);
    for (const roomId of [...this.rooms.keys()].sort()) {
      const room = this.rooms.get(roomId)!;
      if (!owed?.has(roomId) && !this.serversInRoom(room).includes(destination)) continue;
      for (const id of room.extremityIds()) out.push({ eventId: id, pdu: room.get(id)!.pdu });
    }
    return out;
  }

  /** State events of the current state, for invite_room_state and joins. */
  stateEvents(state: StateSnapshot, room: RoomStore): Pdu[] {
    return [...state.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, id]) => room.get(id)!.pdu)
      .filter((p) => isStateEvent(p));
  }
}
