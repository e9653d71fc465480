// Metrics that only observe a run: they read the trace as records are added and the
// servers' rooms between steps, and never schedule, draw or record anything, so a run's
// trace hash is the same with or without them (test/scenarios/experiment-metrics.test.ts).
//
// Width is the number of forward extremities of the room DAG: per server, what its room
// store holds; the union, the heads of every event created anywhere (the DAG an
// omniscient observer sees, as in Jacob et al.). Samples are taken every `everyMs` of
// virtual time: a sample at t is the state once every action due at or before t has run.

import { canonicalJson, type EventId, type RoomId } from "../../core/index.ts";
import type { TraceRecord, World } from "../../sim/index.ts";

const DUMMY_EVENT_TYPE = "org.matrix.dummy_event";

export interface MetricsOptions {
  /** Sample every this many ms of virtual time. */
  everyMs: number;
  /** The room observed (known once it is created). */
  roomId: () => RoomId | undefined;
}

/** Width series, one entry per sample. */
export interface WidthSeries {
  atMs: number[];
  /** Heads of the union DAG. */
  union: number[];
  /** Mean and largest width over the servers that hold the room. */
  serverMean: number[];
  serverMax: number[];
}

export interface RunMetrics {
  width: WidthSeries;
  /** Events created (dummies included) and the dummies among them. */
  eventsCreated: number;
  dummyEvents: number;
  /** Mean number of prev_events of a created event. */
  prevEventsMean: number;
  /** From pdu.created on its origin to pdu.accepted on another server, over every pair. */
  latencyMs: { mean: number; p95: number; max: number; count: number };
  /** Per receiving server: mean created→accepted latency. */
  latencyMsByServer: Record<string, number>;
  getMissingEvents: number;
  stateIds: number;
  /** Network messages sent, and the canonical-JSON bytes of the PDUs put in transactions. */
  messagesSent: number;
  pduBytesSent: number;
  /** From the heal until every server held the same single forward extremity (null: never seen). */
  widthOneAfterHealMs: number | null;
}

export class MetricsObserver {
  private readonly series: WidthSeries = { atMs: [], union: [], serverMean: [], serverMax: [] };
  private nextSampleMs = 0;
  private readonly unionHeads = new Set<string>();
  private readonly cited = new Set<string>();
  private readonly createdAt = new Map<string, { atMs: number; server: string }>();
  private readonly latencies: number[] = [];
  private readonly latencyByServer = new Map<string, { sum: number; n: number }>();
  private readonly pduBytes = new Map<string, number>();
  private eventsCreated = 0;
  private dummyEvents = 0;
  private prevEventsTotal = 0;
  private getMissingEvents = 0;
  private stateIds = 0;
  private pduBytesSent = 0;
  private healAtMs: number | null = null;
  private widthOneAtMs: number | null = null;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly world: World,
    private readonly options: MetricsOptions,
  ) {
    if (!(options.everyMs > 0)) throw new Error(`metrics: everyMs must be above 0, got ${options.everyMs}`);
    this.unsubscribe = world.trace.subscribe((r) => this.onRecord(r));
  }

  /** Call between steps with the time of the next action: takes every sample due before it. */
  beforeStep(nextAtMs: number): void {
    while (this.nextSampleMs < nextAtMs) {
      this.sample(this.nextSampleMs);
      this.nextSampleMs += this.options.everyMs;
    }
    if (this.healAtMs !== null && this.widthOneAtMs === null && this.world.sim.nowMs >= this.healAtMs) {
      if (this.oneSharedHead()) this.widthOneAtMs = this.world.sim.nowMs;
    }
  }

  /** The network heals now (after a partition): from here, wait for width 1. */
  markHeal(atMs: number): void {
    this.healAtMs = atMs;
  }

  /** Samples up to `endMs` (the rest of the horizon holds the last state), then the figures. */
  finish(endMs: number): RunMetrics {
    this.beforeStep(endMs + 1);
    this.unsubscribe();
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const byServer: Record<string, number> = {};
    for (const [s, { sum, n }] of [...this.latencyByServer].sort(([a], [b]) => (a < b ? -1 : 1)))
      byServer[s] = round3(sum / n);
    return {
      width: this.series,
      eventsCreated: this.eventsCreated,
      dummyEvents: this.dummyEvents,
      prevEventsMean: round3(this.eventsCreated ? this.prevEventsTotal / this.eventsCreated : 0),
      latencyMs: {
        mean: round3(sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : 0),
        p95: sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)]! : 0,
        max: sorted.length ? sorted[sorted.length - 1]! : 0,
        count: sorted.length,
      },
      latencyMsByServer: byServer,
      getMissingEvents: this.getMissingEvents,
      stateIds: this.stateIds,
      messagesSent: this.world.summary().network.sent,
      pduBytesSent: this.pduBytesSent,
      widthOneAfterHealMs:
        this.healAtMs === null || this.widthOneAtMs === null ? null : this.widthOneAtMs - this.healAtMs,
    };
  }

  private sample(atMs: number): void {
    const widths = this.serverWidths();
    this.series.atMs.push(atMs);
    this.series.union.push(this.unionHeads.size);
    this.series.serverMean.push(round3(widths.length ? widths.reduce((a, b) => a + b, 0) / widths.length : 0));
    this.series.serverMax.push(widths.reduce((a, b) => Math.max(a, b), 0));
  }

  /** Every server that holds the room holds the same single forward extremity. */
  private oneSharedHead(): boolean {
    const roomId = this.options.roomId();
    if (!roomId) return false;
    const heads = new Set<string>();
    for (const name of this.world.serverNames()) {
      const ids = this.world.server(name).room(roomId)?.extremityIds();
      if (!ids) continue;
      if (ids.length !== 1) return false;
      heads.add(ids[0]!);
    }
    return heads.size === 1;
  }

  private serverWidths(): number[] {
    const roomId = this.options.roomId();
    if (!roomId) return [];
    const out: number[] = [];
    for (const name of this.world.serverNames()) {
      const room = this.world.server(name).room(roomId);
      if (room) out.push(room.extremityIds().length);
    }
    return out;
  }

  private onRecord(r: TraceRecord): void {
    switch (r.kind) {
      case "pdu.created":
        if (r.room !== this.options.roomId()) return;
        this.eventsCreated++;
        this.prevEventsTotal += r.prevEvents.length;
        if (r.type === DUMMY_EVENT_TYPE) this.dummyEvents++;
        this.createdAt.set(r.event, { atMs: r.atMs, server: r.server });
        for (const p of r.prevEvents) {
          this.cited.add(p);
          this.unionHeads.delete(p);
        }
        if (!this.cited.has(r.event)) this.unionHeads.add(r.event);
        return;
      case "pdu.accepted": {
        const created = this.createdAt.get(r.event);
        if (!created || created.server === r.server) return;
        const latency = r.atMs - created.atMs;
        this.latencies.push(latency);
        const s = this.latencyByServer.get(r.server) ?? { sum: 0, n: 0 };
        s.sum += latency;
        s.n++;
        this.latencyByServer.set(r.server, s);
        return;
      }
      case "rpc.request":
        if (r.path.includes("/get_missing_events/")) this.getMissingEvents++;
        else if (r.path.includes("/state_ids/")) this.stateIds++;
        return;
      case "fed.txn.sent":
        for (const id of r.pdus) this.pduBytesSent += this.bytesOf(r.server, id);
        return;
      default:
        return;
    }
  }

  /** The canonical JSON size of a PDU the server holds (computed once per event). */
  private bytesOf(server: string, eventId: string): number {
    let bytes = this.pduBytes.get(eventId);
    if (bytes === undefined) {
      const roomId = this.options.roomId();
      const pdu = roomId
        ? this.world
            .server(server)
            .room(roomId)
            ?.get(eventId as EventId)?.pdu
        : undefined;
      bytes = pdu ? canonicalJson(pdu).length : 0;
      this.pduBytes.set(eventId, bytes);
    }
    return bytes;
  }
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
