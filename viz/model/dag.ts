// One server's copy of a room's DAG as it stood at a seq, laid out for drawing: a row
// per distinct depth (empty depths are skipped, so a late joiner's backfilled history
// does not leave a tall hole), a column per event within its row, ordered by where its
// parents sit so that a fork's branches stay in their own columns. The forward
// extremities are the accepted events that no accepted event cites as a prev event —
// the same rule as the homeserver's store (sim/homeserver/room-store.ts).

import type { JsonObject } from "../../core/index.ts";
import { entriesUpTo, statusAt, type DagEntry, type DagLog, type EventStatus } from "./dag-log.ts";

export interface DagNode {
  id: string;
  /** A few characters of the id, for labels. */
  short: string;
  type: string;
  stateKey?: string;
  sender: string;
  depth: number;
  originServerTs: number;
  status: EventStatus;
  reason?: string;
  backfilled: boolean;
  /** Created by a user of this server. */
  local: boolean;
  redacted: boolean;
  extremity: boolean;
  row: number;
  col: number;
  prevEvents: string[];
  authEvents: string[];
  content: JsonObject;
  /** The seq at which this server stored it. */
  seq: number;
}

export interface DagEdge {
  /** "child>parent" */
  id: string;
  from: string;
  to: string;
}

export interface ServerDag {
  server: string;
  room: string;
  nodes: DagNode[];
  edges: DagEdge[];
  /** Sorted ids of the forward extremities. */
  extremities: string[];
  /** The room's width on this server: how many forward extremities. */
  width: number;
  rows: number;
  columns: number;
  counts: Record<EventStatus, number>;
  /** How many of the events are redacted (the view compares it instead of walking every node). */
  redacted: number;
}

export function shortId(id: string): string {
  return id.replace(/^\$/, "").slice(0, 5);
}

export function dagAt(log: DagLog, seq: number): ServerDag {
  const n = entriesUpTo(log, seq);
  const nodes: DagNode[] = [];
  const byId = new Map<string, DagNode>();
  const counts: Record<EventStatus, number> = { accepted: 0, soft_failed: 0, rejected: 0, outlier: 0 };
  let redacted = 0;
  for (let i = 0; i < n; i++) {
    const node = nodeAt(log.entries[i]!, seq);
    counts[node.status]++;
    if (node.redacted) redacted++;
    nodes.push(node);
    byId.set(node.id, node);
  }
  const cited = new Set<string>();
  for (const node of nodes) if (node.status === "accepted") for (const p of node.prevEvents) cited.add(p);
  const extremities: string[] = [];
  for (const node of nodes) {
    if (node.status === "accepted" && !cited.has(node.id)) {
      node.extremity = true;
      extremities.push(node.id);
    }
  }
  extremities.sort();
  const edges: DagEdge[] = [];
  for (const node of nodes)
    for (const p of node.prevEvents) if (byId.has(p)) edges.push({ id: `${node.id}>${p}`, from: node.id, to: p });
  const { rows, columns } = layout(nodes, byId);
  return {
    server: log.server,
    room: log.room,
    nodes,
    edges,
    extremities,
    width: extremities.length,
    rows,
    columns,
    counts,
    redacted,
  };
}

/** One stored event as it stood at `seq` (row, column and extremity left for the caller). */
export function nodeAt(e: DagEntry, seq: number): DagNode {
  const st = statusAt(e, seq)!;
  const s = e.summary;
  let backfilled = false;
  let acceptedHere = false;
  for (const c of e.changes) {
    if (c.seq > seq) break;
    if (c.backfilled === true) backfilled = true;
    if (c.status === "accepted") acceptedHere = true;
  }
  // Built as one literal, the optional fields set after: a spread inside a literal this
  // size sends V8 down a slow path (a few µs a node, most of a busy frame at 12 servers).
  const node: DagNode = {
    id: e.id,
    short: shortId(e.id),
    type: s.type,
    sender: s.sender,
    depth: s.depth,
    originServerTs: s.originServerTs,
    status: st.status,
    backfilled,
    local: e.local && acceptedHere,
    redacted: e.redacted !== null && e.redacted.seq <= seq,
    extremity: false,
    row: 0,
    col: 0,
    prevEvents: s.prevEvents,
    authEvents: s.authEvents,
    content: s.content,
    seq: e.seq,
  };
  if (s.stateKey !== undefined) node.stateKey = s.stateKey;
  if (st.reason) node.reason = st.reason;
  return node;
}

/** Rows by depth; within a row, ordered by the mean column of the parents already placed (then time, then id). */
function layout(nodes: DagNode[], byId: ReadonlyMap<string, DagNode>): { rows: number; columns: number } {
  const placed = layRows(nodes, byId, 0);
  return { rows: placed.length, columns: placed.reduce((a, b) => Math.max(a, b), 0) };
}

/**
 * Place `nodes` in rows by depth from row `firstRow` on, each row ordered by the mean
 * column of its parents at a lower depth (looked up in `byId`, which must hold the nodes
 * already placed), then time, then id. Returns each row's width (its last column + 1).
 */
export function layRows(nodes: readonly DagNode[], byId: ReadonlyMap<string, DagNode>, firstRow: number): number[] {
  const byDepth = new Map<number, DagNode[]>();
  for (const node of nodes) {
    const row = byDepth.get(node.depth);
    if (row) row.push(node);
    else byDepth.set(node.depth, [node]);
  }
  const depths = [...byDepth.keys()].sort((a, b) => a - b);
  const widths: number[] = [];
  depths.forEach((depth, i) => {
    const row = byDepth.get(depth)!;
    const key = new Map<DagNode, number>();
    for (const node of row) {
      let sum = 0;
      let placed = 0;
      for (const id of node.prevEvents) {
        const p = byId.get(id);
        if (p !== undefined && p.depth < depth) {
          sum += p.col;
          placed++;
        }
      }
      key.set(node, placed ? sum / placed : 0);
    }
    row.sort(
      (a, b) =>
        key.get(a)! - key.get(b)! || a.originServerTs - b.originServerTs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
    // Each event takes its parents' column when it is free, so a branch stays straight.
    let next = 0;
    for (const node of row) {
      node.row = firstRow + i;
      node.col = Math.max(next, Math.round(key.get(node)!));
      next = node.col + 1;
    }
    widths.push(next);
  });
  return widths;
}

/**
 * The newest rows of a DAG, at most `rowsMax` and at most about `nodesMax` events (all of
 * it when smaller): what the view draws of a long or wide room. The window moves on in
 * steps of `stepRows`, so that a new event shifts the drawing only now and then.
 */
export function newestRows(dag: ServerDag, rowsMax: number, stepRows = 1, nodesMax = Infinity): ServerDag {
  let keep = Math.min(rowsMax, dag.rows);
  if (nodesMax < dag.nodes.length) {
    const perRow = new Array<number>(dag.rows).fill(0);
    for (const n of dag.nodes) perRow[n.row]!++;
    let nodes = 0;
    let rows = 0;
    for (let r = dag.rows - 1; r >= 0 && rows < keep && nodes + perRow[r]! <= nodesMax; r--) {
      nodes += perRow[r]!;
      rows++;
    }
    keep = Math.max(1, rows);
  }
  if (keep >= dag.rows) return dag;
  // Steps of at most half the window, so that a step never leaves less than half of it.
  const step = Math.max(1, Math.min(stepRows, Math.ceil(keep / 2)));
  const first = Math.ceil((dag.rows - keep) / step) * step;
  const nodes = dag.nodes.filter((n) => n.row >= first).map((n) => ({ ...n, row: n.row - first }));
  const kept = new Set(nodes.map((n) => n.id));
  const edges = dag.edges.filter((e) => kept.has(e.from) && kept.has(e.to));
  return { ...dag, nodes, edges, rows: dag.rows - first, columns: Math.max(1, ...nodes.map((n) => n.col + 1)) };
}
