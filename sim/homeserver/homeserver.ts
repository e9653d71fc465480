// One virtual homeserver: its name, signing key and clock; its users and rooms (what it
// persists); its federation sender and inbound queues (what it holds in memory and a
// crash loses): the two records of server-state.ts. Clients reach it through
// client-server-api.ts; federation requests arrive through the simulated RPC layer and
// are answered by federation-handlers.ts.

import {
  authEventIds,
  buildEvent,
  contentOf,
  type BuildEventInput,
  type BuiltEvent,
  parseRoomId,
  parseUserId,
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
import type { ServiceEntry } from "../appservice/registry.ts";
import { assert } from "../assert.ts";
import type { RpcOutcome, RpcRequest, RpcResponse } from "../network/rpc.ts";
import type { ScheduledAction } from "../scheduler.ts";
import type { Simulation } from "../simulation.ts";
import type { EduOutbox } from "./edu-outbox.ts";
import { pduSummary } from "../trace.ts";
import { fail, ok, type Result } from "../matrix-error.ts";
import { DEFAULT_FEDERATION_PARAMS, type FederationParams } from "./federation-params.ts";
import { DUMMY_EVENT_TYPE, dummyEventPrevs } from "./extremity-merge.ts";
import { catchUpRoomPdus } from "./catch-up.ts";
import { createFederationSender, type FederationSender, type OutgoingPdu } from "./federation-sender.ts";
import { rescissionDestination } from "./out-of-band.ts";
import { PeriodicDummyJob } from "./periodic-dummies.ts";
import { selectPrevEvents } from "./prev-events-selection.ts";
import { checkAuth, selectAuthEvents } from "./protocol.ts";
import { applyRedactions } from "./redactions.ts";
import { rememberBuiltEvent } from "./pdu-facts.ts";
import { receivePdu, receivePduAtHand, type PipelineHost } from "./receive-pipeline.ts";
import { gatedRequest, isGatedRequest } from "./request-gate.ts";
import type { Misbehaviour, MisbehaviourFactory, MisbehaviourHost } from "./misbehaviour.ts";
import { residentServers } from "./room-residents.ts";
import { RoomStore, type StoredEvent } from "./room-store.ts";
import { NO_SKEW, serverTimeMs, type ClockSkew } from "./server-clock.ts";
import {
  emptyPersistedState,
  freshMemoryState,
  memoryIsIdle,
  type InboundItem,
  type MemoryState,
  type PersistedState,
} from "./server-state.ts";
import { supportedRoomVersions } from "./room-version-support.ts";
import { SeenTransactions } from "./seen-transactions.ts";
import { makeSigningKey, type RetiredKey } from "./signing-keys.ts";
import { StateSnapshot } from "./state-snapshot.ts";
import { withVerificationCache, type CachingCrypto } from "./verification-cache.ts";
import { serverPart } from "./wire.ts";
import { runTask, type Task } from "../tasks.ts";

export interface HomeserverOptions {
  skew?: Partial<ClockSkew>;
  params?: Partial<FederationParams>;
  /** Sign and verify events (default true). Sweeps may turn it off; hashes and auth stay. */
  signing?: boolean;
  crypto: CryptoBackend;
  /** Make this server break the protocol on purpose (sim/adversary.ts makes these hooks). */
  misbehaviour?: MisbehaviourFactory;
  /**
   * The room versions this server can join (sent as `ver` in make_join and make_knock,
   * docs/federation.md); default every version netsplit knows (core's ROOM_VERSIONS).
   */
  roomVersions?: readonly string[];
}

/** Bounds on what a homeserver holds in memory. */
export const HOMESERVER_LIMITS = {
  heldForJoinMax: 1_000,
  /**
   * Answers to incoming transactions kept for deduplication; the oldest go first. A
   * sender retries only its one transaction in flight per destination, so recent answers
   * are all that matter (Synapse prunes received_transactions after a day); unbounded,
   * they were half of a long run's memory.
   */
  seenTransactionsMax: 2_000,
} as const;

/** What a local user asks to send: the fields of a new event that the server does not fill in. */
export interface LocalEvent {
  sender: UserId;
  type: string;
  /** Present for state events. */
  stateKey?: string | undefined;
  content: JsonObject;
  redacts?: EventId | undefined;
}

/** A local event built and checked but not yet stored. */
export interface PreparedEvent {
  room: RoomStore;
  sender: UserId;
  eventId: EventId;
  pdu: Pdu;
  stateBefore: StateSnapshot;
  prevEvents: EventId[];
}

export class Homeserver implements PipelineHost, MisbehaviourHost {
  /** The key it signs with now; rotateKey() replaces it. Like its key file, it survives a crash. */
  private signingKey: SigningKey;
  /** The keys it signed with before, oldest first, published as old_verify_keys. */
  private readonly retired: RetiredKey[] = [];
  readonly params: FederationParams;
  skew: ClockSkew;
  private readonly baseCrypto: CryptoBackend;
  readonly verifySignatures: boolean;
  /** The room versions this server supports, in the order core lists them. */
  readonly roomVersions: readonly string[];
  /** The hooks of a server made to break the protocol (sim/adversary.ts); undefined when honest. */
  readonly adversary: Misbehaviour | undefined;
  /** What a crash keeps. */
  private readonly persisted: PersistedState;
  /** What a crash loses: crash() replaces the whole record. */
  private memory: MemoryState;
  /** Who is told of accepted events (clients' sync, application services): wiring set up once, not state. */
  private readonly listeners: Array<(room: RoomStore, event: StoredEvent) => void> = [];
  /** The dummy-event job; only with dummyEvents "synapse" or "periodic". */
  private readonly dummyJob: PeriodicDummyJob | undefined;
  up = true;

  constructor(
    readonly name: string,
    private readonly sim: Simulation,
    options: HomeserverOptions,
  ) {
    this.baseCrypto = options.crypto;
    this.params = { ...DEFAULT_FEDERATION_PARAMS, ...options.params };
    this.skew = { ...NO_SKEW, ...options.skew };
    this.verifySignatures = options.signing ?? true;
    this.roomVersions = supportedRoomVersions(options.roomVersions);
    this.signingKey = makeSigningKey(name, sim.stream(`key:${name}`));
    this.persisted = emptyPersistedState(name);
    this.memory = this.freshMemory();
    this.adversary = options.misbehaviour?.(this);
    if (this.params.dummyEvents === "synapse" || this.params.dummyEvents === "periodic")
      this.dummyJob = this.makeDummyJob();
    if (this.adversary?.clockOffsetMs)
      this.skew = { ...this.skew, offsetMs: this.skew.offsetMs + this.adversary.clockOffsetMs };
    this.keys.add(
      name,
      new Map([
        [this.key.keyId, { publicKey: this.crypto.publicKey(this.key.seed), validUntilTs: Number.MAX_SAFE_INTEGER }],
      ]),
    );
  }

  get key(): SigningKey {
    return this.signingKey;
  }

  get retiredKeys(): readonly RetiredKey[] {
    return this.retired;
  }

  /**
   * Start signing with a new key (`ed25519:sim2`, `sim3`, …), keeping the old one as an
   * old_verify_key that expired now (on this server's clock): events it signed before
   * still verify, as long as their origin_server_ts is not after that.
   */
  rotateKey(): SigningKey {
    const old = this.signingKey;
    const expiredTs = this.localNowMs();
    this.retired.push({ key: old, expiredTs });
    this.signingKey = makeSigningKey(this.name, this.sim.stream(`key:${this.name}`), `sim${this.retired.length + 1}`);
    this.keys.add(
      this.name,
      new Map([
        [old.keyId, { publicKey: this.crypto.publicKey(old.seed), validUntilTs: expiredTs }],
        [
          this.signingKey.keyId,
          { publicKey: this.crypto.publicKey(this.signingKey.seed), validUntilTs: Number.MAX_SAFE_INTEGER },
        ],
      ]),
    );
    this.trace.add({
      kind: "note",
      text: `${this.name}: rotated its signing key from ${old.keyId} to ${this.signingKey.keyId} (expired_ts ${expiredTs})`,
    });
    return this.signingKey;
  }

  /** Hashing and signing, with the in-memory verification cache (a crash loses it). */
  get crypto(): CachingCrypto {
    return this.memory.crypto;
  }

  get rooms(): Map<RoomId, RoomStore> {
    return this.persisted.rooms;
  }

  get users(): ReadonlySet<UserId> {
    return this.persisted.users;
  }

  get keys(): PersistedState["keys"] {
    return this.persisted.keys;
  }

  get pendingInvites(): PersistedState["pendingInvites"] {
    return this.persisted.pendingInvites;
  }

  get outOfBand(): PersistedState["outOfBand"] {
    return this.persisted.outOfBand;
  }

  get appServices(): PersistedState["appServices"] {
    return this.persisted.appServices;
  }

  get directory(): PersistedState["directory"] {
    return this.persisted.directory;
  }

  get trace() {
    return this.sim.trace;
  }

  /** This server's wall clock (virtual time with its skew). */
  localNowMs(): number {
    return serverTimeMs(this.sim.nowMs, this.skew);
  }

  nextStream(): number {
    return ++this.persisted.stream;
  }

  get streamPosition(): number {
    return this.persisted.stream;
  }

  /** Be told of every accepted event (clients' sync, application services). */
  onEvent(listener: (room: RoomStore, event: StoredEvent) => void): () => void {
    this.listeners.push(listener);
    return () => void this.listeners.splice(this.listeners.indexOf(listener), 1);
  }

  onAccepted(room: RoomStore, event: StoredEvent): void {
    assert(
      room.extremityCount > 0,
      () => `${this.name}: a room holding an accepted event has forward extremities (${room.roomId})`,
    );
    assert(
      authEventIds(event.pdu).every((a) => room.has(a)),
      () => `${this.name}: an accepted event's auth events are stored (${event.id})`,
    );
    for (const [target, by] of applyRedactions(room, event))
      this.trace.add({ kind: "pdu.redacted", server: this.name, room: room.roomId, event: target, by });
    this.adversary?.observed?.(room, this.sim.nowMs);
    for (const l of this.listeners) l(room, event);
    this.dummyJob?.armIfWide(room);
  }

  onStateChanged(room: RoomStore, before: StateSnapshot): void {
    const after = room.currentState;
    const keys = [...before.keysThatMayDiffer(after)].sort();
    const changed = keys
      .filter((k) => before.get(k) !== after.get(k))
      .map((k) => ({ ...splitStateKey(k), before: before.get(k) ?? null, after: after.get(k) ?? null }));
    if (changed.length === 0) return;
    this.trace.add({
      kind: "state.resolved",
      server: this.name,
      room: room.roomId,
      extremities: room.extremityIds(),
      changed,
    });
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
    this.persisted.users.add(userId);
    // The trace names who lives where (people, bots, a service's ghosts), so that a
    // reader such as the web view can draw and act as them.
    this.trace.add({
      kind: "server.user",
      server: this.name,
      user: userId,
      ...(appService ? { service: appService.id } : {}),
    });
    return ok(userId);
  }

  /** Log a user in: a new access token (deterministic: drawn from the server's stream). */
  issueToken(userId: UserId): string {
    const token = `syt_${userId.slice(1, userId.indexOf(":"))}_${this.sim.stream(`tokens:${this.name}`).int(0, 0x7fffffff).toString(36)}`;
    this.persisted.tokens.set(token, userId);
    return token;
  }

  userForToken(token: string): UserId | undefined {
    return this.persisted.tokens.get(token);
  }

  revokeToken(token: string): void {
    this.persisted.tokens.delete(token);
  }

  room(roomId: RoomId | string): RoomStore | undefined {
    // A lookup by any string is safe (one that is no room id finds nothing): callers need not parse first.
    return this.rooms.get(roomId as RoomId);
  }

  /** A fresh room id for versions 1-11 (`!opaque:server`), deterministic per server. */
  newRoomId(): RoomId {
    return parseRoomId(
      `!r${++this.persisted.roomCounter}-${this.sim.stream(`ids:${this.name}`).int(0, 0xffffff).toString(16)}:${this.name}`,
    );
  }

  /** Servers with a joined member in the room's current state (or the given state): the room's residents. */
  serversInRoom(room: RoomStore, state: StateSnapshot = room.currentState): string[] {
    return residentServers(room, state);
  }

  membership(room: RoomStore, userId: string): string | undefined {
    const id = room.currentState.get(stateKey("m.room.member", userId));
    const pdu = id ? room.get(id)?.pdu : undefined;
    return pdu ? (contentOf(pdu, "m.room.member")?.membership ?? undefined) : undefined;
  }

  /**
   * Build and check a new event from a local user, as a real server does: prev_events
   * are forward extremities (prevEventsSelection: by default at most prevEventsMax,
   * newest first), auth_events are chosen from the state the event is built on. Nothing
   * is stored yet: see commit().
   */
  prepareLocalEvent(room: RoomStore, event: LocalEvent): Result<PreparedEvent> {
    const newest = selectPrevEvents(room, this.params, () => this.sim.stream(`prev-events:${this.name}`));
    const prevs = this.adversary?.prevEvents?.(room, event.sender, newest) ?? newest;
    return this.prepareOn(prevs, room, event);
  }

  /** prepareLocalEvent on chosen prev events. */
  private prepareOn(prevs: readonly StoredEvent[], room: RoomStore, event: LocalEvent): Result<PreparedEvent> {
    const { sender, type, stateKey: stateKeyValue, content, redacts } = event;
    const extremities = room.extremityIds();
    const citesAll = prevs.length === extremities.length && prevs.every((e) => extremities.includes(e.id));
    const stateBefore = citesAll ? room.currentState : (room.resolveAfter(prevs.map((e) => e.id)) ?? room.currentState);
    const skeleton = { type, sender, content, state_key: stateKeyValue };
    const isCreate = type === "m.room.create";
    const authEvents = isCreate ? [] : selectAuthEvents(skeleton, stateBefore, room.version);
    // Absent members are undefined, not left out: every event of the path is built from
    // an input of the same shape (spreading optional members in cost a copy each).
    const built = this.buildOwnEvent({
      roomVersion: room.version,
      roomId: isCreate && room.version.auth.roomIdFromCreateEvent ? undefined : room.roomId,
      sender,
      type,
      stateKey: stateKeyValue,
      content,
      prevEvents: prevs.map((e) => ({ eventId: e.id, depth: e.pdu.depth })),
      authEvents,
      redacts: redacts || undefined,
    });
    const authPdus = authEvents.map((id) => room.get(id)!.pdu);
    const auth = checkAuth(built.pdu, isCreate ? authPdus : room.withCreateEvent(authPdus), room.version);
    if (!auth.allowed) return fail("M_FORBIDDEN", `${auth.rule}: ${auth.reason}`);
    return ok({
      room,
      sender,
      eventId: built.eventId,
      pdu: built.pdu,
      stateBefore,
      prevEvents: prevs.map((e) => e.id),
    });
  }

  /**
   * Build an event as this server: stamped by its clock, signed with its key (unless signing
   * is off), and its id and hash verdicts remembered on the PDU so that no receiver computes
   * them again (pdu-facts.ts). Every event this server makes goes through here.
   */
  buildOwnEvent(input: Omit<BuildEventInput, "originServerTs" | "key" | "crypto" | "skipSignature">): BuiltEvent {
    // Each member named, not spread in (a copy on the path of every event this server
    // makes); typed so that a member BuildEventInput gains and this leaves out does not compile.
    const forwarded: EveryMember<BuildEventInput> = {
      roomVersion: input.roomVersion,
      roomId: input.roomId,
      sender: input.sender,
      type: input.type,
      stateKey: input.stateKey,
      content: input.content,
      prevEvents: input.prevEvents,
      authEvents: input.authEvents,
      originServerTs: this.localNowMs(),
      redacts: input.redacts,
      key: this.key,
      eventIdLocalpart: input.eventIdLocalpart,
      unsigned: input.unsigned,
      skipSignature: !this.verifySignatures,
      crypto: this.crypto,
    };
    const built = buildEvent(forwarded);
    rememberBuiltEvent(built.pdu, input.roomVersion, built);
    return built;
  }

  /** Store a prepared event (the PDU may carry more signatures now) and send it out. */
  commitLocalEvent(prepared: PreparedEvent, pdu: Pdu = prepared.pdu, alsoSendTo: readonly string[] = []): StoredEvent {
    const { room, eventId, stateBefore } = prepared;
    const stored = this.storeLocalEvent(prepared, pdu);
    // The residents before the event hear of it too (Synapse sends to the hosts at its
    // prev events): a kick or ban of a server's last user must reach that server.
    // An invite rescinded reaches the invitee's server, which is not in the room (Synapse does the same).
    const rescinded = rescissionDestination(pdu, (id) => room.get(id)?.pdu);
    this.broadcast(room, [{ eventId, pdu }], {
      extra: [...alsoSendTo, ...this.serversInRoom(room, stateBefore), ...(rescinded ? [rescinded] : [])],
    });
    this.mergeExtremitiesIfWide(room, prepared.sender, stored);
    return stored;
  }

  /** Store a prepared event and tell whoever listens; sending it is the caller's business. */
  private storeLocalEvent(prepared: PreparedEvent, pdu: Pdu): StoredEvent {
    const { room, eventId, stateBefore } = prepared;
    const before = room.currentState;
    const stored = room.addWithState(eventId, pdu, stateBefore, "accepted", this.nextStream());
    this.trace.add({ kind: "pdu.created", server: this.name, room: room.roomId, event: eventId, ...pduSummary(pdu) });
    this.onAccepted(room, stored);
    this.adversary?.created?.(room, stored);
    if (room.currentState !== before) this.onStateChanged(room, before);
    return stored;
  }

  /**
   * A dummy event as `sender` on the ordinary prev_events. `push: false` stores it without
   * sending it (Synapse's proactively_send = false): other servers fetch it when a later
   * event cites it. False when the auth rules refuse it.
   */
  private sendDummy(room: RoomStore, sender: UserId, push: boolean): boolean {
    const prepared = this.prepareLocalEvent(room, { sender, type: DUMMY_EVENT_TYPE, content: {} });
    if (!prepared.ok) return false;
    if (push) this.commitLocalEvent(prepared.value);
    else this.storeLocalEvent(prepared.value, prepared.value.pdu);
    return true;
  }

  /**
   * After answering a send_join (dummyAfterRemoteJoin "synapse"): when the room has more
   * than one forward extremity just after the join, an event arrived during the
   * make_join/send_join handshake that the joiner will not hear of until something cites
   * it, so a dummy citing them is sent at once, as the first local member allowed to
   * (Synapse: FederationServer.on_send_join_request → _send_dummy_event_after_room_join).
   */
  afterRemoteJoin(room: RoomStore): void {
    if (this.params.dummyAfterRemoteJoin !== "synapse" || room.extremityCount <= 1) return;
    this.localMembers(room).some((user) => this.sendDummy(room, user, true));
  }

  /** This server's users joined to the room, sorted. */
  private localMembers(room: RoomStore): UserId[] {
    return [...room.currentState.entries()]
      .map(([k]) => splitStateKey(k))
      .filter(({ type, stateKey: user }) => type === "m.room.member" && serverPart(user) === this.name)
      .map(({ stateKey: user }) => user as UserId)
      .filter((user) => this.membership(room, user) === "join")
      .sort();
  }

  /** prepareLocalEvent then commitLocalEvent. */
  createLocalEvent(room: RoomStore, event: LocalEvent): Result<StoredEvent> {
    const prepared = this.prepareLocalEvent(room, event);
    return prepared.ok ? ok(this.commitLocalEvent(prepared.value)) : prepared;
  }

  /**
   * Synapse sends a dummy event when a room grows too many forward extremities. One per
   * local event at most, and a dummy event never calls for another: each dummy is sent
   * to every server in the room, so dummies that called for dummies cascaded across
   * servers (issue 12). Which extremities it cites: extremity-merge.ts.
   */
  private mergeExtremitiesIfWide(room: RoomStore, sender: UserId, justSent: StoredEvent): void {
    if (this.params.dummyEvents !== "inline" || justSent.pdu.type === DUMMY_EVENT_TYPE) return;
    const extremities = room.extremityIds();
    if (extremities.length <= this.params.extremitiesBeforeDummyMax) return;
    const prevs = dummyEventPrevs(
      this.name,
      justSent,
      extremities.map((id) => room.get(id)!),
      this.params.prevEventsMax,
    );
    const prepared = this.prepareOn(prevs, room, { sender, type: DUMMY_EVENT_TYPE, content: {} });
    if (prepared.ok) this.commitLocalEvent(prepared.value);
  }

  /**
   * Send PDUs to every other server in the room (and any extra destinations), except the one
   * they are sent on behalf of: a membership event another server handed us through
   * send_join, send_leave or send_knock, which that server holds already (Synapse's
   * federation sender discards `send_on_behalf_of` from the destinations).
   */
  broadcast(
    room: RoomStore,
    pdus: OutgoingPdu[],
    { extra = [], onBehalfOf }: { extra?: readonly string[]; onBehalfOf?: string } = {},
  ): void {
    const destinations = new Set([...this.serversInRoom(room), ...extra]);
    destinations.delete(this.name);
    if (onBehalfOf !== undefined) destinations.delete(onBehalfOf);
    const stamped = pdus.map((p) => ({ ...p, stream: room.get(p.eventId)?.stream ?? 0 }));
    for (const d of [...destinations].sort()) {
      const out = this.adversary?.outgoing ? this.adversary.outgoing(d, room, stamped) : stamped;
      if (out.length === 0) continue;
      const rooms = this.persisted.owed.get(d) ?? new Set<RoomId>();
      rooms.add(room.roomId);
      this.persisted.owed.set(d, rooms);
      for (const p of out)
        this.persisted.deliveries.queued(d, { roomId: room.roomId, eventId: p.eventId, stream: p.stream ?? 0 });
      this.memory.sender.enqueue(d, out);
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
    const send = (then: (outcome: RpcOutcome) => void) =>
      void this.sim.rpc.request(this.name, to, request, then, this.params.requestTimeoutMs);
    if (isGatedRequest(this.params, request)) gatedRequest(this.gateHost(), to, send, onOutcome);
    else send(onOutcome);
  }

  /** What the backoff gate on outgoing requests needs (request-gate.ts). */
  private gateHost() {
    return {
      serverName: this.name,
      params: this.params,
      retryTimings: this.persisted.retryTimings,
      rng: this.sim.stream(`backoff:${this.name}`),
      trace: this.sim.trace,
      nowMs: () => this.sim.nowMs,
    };
  }

  /** Run a network-waiting task owned by this server. */
  /**
   * `onLost` is called instead of `onDone` if the server crashes first: a client waiting
   * on the task gets an answer (its connection drops), where a server's own work just stops.
   */
  run<T>(task: Task<T>, onDone: (result: T) => void, onLost?: () => void): void {
    const { lostOnCrash } = this.memory;
    if (onLost) lostOnCrash.add(onLost);
    runTask(
      task,
      (to, req, onOutcome) => this.request(to, req, onOutcome),
      (result) => {
        if (onLost) lostOnCrash.delete(onLost);
        if (this.up) onDone(result);
      },
      (error) => {
        throw error;
      },
    );
  }

  /** A join of `roomId` starts: PDUs for it are held until it ends. */
  beginJoin(roomId: RoomId): void {
    const j = this.memory.joining.get(roomId) ?? { joins: 0, queue: [] };
    j.joins++;
    this.memory.joining.set(roomId, j);
  }

  /** A join ends; when the last one does, what arrived meanwhile is processed (if we are in the room now) or dropped. */
  endJoin(roomId: RoomId): void {
    const j = this.memory.joining.get(roomId);
    if (!j || --j.joins > 0) return;
    this.memory.joining.delete(roomId);
    for (const { origin, pdu } of j.queue) this.enqueueInbound(roomId, { origin, pdu, done: () => {} });
  }

  /** Hold a PDU for a room being joined. False when no join is under way (or the hold is full). */
  holdForJoin(roomId: RoomId, origin: string, pdu: unknown): boolean {
    const j = this.memory.joining.get(roomId);
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
    let q = this.memory.inbound.get(roomId);
    if (!q) {
      q = { queue: [], busy: false };
      this.memory.inbound.set(roomId, q);
    }
    q.queue.push(item);
    this.drainInbound(room, q);
  }

  private drainInbound(room: RoomStore, q: { queue: InboundItem[]; busy: boolean }): void {
    while (!q.busy) {
      const item = q.queue.shift();
      if (!item) return;
      q.busy = true;
      // Most PDUs need nothing fetched: processed at once, with no task to run.
      const outcome = receivePduAtHand(this, room, item.origin, item.pdu);
      if (outcome === undefined) {
        this.run(receivePdu(this, room, item.origin, item.pdu), (fetched) => {
          q.busy = false;
          item.done(fetched);
          this.drainInbound(room, q);
        });
        return;
      }
      // As this.run would: a server that went down meanwhile answers nothing.
      if (!this.up) return;
      q.busy = false;
      item.done(outcome);
    }
  }

  /** A signed request from `origin` arrived: it is up (clears backoff towards it). */
  heardFrom(origin: string): void {
    this.memory.sender.peerUp(origin);
  }

  seenTransaction(origin: string, txnId: string): RpcResponse | undefined {
    return this.memory.seenTransactions.get(origin, txnId);
  }

  rememberTransaction(origin: string, txnId: string, response: RpcResponse): void {
    this.memory.seenTransactions.remember(origin, txnId, response);
  }

  get federationSender(): FederationSender {
    return this.memory.sender;
  }

  // ---- typing, receipts, presence (ephemeral.ts) ---------------------------------------------

  get typing(): MemoryState["typing"] {
    return this.memory.typing;
  }

  get receipts(): PersistedState["receipts"] {
    return this.persisted.receipts;
  }

  get presence(): PersistedState["presence"] {
    return this.persisted.presence;
  }

  /** Queue EDUs for a destination and wake its sender. */
  queueEdu(destination: string, queue: (outbox: EduOutbox) => void): void {
    queue(this.memory.eduOutbox);
    this.memory.sender.enqueue(destination, []);
  }

  /** How long the destination is still backed off for (0: it may be contacted now). */
  retryWaitMs(destination: string): number {
    return this.persisted.retryTimings.waitMs(destination, this.sim.nowMs);
  }

  /** Virtual time (not this server's skewed clock): for timeouts. */
  get nowMs(): number {
    return this.sim.nowMs;
  }

  /** Run `action` after `delayMs` unless the server crashes first. */
  schedule(delayMs: number, label: string, action: () => void): ScheduledAction {
    return this.sim.after(delayMs, label, action, this.name);
  }

  cancelScheduled(action: ScheduledAction): void {
    this.sim.scheduler.cancel(action);
  }

  // ---- crash and restart -------------------------------------------------------------------

  /** Lose everything in memory: queues, in-flight work, caches. What was stored stays. */
  crash(): void {
    const lostActions = this.sim.scheduler.cancelOwner(this.name);
    this.sim.rpc.forget(this.name);
    this.up = false;
    const lost = [...this.memory.lostOnCrash];
    // What was queued in memory is gone; what each destination is owed was persisted.
    for (const d of [...this.persisted.owed.keys()].sort()) this.persisted.catchUpMarks.add(d);
    // netsplit 0.1 held backoffs in its sender's memory; Synapse keeps them in its database.
    if (this.params.retryModel === "timer") this.persisted.retryTimings.clear();
    this.memory = this.freshMemory();
    this.trace.add({ kind: "server.crash", server: this.name, lostActions });
    for (const tell of lost) tell();
  }

  /** Come back with what was persisted, and catch up every destination marked for it. */
  restart(listen: () => void): void {
    assert(
      memoryIsIdle(this.memory),
      () => `${this.name}: a server does no work while it is down (its memory record is fresh at restart)`,
    );
    this.up = true;
    listen();
    this.trace.add({ kind: "server.restart", server: this.name });
    this.memory.sender.restart();
    this.dummyJob?.restart();
  }

  /** The periodic dummy-event job (periodic-dummies.ts), sending as this server's members. */
  private makeDummyJob(): PeriodicDummyJob {
    const host = {
      name: this.name,
      params: this.params,
      rooms: this.rooms,
      isUp: () => this.up,
      localMembers: (room: RoomStore) => this.localMembers(room),
      sendDummy: (room: RoomStore, sender: UserId, push: boolean) => this.sendDummy(room, sender, push),
    };
    return new PeriodicDummyJob(host, this.sim);
  }

  /** A new memory record: what the server holds when it starts, and again after a crash. */
  private freshMemory(): MemoryState {
    return freshMemoryState(
      this.makeSender(),
      withVerificationCache(this.baseCrypto),
      new SeenTransactions(HOMESERVER_LIMITS.seenTransactionsMax),
    );
  }

  private makeSender(): FederationSender {
    const { catchUpMarks, owed, retryTimings, deliveries } = this.persisted;
    const sender = createFederationSender(
      {
        serverName: this.name,
        params: this.params,
        trace: this.sim.trace,
        rng: this.sim.stream(`backoff:${this.name}`),
        retryTimings,
        deliveries,
        localNowMs: () => this.localNowMs(),
        nowMs: () => this.sim.nowMs,
        schedule: (delayMs, label, run) => this.sim.after(delayMs, label, run, this.name),
        cancel: (action) => this.sim.scheduler.cancel(action),
        request: (to, req, onOutcome) => this.request(to, req, onOutcome),
        catchUpPdus: (destination) => this.catchUpPdus(destination),
        catchUpRoomPdus: (destination, mark, lastSuccessfulStream) => {
          const room = this.rooms.get(mark.roomId);
          return room ? catchUpRoomPdus(room, mark, destination, lastSuccessfulStream, this.params.prevEventsMax) : [];
        },
        markCatchUp: (destination, needed) =>
          void (needed ? catchUpMarks.add(destination) : catchUpMarks.delete(destination)),
        drained: (destination) => void owed.delete(destination),
        takeEdus: (destination, max) => this.memory.eduOutbox.take(destination, max),
        hasEdus: (destination) => this.memory.eduOutbox.has(destination),
        dropEdus: (destination) => this.memory.eduOutbox.drop(destination),
      },
      catchUpMarks,
    );
    return sender;
  }

  /** Catch-up: the forward extremities of every room the destination is owed events in, or is in. */
  private catchUpPdus(destination: string): OutgoingPdu[] {
    const out: OutgoingPdu[] = [];
    const owed = this.persisted.owed.get(destination);
    for (const roomId of [...this.rooms.keys()].sort()) {
      const room = this.rooms.get(roomId)!;
      if (!owed?.has(roomId) && !this.serversInRoom(room).includes(destination)) continue;
      for (const id of room.extremityIds()) out.push({ eventId: id, pdu: room.get(id)!.pdu });
    }
    return out;
  }
}

/** T with every member present: the optional ones may be undefined but not left out. */
type EveryMember<T> = { [K in keyof Required<T>]: T[K] };
