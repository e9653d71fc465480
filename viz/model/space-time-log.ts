// The space-time diagram's raw material, append-only and indexed by seq: one arrow per
// federation transaction attempt (fed.txn.sent, matched to the network message that
// carried it, to its arrival or loss, and to fed.txn.ok / fed.txn.failed), the marks of
// faults and interventions on the time axis, and a dot per event a server created.
// Arrows are filled in as later records arrive; readers ask arrowAt(arrow, seq) for how
// an arrow looked at their seq, so nothing has to be copied when the cursor moves.

import { describePartition, type BlockedMap } from "../../sim/index.ts";
import type { CutMode, TraceRecord } from "../../sim/trace.ts";
import { messageKind } from "./messages.ts";

export interface TxnArrow {
  /** The seq of its fed.txn.sent record: unique, and the arrows' order. */
  id: number;
  from: string;
  to: string;
  txnId: string;
  pdus: number;
  catchUp: boolean;
  sentAtMs: number;
  /** Same as id: the seq it was sent at (for countUpTo). */
  seq: number;
  /** The network message that carried it (null while not matched). */
  msg: number | null;
  /** When that message was due to arrive (null: held, or not sent). */
  deliverAtMs: number | null;
  arrived: { atMs: number; seq: number } | null;
  lost: { atMs: number; seq: number; fault: string } | null;
  outcome: { ok: boolean; atMs: number; seq: number; error?: string } | null;
}

export type MarkKind =
  | "cut"
  | "repair"
  | "release"
  | "crash"
  | "restart"
  | "intervention"
  | "fork"
  | "heal"
  | "note"
  /** A client call its server refused (on that server's lane). */
  | "refused";

export interface Mark {
  seq: number;
  atMs: number;
  kind: MarkKind;
  /** For marks on one lane (crash, restart). */
  server?: string;
  label: string;
}

export interface LaneDot {
  seq: number;
  atMs: number;
  server: string;
  /** The event's id (what a walkthrough note names). */
  event: string;
  type: string;
}

export interface SpaceTimeLog {
  arrows: TxnArrow[];
  marks: Mark[];
  dots: LaneDot[];
  /** "from|what" → the arrow waiting for its network message. */
  awaiting: Map<string, TxnArrow>;
  byMsg: Map<number, TxnArrow>;
  /** "server|txnId" → its latest attempt. */
  latest: Map<string, TxnArrow>;
  /** The longest an arrow has lasted so far (for culling arrows by time window). */
  spanMsMax: number;
}

export function emptySpaceTimeLog(): SpaceTimeLog {
  return { arrows: [], marks: [], dots: [], awaiting: new Map(), byMsg: new Map(), latest: new Map(), spanMsMax: 0 };
}

function cutsLabel(cuts: ReadonlyArray<{ from: string; to: string }>, mode: CutMode): string {
  const blocked: BlockedMap = {};
  for (const c of cuts) (blocked[c.from] ??= []).push(c.to);
  // The same one-line description the CLI prints (sim/partitions.ts).
  return describePartition({ blocked, mode });
}

function describeAction(action: Record<string, unknown>): string {
  const verb = String(action.do ?? "?");
  const who =
    typeof action.user === "string"
      ? ` by ${action.user}`
      : typeof action.server === "string"
        ? ` ${action.server}`
        : "";
  return `✋ ${verb}${who}`;
}

type RecordOf<K extends TraceRecord["kind"]> = Extract<TraceRecord, { kind: K }>;

export function logSpaceTime(log: SpaceTimeLog, r: TraceRecord): void {
  switch (r.kind) {
    case "fed.txn.sent":
      return startArrow(log, r);
    case "net.sent":
    case "net.dropped":
      return matchMessage(log, r);
    case "net.released": {
      const arrow = log.byMsg.get(r.msg);
      if (arrow) arrow.deliverAtMs = r.deliverAtMs;
      return;
    }
    case "net.delivered": {
      const arrow = log.byMsg.get(r.msg);
      if (arrow && !arrow.arrived) {
        arrow.arrived = { atMs: r.atMs, seq: r.seq };
        log.spanMsMax = Math.max(log.spanMsMax, r.atMs - arrow.sentAtMs);
      }
      return;
    }
    case "fed.txn.ok":
    case "fed.txn.failed":
      return settleArrow(log, r);
    case "pdu.created":
      log.dots.push({ seq: r.seq, atMs: r.atMs, server: r.server, event: r.event, type: r.type });
      return;
    default: {
      const mark = markOf(r);
      if (mark)
        log.marks.push({
          seq: r.seq,
          atMs: r.atMs,
          kind: mark.kind,
          label: mark.label,
          ...(mark.server ? { server: mark.server } : {}),
        });
    }
  }
}

/** A transaction attempt: a new arrow, waiting for the network message that carries it. */
function startArrow(log: SpaceTimeLog, r: RecordOf<"fed.txn.sent">): void {
  const arrow: TxnArrow = {
    id: r.seq,
    from: r.server,
    to: r.destination,
    txnId: r.txnId,
    pdus: r.pdus.length,
    catchUp: r.catchUp,
    sentAtMs: r.atMs,
    seq: r.seq,
    msg: null,
    deliverAtMs: null,
    arrived: null,
    lost: null,
    outcome: null,
  };
  log.arrows.push(arrow);
  log.latest.set(`${r.server}|${r.txnId}`, arrow);
  log.awaiting.set(`${r.server}|PUT /_matrix/federation/v1/send/${r.txnId}`, arrow);
}

/** A network message sent (or lost as it was sent): matched to the arrow awaiting it; a loss ends the arrow. */
function matchMessage(log: SpaceTimeLog, r: RecordOf<"net.sent" | "net.dropped">): void {
  const key = `${r.from}|${r.what}`;
  const waiting = messageKind(r.what) === "txn" ? log.awaiting.get(key) : undefined;
  if (waiting) {
    log.awaiting.delete(key);
    waiting.msg = r.msg;
    if (r.kind === "net.sent") waiting.deliverAtMs = r.deliverAtMs;
    log.byMsg.set(r.msg, waiting);
  }
  if (r.kind === "net.dropped") {
    const arrow = log.byMsg.get(r.msg);
    if (arrow && !arrow.arrived && !arrow.lost) {
      arrow.lost = { atMs: r.atMs, seq: r.seq, fault: r.fault };
      log.spanMsMax = Math.max(log.spanMsMax, r.atMs - arrow.sentAtMs);
    }
  }
}

/** The sender learns how its latest attempt of a transaction went. */
function settleArrow(log: SpaceTimeLog, r: RecordOf<"fed.txn.ok" | "fed.txn.failed">): void {
  const arrow = log.latest.get(`${r.server}|${r.txnId}`);
  if (arrow && !arrow.outcome) {
    arrow.outcome = {
      ok: r.kind === "fed.txn.ok",
      atMs: r.atMs,
      seq: r.seq,
      ...(r.kind === "fed.txn.failed" ? { error: r.error } : {}),
    };
    log.spanMsMax = Math.max(log.spanMsMax, r.atMs - arrow.sentAtMs);
  }
}

/** The mark a record puts on the time axis, if any (crashes and restarts on their server's lane). */
function markOf(r: TraceRecord): { kind: MarkKind; label: string; server?: string } | null {
  switch (r.kind) {
    case "fault.partition":
      return { kind: "cut", label: `cut ${cutsLabel(r.cuts, r.mode)}` };
    case "fault.repair":
      return { kind: "repair", label: `repaired ${r.cuts.map((c) => `${c.from}→${c.to}`).join(" ")}` };
    case "fault.release":
      return { kind: "release", label: `released ${r.released} held` };
    case "server.crash":
      return { kind: "crash", label: `${r.server} crashed`, server: r.server };
    case "server.restart":
      return { kind: "restart", label: `${r.server} restarted`, server: r.server };
    case "run.intervention":
      return { kind: "intervention", label: describeAction(r.action) };
    case "run.fork":
      return { kind: "fork", label: `fork: seed ${r.seed}` };
    case "run.phase":
      return r.phase === "heal" ? { kind: "heal", label: "heal" } : null;
    case "note":
      return { kind: "note", label: r.text };
    case "client.action":
      return r.ok
        ? null
        : { kind: "refused", label: `refused: ${r.action} by ${r.user} (${r.error ?? "?"})`, server: r.server };
    default:
      return null;
  }
}

/** How an arrow looked at `seq`: still flying, arrived, lost, and whether its sender saw it succeed. */
export interface ArrowAt {
  state: "flying" | "arrived" | "lost";
  /** When it arrived or was lost (null while flying). */
  endAtMs: number | null;
  outcome: "ok" | "failed" | null;
}

export function arrowAt(a: TxnArrow, seq: number): ArrowAt {
  const arrived = a.arrived && a.arrived.seq <= seq ? a.arrived : null;
  const lost = a.lost && a.lost.seq <= seq ? a.lost : null;
  const outcome = a.outcome && a.outcome.seq <= seq ? (a.outcome.ok ? "ok" : "failed") : null;
  if (arrived) return { state: "arrived", endAtMs: arrived.atMs, outcome };
  if (lost) return { state: "lost", endAtMs: lost.atMs, outcome };
  // Failed without a loss on the wire (a timeout, an error status): it ends at the failure.
  if (outcome === "failed") return { state: "lost", endAtMs: a.outcome!.atMs, outcome };
  return { state: "flying", endAtMs: null, outcome };
}

/** How many items (sorted by seq) have seq ≤ the given one. */
export function countUpTo<T extends { seq: number }>(items: readonly T[], seq: number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (items[mid]!.seq <= seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
