// The public face of the engine: a Simulation with homeservers and clients on it, the
// faults a scenario or a person applies, and the questions checkers ask (is the network
// quiet, did the rooms converge). Scenarios, the CLI and the web view use this.

import { nobleCrypto, parseUserId, type CryptoBackend, type RoomId } from "../core/index.ts";
import { makeAdversary, type AdversarySpec } from "./adversary.ts";
import { AppServiceClient } from "./appservice/as-client.ts";
import { attachAppService } from "./appservice/attach.ts";
import type { AppServiceParams } from "./appservice/params.ts";
import type { AppService, AppServiceBehaviour } from "./appservice/service.ts";
import { Client } from "./client.ts";
import { handleFederation } from "./homeserver/federation-handlers.ts";
import { Homeserver, type HomeserverOptions } from "./homeserver/homeserver.ts";
import type { MisbehaviourHost } from "./homeserver/misbehaviour.ts";
import type { NetworkStats } from "./network/network.ts";
import { ok, type Result } from "./matrix-error.ts";
import { Simulation, type RunLimits, type RunResult } from "./simulation.ts";
import type { TraceRetention } from "./trace.ts";

export interface RunSummary {
  seed: string;
  virtualTimeMs: number;
  steps: number;
  servers: string[];
  /** PDUs put in federation transactions (a retry counts again). */
  pdusSent: number;
  /** PDUs that entered a receive pipeline. */
  pdusReceived: number;
  pdus: { accepted: number; rejected: number; softFailed: number };
  /** Messages sent, delivered, and what each kind of fault did to them. */
  network: NetworkStats;
}

/** A server's options as a scenario gives them: an adversary by its spec. */
export type ServerOptions = Omit<HomeserverOptions, "crypto" | "misbehaviour"> & { adversary?: AdversarySpec };

export interface WorldOptions {
  seed: string | number;
  /** Hashing and signing backend (node:crypto in Node, pure JS in the browser). */
  crypto?: CryptoBackend;
  /** Sign and verify events on every server (default true). */
  signing?: boolean;
  /** What the trace keeps (default full); the trace hash is the same under full and hash-only. */
  traceRetention?: TraceRetention;
}

export class World {
  readonly sim: Simulation;
  readonly crypto: CryptoBackend;
  private readonly servers = new Map<string, Homeserver>();
  /** By user id (looked up by any string: one that is no user id finds nothing). */
  private readonly clients = new Map<string, Client>();
  /** Application services by their node name (`server/id` for those without a url). */
  private readonly services = new Map<string, AppService>();
  /** PDUs put in federation transactions so far (summary()). */
  private pdusSent = 0;

  constructor(readonly options: WorldOptions) {
    this.crypto = options.crypto ?? nobleCrypto;
    this.sim = new Simulation(options.seed, { retention: options.traceRetention ?? "full", hasher: this.crypto });
    // Tallied as records are added, so that summary() needs no kept records.
    this.sim.trace.subscribe((r) => {
      if (r.kind === "fed.txn.sent") this.pdusSent += r.pdus.length;
    });
    this.sim.network.isUp = (name) => this.servers.get(name)?.up ?? this.services.get(name)?.up ?? false;
  }

  get trace() {
    return this.sim.trace;
  }

  addServer(name: string, options: ServerOptions = {}): Homeserver {
    if (this.servers.has(name)) throw new Error(`server ${name} already exists`);
    const { adversary, ...rest } = options;
    const misbehaviour = adversary ? { misbehaviour: (host: MisbehaviourHost) => makeAdversary(adversary, host) } : {};
    const hs = new Homeserver(name, this.sim, {
      signing: this.options.signing ?? true,
      ...rest,
      ...misbehaviour,
      crypto: this.crypto,
    });
    this.servers.set(name, hs);
    this.listen(hs);
    return hs;
  }

  server(name: string): Homeserver {
    const hs = this.servers.get(name);
    if (!hs) throw new Error(`no server ${name}: known are ${this.serverNames().join(", ")}`);
    return hs;
  }

  serverNames(): string[] {
    return [...this.servers.keys()].sort();
  }

  /**
   * POST /register on `server`: a new user and a logged-in client for it, or the Matrix
   * error (M_USER_IN_USE, M_INVALID_USERNAME, M_EXCLUSIVE inside an application
   * service's exclusive namespace).
   */
  register(server: string, localpart: string): Result<Client> {
    const hs = this.server(server);
    const registered = hs.registerUser(localpart);
    if (!registered.ok) return registered;
    const id = registered.value;
    const client = new Client(hs, id, hs.issueToken(id));
    this.clients.set(id, client);
    return ok(client);
  }

  /** Register a user ("@alice:hs1") on its server and return a client for it; throws on a Matrix error. */
  addClient(userId: string): Client {
    const id = parseUserId(userId);
    const registered = this.register(id.slice(id.indexOf(":") + 1), id.slice(1, id.indexOf(":")));
    if (!registered.ok) throw new Error(`${registered.error.errcode}: ${registered.error.error}`);
    return registered.value;
  }

  client(userId: string): Client {
    const c = this.clients.get(userId);
    if (!c) throw new Error(`no client for ${userId}`);
    return c;
  }

  /**
   * Load an application service onto a server (sim/appservice/, docs/appservices.md).
   * The registration is validated (a RegistrationError names every problem); its `url`
   * becomes a node of the network, which partitions and cuts treat like any server.
   */
  addAppService(
    serverName: string,
    registration: unknown,
    behaviour: AppServiceBehaviour = {},
    options: { params?: Partial<AppServiceParams> } = {},
  ): AppService {
    const hs = this.server(serverName);
    const service = attachAppService({
      sim: this.sim,
      hs,
      newClient: (entry, userId, reachable) =>
        new AppServiceClient(hs, entry, entry.registration.as_token, userId, reachable),
      registration,
      behaviour,
      ...(options.params ? { params: options.params } : {}),
      nodeTaken: (node) => this.servers.has(node) || this.services.has(node),
    });
    this.services.set(service.node ?? `${serverName}/${service.id}`, service);
    return service;
  }

  /** A service by node name (its url), or by `server/id`. */
  appService(name: string): AppService {
    const s = this.services.get(name);
    if (!s) throw new Error(`no application service ${name}: known are ${this.appServiceNames().join(", ") || "none"}`);
    return s;
  }

  appServiceNames(): string[] {
    return [...this.services.keys()].sort();
  }

  /** Every name in the network: servers and the nodes of application services (for partitions). */
  nodeNames(): string[] {
    const nodes = new Set(this.serverNames());
    for (const s of this.services.values()) if (s.node) nodes.add(s.node);
    return [...nodes].sort();
  }

  /** Whether a server, or the application service at that node, is up. */
  isNodeUp(name: string): boolean {
    return this.servers.has(name) ? this.servers.get(name)!.up : this.appService(name).up;
  }

  private listen(hs: Homeserver): void {
    this.sim.rpc.listen(hs.name, (origin, request, respond) => handleFederation(hs, origin, request, respond));
  }

  // ---- faults -------------------------------------------------------------------------

  /** Crash a server, or the application service at that node. */
  crash(name: string): void {
    if (!this.servers.has(name) && this.services.has(name)) return this.appService(name).crash();
    this.server(name).crash();
  }

  restart(name: string): void {
    if (!this.servers.has(name) && this.services.has(name)) return this.appService(name).restart();
    const hs = this.server(name);
    hs.restart(() => this.listen(hs));
    // The queues of pushes to its application services were persisted; their timers were not.
    for (const s of this.appServiceNames().map((n) => this.services.get(n)!)) if (s.hs === hs) s.pushes?.restart();
  }

  // ---- running and checking ----------------------------------------------------------

  run(done: () => boolean, limits?: RunLimits): RunResult {
    return this.sim.runUntil(done, limits);
  }

  /**
   * Quiet: no message in flight and every server's federation sender and queue of pushes
   * to its application services idle (nothing queued, nothing to retry). Retry timers of
   * backed-off destinations and services count as work.
   */
  quiescent(): boolean {
    // The cheap test first: the run loop asks this after every step.
    if (this.sim.scheduler.size !== 0) return false;
    for (const hs of this.servers.values())
      if (hs.up && hs.federationSender.busyDestinations().length > 0) return false;
    for (const s of this.services.values()) if (s.hs.up && s.pushes?.busy()) return false;
    return true;
  }

  /** What the run did so far: time, steps, PDUs and what every fault did. */
  summary(): RunSummary {
    const { trace } = this;
    return {
      seed: String(this.options.seed),
      virtualTimeMs: this.sim.nowMs,
      steps: this.sim.steps,
      servers: this.serverNames(),
      pdusSent: this.pdusSent,
      pdusReceived: trace.count("pdu.received"),
      pdus: {
        accepted: trace.count("pdu.accepted"),
        rejected: trace.count("pdu.rejected"),
        softFailed: trace.count("pdu.soft_failed"),
      },
      network: JSON.parse(JSON.stringify(this.sim.network.stats)) as NetworkStats,
    };
  }

  /**
   * The servers (up, in the room; only those of `among` when given) whose current state
   * of the room differs from the first's; empty when converged.
   */
  divergentServers(roomId: RoomId | string, among?: readonly string[]): string[] {
    const holders = (among ? this.serverNames().filter((n) => among.includes(n)) : this.serverNames())
      .map((n) => this.servers.get(n)!)
      .filter((hs) => hs.up && hs.room(roomId) && hs.serversInRoom(hs.room(roomId)!).includes(hs.name));
    if (holders.length < 2) return [];
    const fingerprint = (hs: Homeserver) => JSON.stringify([...hs.room(roomId)!.currentState.entries()].sort());
    const reference = fingerprint(holders[0]!);
    return holders.filter((hs) => fingerprint(hs) !== reference).map((hs) => hs.name);
  }
}
