// The small, changing part of what a trace says at one moment: which servers are up,
// which links are cut, which messages are in the air, who is backing off, and each
// server's current state of each room. A pure fold: applyRecord(state, record) mutates
// only `state`, and cloneLiveState() copies it for checkpoints (the trace model keeps
// one every few hundred records, so scrubbing back replays at most that many).
//
// What only ever grows (each server's DAG, the space-time arrows) lives in the trace
// model's append-only logs instead, indexed by seq, so checkpoints stay small.

import type { CutMode, FaultKind, TraceRecord } from "../../sim/trace.ts";
import { messageKind, transactionIdOf, type MessageKind } from "./messages.ts";

export interface Flight {
  msg: number;
  from: string;
  to: string;
  what: string;
  kind: MessageKind;
  /** PDUs (or application-service events) it carries; 0 for other messages. */
  pdus: number;
  sentAtMs: number;
  /** null while the message is held by a cut. */
  deliverAtMs: number | null;
  /** Where on the link a held message is parked (0 sender … 1 receiver). */
  parkedAt: number;
  /** Deliveries still to come (a duplicated message arrives twice). */
  copies: number;
  seq: number;
}

export interface Drop {
  msg: number;
  from: string;
  to: string;
  kind: MessageKind;
  fault: FaultKind;
  atMs: number;
  seq: number;
  /** Where on the link it was lost. */
  progress: number;
}

export interface Backoff {
  destination: string;
  intervalMs: number;
  retryAtMs: number;
  catchUp: boolean;
}

export interface ServiceLive {
  id: string;
  /** Its node in the network (the registration's url), or null when nothing is pushed to it. */
  node: string | null;
  up: boolean;
}

export interface ServerLive {
  name: string;
  up: boolean;
  /** People and bots with a client of their own. */
  users: string[];
  /** Users an application service registered: its sender and its ghosts (drawn, not acted as). */
  serviceUsers: string[];
  services: ServiceLive[];
  /** Destinations this server's federation sender is waiting to retry. */
  backoff: Map<string, Backoff>;
  /** Failed attempts in a row per destination (reset by a success). */
  failures: Map<string, number>;
}

/** A client call the server refused (M_FORBIDDEN and the like): shown at the composer and on the space-time diagram. */
export interface Refusal {
  seq: number;
  atMs: number;
  server: string;
  user: string;
  action: string;
  error: string;
}

export interface RunStart {
  scenario: string;
  seed: string;
  roomVersion: string;
  servers: string[];
}

export interface LiveState {
  /** The seq of the last record applied (-1 before any). */
  seq: number;
  atMs: number;
  run: RunStart | null;
  phase: string | null;
  end: { reason: string; steps: number } | null;
  /** The seq of the run.end record: what follows it is free play. */
  endSeq: number | null;
  servers: Map<string, ServerLive>;
  /** Directed cuts: "from>to" → mode. */
  cuts: Map<string, CutMode>;
  flights: Map<number, Flight>;
  /** Recent losses, newest last (bounded by DROPS_MAX). */
  drops: Drop[];
  /** PDUs per transaction being sent: "server|txnId" → count (to label its message). */
  txnPdus: Map<string, number>;
  /** room → server → state key ("type|state_key") → event id. */
  state: Map<string, Map<string, Map<string, string>>>;
  /** Rooms in the order they first appear. */
  rooms: string[];
  note: { text: string; atMs: number; seq: number } | null;
  interventions: number;
  /** Refused client calls, newest last (bounded by REFUSALS_MAX). */
  refusals: Refusal[];
}

/** Losses older than this many records are forgotten (the view fades them much sooner). */
export const DROPS_MAX = 256;
/** Refusals kept for the composer (the space-time diagram has its own log). */
export const REFUSALS_MAX = 16;

export function emptyLiveState(): LiveState {
  return {
    seq: -1,
    atMs: 0,
    run: null,
    phase: null,
    end: null,
    endSeq: null,
    servers: new Map(),
    cuts: new Map(),
    flights: new Map(),
    drops: [],
    txnPdus: new Map(),
    state: new Map(),
    rooms: [],
    note: null,
    interventions: 0,
    refusals: [],
  };
}

export function cloneLiveState(s: LiveState): LiveState {
  const servers = new Map<string, ServerLive>();
  for (const [name, hs] of s.servers) {
    servers.set(name, {
      ...hs,
      users: [...hs.users],
      serviceUsers: [...hs.serviceUsers],
      services: hs.services.map((x) => ({ ...x })),
      backoff: new Map(hs.backoff),
      failures: new Map(hs.failures),
    });
  }
  const state = new Map<string, Map<string, Map<string, string>>>();
  for (const [room, byServer] of s.state) {
    const copy = new Map<string, Map<string, string>>();
    for (const [server, map] of byServer) copy.set(server, new Map(map));
    state.set(room, copy);
  }
  const flights = new Map<number, Flight>();
  for (const [msg, f] of s.flights) flights.set(msg, { ...f });
  return {
    ...s,
    run: s.run && { ...s.run, servers: [...s.run.servers] },
    end: s.end && { ...s.end },
    servers,
    cuts: new Map(s.cuts),
    flights,
    drops: [...s.drops],
    txnPdus: new Map(s.txnPdus),
    state,
    rooms: [...s.rooms],
    note: s.note && { ...s.note },
    refusals: [...s.refusals],
  };
}

export const cutKey = (from: string, to: string) => `${from}>${to}`;

function server(s: LiveState, name: string): ServerLive {
  let hs = s.servers.get(name);
  if (!hs) {
    hs = { name, up: true, users: [], serviceUsers: [], services: [], backoff: new Map(), failures: new Map() };
    s.servers.set(name, hs);
  }
  return hs;
}

function roomState(s: LiveState, room: string, serverName: string): Map<string, string> {
  let byServer = s.state.get(room);
  if (!byServer) {
    byServer = new Map();
    s.state.set(room, byServer);
  }
  let map = byServer.get(serverName);
  if (!map) {
    map = new Map();
    byServer.set(serverName, map);
  }
  return map;
}

function seeRoom(s: LiveState, room: string): void {
  if (!s.rooms.includes(room)) s.rooms.push(room);
}

function progressOf(f: Flight, atMs: number): number {
  if (f.deliverAtMs === null) return f.parkedAt;
  const span = f.deliverAtMs - f.sentAtMs;
  return span <= 0 ? 1 : Math.min(1, Math.max(0, (atMs - f.sentAtMs) / span));
}

function lose(s: LiveState, d: Drop): void {
  s.drops.push(d);
  if (s.drops.length > DROPS_MAX) s.drops.splice(0, s.drops.length - DROPS_MAX);
}

function refuse(s: LiveState, r: RecordOf<"client.action">): void {
  s.refusals.push({
    seq: r.seq,
    atMs: r.atMs,
    server: r.server,
    user: r.user,
    action: r.action,
    error: r.error ?? "refused",
  });
  if (s.refusals.length > REFUSALS_MAX) s.refusals.splice(0, s.refusals.length - REFUSALS_MAX);
}

type RecordOf<K extends TraceRecord["kind"]> = Extract<TraceRecord, { kind: K }>;

/** Apply one record. Records of kinds this fold does not track (or does not know) change nothing. */
export function applyRecord(s: LiveState, r: TraceRecord): void {
  s.seq = r.seq;
  s.atMs = r.atMs;
  switch (r.kind) {
    case "run.start":
    case "run.phase":
    case "run.end":
    case "run.intervention":
    case "run.fork":
    case "note":
      return applyRunRecord(s, r);
    case "server.user":
    case "server.crash":
    case "server.restart":
    case "as.registered":
    case "as.crash":
    case "as.restart":
      return applyServerRecord(s, r);
    case "fault.partition":
    case "fault.repair":
      return applyCutRecord(s, r);
    case "net.sent":
    case "net.duplicated":
    case "net.delivered":
    case "net.held":
    case "net.released":
    case "net.dropped":
      return applyMessageRecord(s, r);
    case "fed.txn.sent":
    case "fed.txn.ok":
    case "fed.txn.failed":
    case "fed.backoff":
    case "fed.peer_up":
    case "as.txn.sent":
    case "as.txn.ok":
    case "as.txn.failed":
      return applySenderRecord(s, r);
    case "state.resolved":
    case "pdu.created":
    case "pdu.accepted":
    case "pdu.soft_failed":
    case "pdu.rejected":
    case "pdu.outlier":
    case "pdu.received":
    case "pdu.redacted":
      return applyRoomRecord(s, r);
    case "client.action":
      if (!r.ok) refuse(s, r);
      return;
    case "net.delayed":
    case "run.swarm":
    case "fault.release":
    case "fault.link":
    case "rpc.request":
    case "rpc.response":
    case "rpc.failed":
    case "pdu.dropped":
    case "client.sync":
    case "as.backoff":
    case "as.dropped":
    case "as.txn.received":
    case "as.query":
    case "as.action":
    case "edu.received": // EDUs (typing, receipts, presence) are not drawn yet
    case "edu.ignored":
    case "edu.typing_expired":
      return;
    default: {
      // Every kind of today's trace is listed above (the compiler checks it); a file from
      // a newer netsplit may carry kinds we do not know, and those are skipped.
      const unknown: never = r;
      void unknown;
    }
  }
}

/** The run's own records: its start, phases, end, interventions and notes. */
function applyRunRecord(
  s: LiveState,
  r: RecordOf<"run.start" | "run.phase" | "run.end" | "run.intervention" | "run.fork" | "note">,
): void {
  switch (r.kind) {
    case "run.start":
      s.run = { scenario: r.scenario, seed: r.seed, roomVersion: r.roomVersion, servers: [...r.servers] };
      for (const name of r.servers) server(s, name);
      return;
    case "run.phase":
      s.phase = r.phase;
      return;
    case "run.end":
      s.end = { reason: r.reason, steps: r.steps };
      s.endSeq = r.seq;
      return;
    case "run.intervention":
    case "run.fork":
      s.interventions++;
      return;
    case "note":
      s.note = { text: r.text, atMs: r.atMs, seq: r.seq };
      return;
  }
}

/** Who is on each server and whether it (or one of its application services) is up. */
function applyServerRecord(
  s: LiveState,
  r: RecordOf<"server.user" | "server.crash" | "server.restart" | "as.registered" | "as.crash" | "as.restart">,
): void {
  switch (r.kind) {
    case "server.user": {
      const hs = server(s, r.server);
      const list = r.service ? hs.serviceUsers : hs.users;
      if (!list.includes(r.user)) list.push(r.user);
      return;
    }
    case "server.crash": {
      const hs = server(s, r.server);
      hs.up = false;
      // The sender's queues and timers were memory: they are gone.
      hs.backoff.clear();
      hs.failures.clear();
      return;
    }
    case "server.restart":
      server(s, r.server).up = true;
      return;
    case "as.registered":
      server(s, r.server).services.push({ id: r.service, node: r.url, up: true });
      return;
    case "as.crash":
    case "as.restart": {
      const svc = server(s, r.server).services.find((x) => x.id === r.service);
      if (svc) svc.up = r.kind === "as.restart";
      return;
    }
  }
}

/** Which directed links are cut, and how. */
function applyCutRecord(s: LiveState, r: RecordOf<"fault.partition" | "fault.repair">): void {
  switch (r.kind) {
    case "fault.partition":
      for (const c of r.cuts) s.cuts.set(cutKey(c.from, c.to), r.mode);
      return;
    case "fault.repair":
      for (const c of r.cuts) s.cuts.delete(cutKey(c.from, c.to));
      return;
  }
}

/** Messages in the air: sent, duplicated, held, released, delivered or lost. */
function applyMessageRecord(
  s: LiveState,
  r: RecordOf<"net.sent" | "net.duplicated" | "net.delivered" | "net.held" | "net.released" | "net.dropped">,
): void {
  switch (r.kind) {
    case "net.sent": {
      const kind = messageKind(r.what);
      const txnId = transactionIdOf(r.what);
      const pdus = txnId === null ? 0 : (s.txnPdus.get(`${r.from}|${txnId}`) ?? 0);
      s.flights.set(r.msg, {
        msg: r.msg,
        from: r.from,
        to: r.to,
        what: r.what,
        kind,
        pdus,
        sentAtMs: r.atMs,
        deliverAtMs: r.deliverAtMs,
        parkedAt: 0.15,
        copies: 1,
        seq: r.seq,
      });
      return;
    }
    case "net.duplicated": {
      const f = s.flights.get(r.msg);
      if (f) f.copies++;
      return;
    }
    case "net.delivered": {
      const f = s.flights.get(r.msg);
      if (f && --f.copies <= 0) s.flights.delete(r.msg);
      return;
    }
    case "net.held": {
      const f = s.flights.get(r.msg);
      // Held on arrival (the cut came while it flew): parked near the receiver.
      if (f && f.deliverAtMs !== null) {
        f.parkedAt = 0.85;
        f.deliverAtMs = null;
      }
      return;
    }
    case "net.released": {
      const f = s.flights.get(r.msg);
      if (f) {
        f.sentAtMs = r.atMs;
        f.deliverAtMs = r.deliverAtMs;
      }
      return;
    }
    case "net.dropped": {
      const f = s.flights.get(r.msg);
      const progress = f ? (r.fault === "partition" || r.fault === "crashed" ? 0.9 : progressOf(f, r.atMs)) : 0.1;
      lose(s, {
        msg: r.msg,
        from: r.from,
        to: r.to,
        kind: messageKind(r.what),
        fault: r.fault,
        atMs: r.atMs,
        seq: r.seq,
        progress,
      });
      if (f && --f.copies <= 0) s.flights.delete(r.msg);
      return;
    }
  }
}

/** The federation and application-service senders: transaction sizes, failures, backoff. */
function applySenderRecord(
  s: LiveState,
  r: RecordOf<
    | "fed.txn.sent"
    | "fed.txn.ok"
    | "fed.txn.failed"
    | "fed.backoff"
    | "fed.peer_up"
    | "as.txn.sent"
    | "as.txn.ok"
    | "as.txn.failed"
  >,
): void {
  switch (r.kind) {
    case "fed.txn.sent":
      s.txnPdus.set(`${r.server}|${r.txnId}`, r.pdus.length);
      server(s, r.server).backoff.delete(r.destination);
      return;
    case "as.txn.sent":
      s.txnPdus.set(`${r.server}|${r.txnId}`, r.events.length);
      return;
    case "fed.txn.ok": {
      const hs = server(s, r.server);
      s.txnPdus.delete(`${r.server}|${r.txnId}`);
      hs.failures.delete(r.destination);
      hs.backoff.delete(r.destination);
      return;
    }
    case "fed.txn.failed": {
      const hs = server(s, r.server);
      hs.failures.set(r.destination, (hs.failures.get(r.destination) ?? 0) + 1);
      return;
    }
    case "fed.backoff":
      server(s, r.server).backoff.set(r.destination, {
        destination: r.destination,
        intervalMs: r.intervalMs,
        retryAtMs: r.retryAtMs,
        catchUp: r.catchUp,
      });
      return;
    case "fed.peer_up": {
      const hs = server(s, r.server);
      hs.backoff.delete(r.destination);
      hs.failures.delete(r.destination);
      return;
    }
    case "as.txn.ok":
    case "as.txn.failed":
      s.txnPdus.delete(`${r.server}|${r.txnId}`);
      return;
  }
}

/** Rooms as they appear, and each server's current state of each room. */
function applyRoomRecord(
  s: LiveState,
  r: RecordOf<
    | "state.resolved"
    | `pdu.${"created" | "accepted" | "soft_failed" | "rejected" | "outlier" | "received" | "redacted"}`
  >,
): void {
  seeRoom(s, r.room);
  if (r.kind !== "state.resolved") return;
  const map = roomState(s, r.room, r.server);
  for (const c of r.changed) {
    const key = `${c.type}|${c.stateKey}`;
    if (c.after === null) map.delete(key);
    else map.set(key, c.after);
  }
}
