// A server's DAG kept up to date as the cursor moves on, at a cost proportional to what
// changed: while playing, a few events arrive per refresh, and dagAt() would rebuild
// and lay out every event the server ever stored (hundreds per server, twelve servers,
// five times a second). The trail holds the last DAG with what extending it needs (the
// nodes by id, the ids cited) and extends it with the entries stored since: the rows
// from the lowest new depth on are laid out again, everything above them is kept. When
// the log changed in a way that could move what is kept — an older entry's outcome
// changed or it was redacted, or a new event is cited by one already there (it arrived
// after its child) — or the cursor went back, it is rebuilt with dagAt(). Either way the
// result equals dagAt(log, seq) (test/viz/dag-trail.test.ts checks it on real runs).

import { dagAt, layRows, type DagEdge, type DagNode, type ServerDag } from "./dag.ts";
import { entriesUpTo, type DagEntry, type DagLog } from "./dag-log.ts";
import { nodeAt } from "./dag.ts";

export interface DagTrail {
  log: DagLog;
  seq: number;
  /** Entries of the log the DAG holds (the first `count`). */
  count: number;
  dag: ServerDag;
  byId: Map<string, DagNode>;
  /** Ids cited as a prev event by an accepted node (not an extremity). */
  citedByAccepted: Set<string>;
  /** Ids cited as a prev event by any node. */
  citedByAny: Set<string>;
  /** Each row's depth and width (last column + 1), in row order. */
  rowDepths: number[];
  rowWidths: number[];
}

/** The DAG at `seq`, extending `trail` when it can. The trail returned replaces the one passed in. */
export function dagTrailAt(log: DagLog, seq: number, trail: DagTrail | undefined): DagTrail {
  if (trail && trail.log === log && trail.seq <= seq) {
    const extended = extend(trail, seq);
    if (extended) return extended;
  }
  return trailOf(log, seq, dagAt(log, seq));
}

function trailOf(log: DagLog, seq: number, dag: ServerDag): DagTrail {
  const byId = new Map<string, DagNode>();
  const citedByAccepted = new Set<string>();
  const citedByAny = new Set<string>();
  const rowDepths: number[] = [];
  const rowWidths: number[] = [];
  for (const n of dag.nodes) {
    byId.set(n.id, n);
    for (const p of n.prevEvents) {
      citedByAny.add(p);
      if (n.status === "accepted") citedByAccepted.add(p);
    }
    rowDepths[n.row] = n.depth;
    rowWidths[n.row] = Math.max(rowWidths[n.row] ?? 0, n.col + 1);
  }
  return { log, seq, count: entriesUpTo(log, seq), dag, byId, citedByAccepted, citedByAny, rowDepths, rowWidths };
}

/** Whether an entry already in the DAG changed between the two seqs (outcome, backfill, redaction). */
function changedBetween(e: DagEntry, fromSeq: number, toSeq: number): boolean {
  for (const c of e.changes) if (c.seq > fromSeq && c.seq <= toSeq) return true;
  return e.redacted !== null && e.redacted.seq > fromSeq && e.redacted.seq <= toSeq;
}

function extend(trail: DagTrail, seq: number): DagTrail | null {
  const { log, dag } = trail;
  const count = entriesUpTo(log, seq);
  for (let i = 0; i < trail.count; i++) if (changedBetween(log.entries[i]!, trail.seq, seq)) return null;
  if (count === trail.count) return { ...trail, seq };
  const added: DagNode[] = [];
  for (let i = trail.count; i < count; i++) {
    const node = nodeAt(log.entries[i]!, seq);
    // A parent stored after its child would move the child's edges and column: rebuild.
    if (trail.citedByAny.has(node.id)) return null;
    added.push(node);
  }
  const byId = trail.byId;
  const nodes = dag.nodes.slice();
  const index = new Map<string, number>();
  // Kept nodes whose row must be laid out again, or that stop being an extremity, are copied:
  // the DAG handed out before is never changed.
  const lowest = added.reduce((d, n) => Math.min(d, n.depth), Infinity);
  let firstRow = trail.rowDepths.findIndex((d) => d >= lowest);
  if (firstRow < 0) firstRow = trail.rowDepths.length;
  const relaid: DagNode[] = [];
  nodes.forEach((n, i) => {
    if (n.depth < lowest) return;
    const copy = { ...n };
    nodes[i] = copy;
    byId.set(copy.id, copy);
    index.set(copy.id, i);
    relaid.push(copy);
  });
  const citedByAccepted = trail.citedByAccepted;
  const citedByAny = trail.citedByAny;
  const counts = { ...dag.counts };
  let redacted = dag.redacted;
  const edges: DagEdge[] = dag.edges.slice();
  for (const node of added) {
    counts[node.status]++;
    if (node.redacted) redacted++;
    byId.set(node.id, node);
    nodes.push(node);
  }
  for (const node of added) {
    for (const p of node.prevEvents) {
      citedByAny.add(p);
      if (node.status === "accepted") citedByAccepted.add(p);
      if (byId.has(p)) edges.push({ id: `${node.id}>${p}`, from: node.id, to: p });
    }
  }
  // Extremities: the kept ones no new accepted event cites, and the new accepted ones nobody cites.
  const extremities: string[] = [];
  for (const id of dag.extremities) {
    if (!citedByAccepted.has(id)) {
      extremities.push(id);
      continue;
    }
    const i = index.get(id) ?? nodes.findIndex((n) => n.id === id);
    const copy = index.has(id) ? nodes[i]! : { ...nodes[i]! };
    copy.extremity = false;
    nodes[i] = copy;
    byId.set(id, copy);
  }
  for (const node of added)
    if (node.status === "accepted" && !citedByAccepted.has(node.id)) {
      node.extremity = true;
      extremities.push(node.id);
    }
  extremities.sort();
  const widths = layRows([...relaid, ...added], byId, firstRow);
  const rowWidths = trail.rowWidths.slice(0, firstRow).concat(widths);
  const rowDepths = trail.rowDepths.slice(0, firstRow);
  for (const n of [...relaid, ...added]) rowDepths[n.row] = n.depth;
  const next: ServerDag = {
    server: dag.server,
    room: dag.room,
    nodes,
    edges,
    extremities,
    width: extremities.length,
    rows: rowDepths.length,
    columns: rowWidths.reduce((a, b) => Math.max(a, b), 0),
    counts,
    redacted,
  };
  return { log, seq, count, dag: next, byId, citedByAccepted, citedByAny, rowDepths, rowWidths };
}
