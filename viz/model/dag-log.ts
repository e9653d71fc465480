// Each server's copy of each room, as an append-only log: every event the server stored,
// in the order it stored them, with every change of its outcome stamped with the seq of
// the record that made it. dagAt() reads the DAG as it stood at any seq from this log,
// so scrubbing never has to copy or rebuild it.

import type { PduSummary, TraceRecord } from "../../sim/trace.ts";

export type EventStatus = "accepted" | "soft_failed" | "rejected" | "outlier";

export interface StatusChange {
  seq: number;
  status: EventStatus;
  reason?: string;
  backfilled?: boolean;
}

export interface DagEntry {
  id: string;
  summary: PduSummary;
  /** The seq at which the server first stored it. */
  seq: number;
  /** Created by one of this server's users (pdu.created). */
  local: boolean;
  changes: StatusChange[];
  /** When a redaction was applied to it, and by which event. */
  redacted: { seq: number; by: string } | null;
}

export interface DagLog {
  room: string;
  server: string;
  /** In the order stored (ascending seq). */
  entries: DagEntry[];
  byId: Map<string, DagEntry>;
  /** The seq of every record that changed this log, ascending: how many are ≤ a seq is the log's version there. */
  touches: number[];
}

/** room → server → log. */
export type DagLogs = Map<string, Map<string, DagLog>>;

function logFor(logs: DagLogs, room: string, server: string): DagLog {
  let byServer = logs.get(room);
  if (!byServer) {
    byServer = new Map();
    logs.set(room, byServer);
  }
  let log = byServer.get(server);
  if (!log) {
    log = { room, server, entries: [], byId: new Map(), touches: [] };
    byServer.set(server, log);
  }
  return log;
}

const STATUS_OF = {
  "pdu.created": "accepted",
  "pdu.accepted": "accepted",
  "pdu.soft_failed": "soft_failed",
  "pdu.rejected": "rejected",
  "pdu.outlier": "outlier",
} as const satisfies Record<string, EventStatus>;

function summaryOf(r: TraceRecord & PduSummary): PduSummary {
  return {
    type: r.type,
    ...(r.stateKey !== undefined ? { stateKey: r.stateKey } : {}),
    sender: r.sender,
    prevEvents: r.prevEvents,
    authEvents: r.authEvents,
    depth: r.depth,
    originServerTs: r.originServerTs,
    content: r.content,
  };
}

/** Add what one record says about a stored event; other records change nothing. Returns the log touched. */
export function logRecord(logs: DagLogs, r: TraceRecord): DagLog | undefined {
  if (r.kind === "pdu.redacted") {
    const log = logFor(logs, r.room, r.server);
    const entry = log.byId.get(r.event);
    if (entry && !entry.redacted) {
      entry.redacted = { seq: r.seq, by: r.by };
      log.touches.push(r.seq);
    }
    return log;
  }
  if (
    r.kind !== "pdu.created" &&
    r.kind !== "pdu.accepted" &&
    r.kind !== "pdu.soft_failed" &&
    r.kind !== "pdu.rejected" &&
    r.kind !== "pdu.outlier"
  )
    return undefined;
  const log = logFor(logs, r.room, r.server);
  const change: StatusChange = { seq: r.seq, status: STATUS_OF[r.kind] };
  if ("reason" in r) change.reason = r.reason;
  // Backfilled history: an outlier (netsplit 0.1) or, as Synapse stores it, accepted with its state.
  if ((r.kind === "pdu.outlier" || r.kind === "pdu.accepted") && r.backfilled) change.backfilled = true;
  log.touches.push(r.seq);
  const entry = log.byId.get(r.event);
  if (entry) {
    entry.changes.push(change);
    if (r.kind === "pdu.created") entry.local = true;
    return log;
  }
  const created: DagEntry = {
    id: r.event,
    summary: summaryOf(r),
    seq: r.seq,
    local: r.kind === "pdu.created",
    changes: [change],
    redacted: null,
  };
  log.entries.push(created);
  log.byId.set(r.event, created);
  return log;
}

/** The outcome of an entry as of `seq` (undefined if not stored yet). */
export function statusAt(entry: DagEntry, seq: number): StatusChange | undefined {
  let found: StatusChange | undefined;
  for (const c of entry.changes) {
    if (c.seq > seq) break;
    found = c;
  }
  return found;
}

/** How many entries of the log were stored by `seq` (entries are in seq order). */
export function entriesUpTo(log: DagLog, seq: number): number {
  let lo = 0;
  let hi = log.entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (log.entries[mid]!.seq <= seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The log's version at `seq`: equal versions, equal DAGs (dagAt can be reused). */
export function versionAt(log: DagLog, seq: number): number {
  let lo = 0;
  let hi = log.touches.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (log.touches[mid]! <= seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
