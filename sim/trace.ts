// The trace: typed records of everything observable in a run. It is the only contract
// between sim/ and viz/ (and the CLI's --trace files): one discriminated union, every
// record stamped with virtual time and a sequence number, serialised as JSON Lines of
// canonical JSON. The trace hash is SHA-256 over those lines.

import {
  authEventIds,
  CanonicalJsonWriter,
  encodeBase64,
  isStateEvent,
  prevEventIds,
  type Hasher,
  type IncrementalSha256,
  type JsonObject,
  nobleCrypto,
  type Pdu,
} from "../core/index.ts";
import { traceLine, writeTraceLine } from "./trace-line.ts";

/**
 * What a reader of the trace needs to draw, hover and re-resolve one event without the
 * world: every record that stores an event on a server carries it.
 */
export interface PduSummary {
  type: string;
  stateKey?: string;
  sender: string;
  prevEvents: string[];
  authEvents: string[];
  depth: number;
  originServerTs: number;
  content: JsonObject;
}

/**
 * The summary of one PDU object, made once: several records carry each event (created,
 * received and accepted on every server), and a PDU is never changed once built, so
 * they share it (frozen: a reader that changed it would change every record).
 */
export function pduSummary(pdu: Pdu): PduSummary {
  let summary = summaries.get(pdu);
  if (!summary) {
    summary = summarise(pdu);
    Object.freeze(summary.prevEvents);
    Object.freeze(summary.authEvents);
    Object.freeze(summary);
    summaries.set(pdu, summary);
  }
  return summary;
}

const summaries = new WeakMap<Pdu, PduSummary>();

function summarise(pdu: Pdu): PduSummary {
  return {
    type: pdu.type,
    ...(isStateEvent(pdu) ? { stateKey: pdu.state_key } : {}),
    sender: pdu.sender,
    prevEvents: prevEventIds(pdu),
    authEvents: authEventIds(pdu),
    depth: pdu.depth,
    originServerTs: pdu.origin_server_ts,
    content: pdu.content,
  };
}

/** Why a message did not arrive (or arrived late). */
export type FaultKind = "partition" | "loss" | "held" | "duplicate" | "reorder" | "slow" | "crashed";

export type TraceBody =
  | { kind: "run.start"; seed: string; scenario: string; roomVersion: string; servers: string[] }
  | { kind: "run.end"; reason: string; steps: number }
  /** A run phase begins: the chaos phase, the heal, the convergence phase. */
  | { kind: "run.phase"; phase: "chaos" | "heal" | "converging" | "done"; budgetMs?: number }
  /** What a swarm seed drew (the run's header). */
  | { kind: "run.swarm"; draw: Record<string, unknown> }
  /** An action applied by hand between steps (the web view), recorded to replay the run. */
  | { kind: "run.intervention"; afterStep: number; action: Record<string, unknown> }
  /** From here on every random stream draws from a new seed ("fork from here"). */
  | { kind: "run.fork"; afterStep: number; seed: string }
  | {
      kind: "net.sent";
      msg: number;
      from: string;
      to: string;
      what: string;
      /** null when the message is held. */ deliverAtMs: number | null;
    }
  | { kind: "net.delivered"; msg: number; from: string; to: string; what: string }
  | { kind: "net.dropped"; msg: number; from: string; to: string; what: string; fault: FaultKind }
  | { kind: "net.held"; msg: number; from: string; to: string; what: string }
  | { kind: "net.released"; msg: number; from: string; to: string; deliverAtMs: number }
  | { kind: "net.duplicated"; msg: number; copy: number; from: string; to: string }
  | { kind: "net.delayed"; msg: number; from: string; to: string; fault: FaultKind; extraMs: number }
  | { kind: "fault.partition"; cuts: Array<{ from: string; to: string }>; mode: CutMode }
  /** Each repaired cut with what it did while it stood: a cut that did nothing is visible. */
  | { kind: "fault.repair"; cuts: Array<{ from: string; to: string; dropped: number; held: number; slowed: number }> }
  | { kind: "fault.release"; cuts: Array<{ from: string; to: string }>; released: number }
  | { kind: "fault.link"; from: string; to: string; config: Record<string, number> }
  | { kind: "rpc.request"; rpc: number; from: string; to: string; method: string; path: string }
  | { kind: "rpc.response"; rpc: number; from: string; to: string; status: number }
  | { kind: "rpc.failed"; rpc: number; from: string; to: string; error: "timeout" | "unreachable" }
  | {
      kind: "fed.txn.sent";
      server: string;
      destination: string;
      txnId: string;
      pdus: string[];
      catchUp: boolean;
      /** The transaction's EDUs (only when it carries some): type, rooms, users. */
      edus?: Array<{ type: string; rooms: string[]; users: string[] }>;
    }
  | { kind: "fed.txn.ok"; server: string; destination: string; txnId: string }
  | { kind: "fed.txn.failed"; server: string; destination: string; txnId: string; error: string }
  | {
      kind: "fed.backoff";
      server: string;
      destination: string;
      intervalMs: number;
      retryAtMs: number;
      catchUp: boolean;
    }
  | { kind: "fed.peer_up"; server: string; destination: string }
  /** An EDU from a /send applied (typing, receipt, presence): what it changed, per room and user. */
  | { kind: "edu.received"; server: string; origin: string; type: string; rooms: string[]; users: string[] }
  /** An EDU (or the part of one about `rooms`/`users`) ignored, and why (Synapse's checks: ephemeral.ts). */
  | {
      kind: "edu.ignored";
      server: string;
      origin: string;
      type: string;
      rooms: string[];
      users: string[];
      reason: string;
    }
  /** A typing notification timed out on this server (its own user's, or one a remote server sent). */
  | { kind: "edu.typing_expired"; server: string; room: string; user: string }
  /** A local user's event, stored and sent. */
  | ({ kind: "pdu.created"; server: string; room: string; event: string } & PduSummary)
  | { kind: "pdu.received"; server: string; origin: string; room: string; event: string }
  /** `backfilled`: history fetched with /backfill, stored with its state (it changes neither extremities nor current state). */
  | ({ kind: "pdu.accepted"; server: string; room: string; event: string; backfilled?: boolean } & PduSummary)
  | ({ kind: "pdu.rejected"; server: string; room: string; event: string; reason: string } & PduSummary)
  | ({ kind: "pdu.soft_failed"; server: string; room: string; event: string; reason: string } & PduSummary)
  /** Held without the state at it: an auth chain, a state fetched to fill a gap, a join's state, or history backfilled. */
  | ({ kind: "pdu.outlier"; server: string; room: string; event: string; backfilled?: boolean } & PduSummary)
  /** A redaction was applied: clients now see the redacted copy. */
  | { kind: "pdu.redacted"; server: string; room: string; event: string; by: string }
  | { kind: "pdu.dropped"; server: string; origin: string; room: string; event?: string; reason: string }
  | {
      kind: "state.resolved";
      server: string;
      room: string;
      extremities: string[];
      changed: Array<{ type: string; stateKey: string; before: string | null; after: string | null }>;
    }
  | {
      kind: "client.action";
      server: string;
      user: string;
      action: string;
      room?: string;
      ok: boolean;
      result?: string;
      error?: string;
    }
  | {
      kind: "client.sync";
      server: string;
      user: string;
      since: number;
      nextBatch: number;
      events: number;
      limited: boolean;
    }
  /** An application service was loaded on a homeserver; `url` is its node in the simulated network (null: nothing is pushed). */
  | {
      kind: "as.registered";
      server: string;
      service: string;
      url: string | null;
      sender: string;
      namespaces: Record<"users" | "aliases" | "rooms", Array<{ regex: string; exclusive: boolean }>>;
      protocols: string[];
    }
  /** A homeserver pushed a transaction to a service (attempt 2, 3, … are retries: same txnId, same events). */
  | {
      kind: "as.txn.sent";
      server: string;
      service: string;
      node: string;
      txnId: string;
      events: string[];
      attempt: number;
    }
  | { kind: "as.txn.ok"; server: string; service: string; txnId: string }
  | { kind: "as.txn.failed"; server: string; service: string; txnId: string; error: string }
  | { kind: "as.backoff"; server: string; service: string; intervalMs: number; retryAtMs: number }
  /** An event refused because the service's queue was full (a visible loss). */
  | { kind: "as.dropped"; server: string; service: string; event: string; reason: string }
  /** The service side: a transaction arrived; a duplicate txnId is acknowledged and not processed again. */
  | {
      kind: "as.txn.received";
      server: string;
      service: string;
      txnId: string;
      events: number;
      duplicate: boolean;
      status: number;
    }
  /** A homeserver asked a service about a user or alias it does not know. */
  | {
      kind: "as.query";
      server: string;
      service: string;
      query: "user" | "alias";
      subject: string;
      result: "exists" | "absent" | "failed";
      attempts: number;
    }
  /** A service acted through the client-server API, as its sender or a user it masquerades as. */
  | {
      kind: "as.action";
      server: string;
      service: string;
      user: string;
      action: string;
      room?: string;
      ok: boolean;
      result?: string;
      error?: string;
    }
  | { kind: "as.crash"; server: string; service: string; node: string }
  | { kind: "as.restart"; server: string; service: string; node: string }
  /** A user was registered on a server and got a client (who the web view can act as). */
  /** A user registered on a server (`service`: by an application service — its sender or a ghost). */
  | { kind: "server.user"; server: string; user: string; service?: string }
  | { kind: "server.crash"; server: string; lostActions: number }
  | { kind: "server.restart"; server: string }
  | { kind: "note"; text: string };

export type CutMode = "drop" | "hold" | "slow";

export type TraceRecord = TraceBody & { seq: number; atMs: number };

/** A record before Trace.add stamps it: its literal may name the stamps, as zeros (see add()). */
type Unstamped = { seq?: 0; atMs?: 0 };

export type TraceKind = TraceBody["kind"];

/**
 * What a trace keeps of its records. full: every record (the web view, checks, trace
 * files). hash-only: the streaming hash and the counts per kind, so a long run's memory
 * does not grow with its records. none: only the counts. The trace hash is the same
 * under full and hash-only; none has none.
 */
export type TraceRetention = "full" | "hash-only" | "none";

export const TRACE_RETENTIONS: readonly TraceRetention[] = ["full", "hash-only", "none"];

export interface TraceOptions {
  retention?: TraceRetention;
  /** Hashes the trace (hash-only); the pure-JS SHA-256 when it has no incremental one. */
  hasher?: Hasher;
}

/** Thrown when the records of a trace that kept none are asked for (a check that reads them, a trace file). */
export class TraceNotKeptError extends Error {
  override name = "TraceNotKeptError";
  constructor(readonly retention: TraceRetention) {
    super(`this trace keeps no records (retention: ${retention}); run with retention "full" to read them`);
  }
}

/** Append-only log of a run; listeners see each record as it is added (the web view). */
export class Trace {
  private readonly records: TraceRecord[] = [];
  private readonly listeners: Array<(record: TraceRecord) => void> = [];
  private readonly perKind = new Map<TraceKind, number>();
  private added = 0;
  readonly retention: TraceRetention;
  /** Fed each record as it is added (hash-only). */
  private readonly streaming: TraceHasher | undefined;

  constructor(
    private readonly now: () => number,
    private readonly options: TraceOptions = {},
  ) {
    this.retention = options.retention ?? "full";
    if (this.retention === "hash-only") this.streaming = new TraceHasher(options.hasher);
  }

  /**
   * `body` becomes the record: every caller hands in a fresh literal, so it is stamped, not
   * copied. The ten records made for every delivery (net.sent and net.delivered twice,
   * rpc.request, rpc.response, fed.txn.sent, fed.txn.ok, pdu.received, pdu.accepted) write
   * `seq: 0, atMs: 0` in their literal: V8 gives a literal room for exactly the keys it
   * names, so stamping keys it lacks gives each record a second object to hold them (a
   * property array). With the two keys named, the memory a full trace keeps fell from
   * about 2,590 to 2,350 bytes per delivery at 10 servers, and from 2,820 to 2,600 at 100
   * (the heap after a forced collection, before and after the talking phase of
   * bench/engine.bench.ts). What the run computes is the same.
   */
  add(body: TraceBody & Unstamped): TraceRecord {
    const record = body as TraceRecord;
    record.seq = this.added++;
    record.atMs = this.now();
    this.perKind.set(record.kind, (this.perKind.get(record.kind) ?? 0) + 1);
    if (this.retention === "full") this.records.push(record);
    else this.streaming?.add(record);
    for (const listener of this.listeners) listener(record);
    return record;
  }

  /** The trace hash so far (traceHash of every record); undefined when retention is none. */
  hash(): string | undefined {
    if (this.retention === "full") return traceHash(this.records, this.options.hasher);
    return this.streaming?.hash();
  }

  subscribe(listener: (record: TraceRecord) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /** Every record; only a full trace keeps them, so asking another is a mistake, not an empty answer. */
  all(): readonly TraceRecord[] {
    if (this.retention !== "full") throw new TraceNotKeptError(this.retention);
    return this.records;
  }

  /** Records added so far (kept or not). */
  get length(): number {
    return this.added;
  }

  count(kind: TraceKind): number {
    return this.perKind.get(kind) ?? 0;
  }
}

/**
 * The trace hash computed record by record: each record's line is written once, as UTF-8,
 * into a reused buffer (writeTraceLine), hashed when about 64 KB have gathered, then
 * dropped: one update per chunk, not per record, and no string per line. Each record is
 * written as it is added. Gathering 512 records and writing them in one loop (warmer
 * caches, the hypothesis) did not clearly help: CPU per delivery of 1,000 messages among 10
 * servers, the engine bench's rows taking turns, 14 rounds in each of two processes, had
 * medians of 71.2 and 65.4 µs as added, 69.9 and 58.9 gathered (43.5 and 45.9 with the
 * trace kept, unhashed), with single runs from 25 to 81 µs; the day-long split's whole
 * `netsplit run` (unsigned, hash-only) gathering 8,192 at a time took 0.998 of the wall
 * time of hashing as added (median of 14 pairs, 0.86-1.13).
 */
export class TraceHasher {
  private readonly sha: IncrementalSha256;
  private readonly writer = new CanonicalJsonWriter(CHUNK_BYTES * 2);

  constructor(hasher: Hasher = nobleCrypto) {
    this.sha = (hasher.sha256Incremental ?? nobleCrypto.sha256Incremental!)();
  }

  add(record: TraceRecord): void {
    writeTraceLine(this.writer, record);
    this.writer.byte(NEWLINE);
    if (this.writer.length >= CHUNK_BYTES) this.flush();
  }

  hash(): string {
    this.flush();
    return encodeBase64(this.sha.digestSoFar());
  }

  private flush(): void {
    if (this.writer.length === 0) return;
    // The hasher reads the view before update returns; the buffer is then written over.
    this.sha.update(this.writer.view());
    this.writer.clear();
  }
}

const CHUNK_BYTES = 65_536;
const NEWLINE = 0x0a;

/**
 * Canonical JSON has no floats, so probabilities go into the trace as whole parts per
 * million (`loss: 0.05` → `lossPpm: 50000`) and every other number is rounded.
 */
export function traceNumbers(
  values: Record<string, number | null | undefined>,
  probabilities: readonly string[] = PROBABILITY_KEYS,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(values)) {
    if (typeof v !== "number") continue;
    if (probabilities.includes(k)) out[`${k}Ppm`] = Math.round(v * 1_000_000);
    else out[k] = Math.round(v);
  }
  return out;
}

const PROBABILITY_KEYS = ["loss", "duplication", "reorder"];

/** One canonical-JSON line per record, each ending in a newline. */
export function traceToJsonLines(records: readonly TraceRecord[]): string {
  let out = "";
  for (const r of records) out += traceLine(r) + "\n";
  return out;
}

/**
 * SHA-256 of the JSON Lines serialisation, unpadded base64: equal hashes, equal runs.
 * Fed line by line, so hashing a long trace never builds its whole text.
 */
export function traceHash(records: readonly TraceRecord[], hasher: Hasher = nobleCrypto): string {
  const streaming = new TraceHasher(hasher);
  for (const r of records) streaming.add(r);
  return streaming.hash();
}

/** Parse JSON Lines back into records (for replaying a trace file); names the bad line. */
export function parseTraceJsonLines(text: string): TraceRecord[] {
  const out: TraceRecord[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      throw new Error(`trace line ${i + 1}: not JSON (${(e as Error).message})`, { cause: e });
    }
    const r = value as Partial<TraceRecord>;
    if (
      typeof r !== "object" ||
      r === null ||
      typeof r.kind !== "string" ||
      typeof r.seq !== "number" ||
      typeof r.atMs !== "number"
    ) {
      throw new Error(`trace line ${i + 1}: a record needs kind, seq and atMs`);
    }
    out.push(r as TraceRecord);
  });
  return out;
}
