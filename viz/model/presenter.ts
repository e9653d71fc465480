// What the presenter layout shows, as plain data: for each server its room as a short
// lane of the newest events (each with the server that created it, a readable label
// such as "topic: minority", and whether it is one of that server's heads), the servers
// grouped by the state they hold (group letters A, B, … so the colour is never the only
// cue), and the state keys the groups disagree on with each group's value. Pure: the
// view binds it.

import { describeContent } from "./describe.ts";
import type { DagNode, ServerDag } from "./dag.ts";
import type { EventStatus } from "./dag-log.ts";
import type { StateTable } from "./state-table.ts";

/** Events shown per lane: the newest ones (the full DAG is one click away). */
export const LANE_EVENTS_MAX = 6;

export interface LaneEvent {
  id: string;
  type: string;
  sender: string;
  stateKey?: string;
  /** An m.room.member event's membership (what a note's "joins" or "bans" names). */
  membership?: string;
  /** "topic: minority", "message: hello", "join: bob" */
  label: string;
  /** The server of its sender: who created it. */
  creator: string;
  status: EventStatus;
  head: boolean;
}

export interface ServerLane {
  server: string;
  events: LaneEvent[];
  /** How many heads (forward extremities) the room has on this server. */
  heads: number;
  /** Index into `groups` (null: the server holds no state for the room). */
  group: number | null;
}

export interface StateGroup {
  /** "A", "B", …: a letter, so that the colour is backed by a glyph. */
  letter: string;
  servers: string[];
}

export interface Difference {
  label: string;
  /** One value per group, in group order ("—": the key is not in that group's state). */
  values: Array<{ letter: string; text: string; servers: string[] }>;
}

export interface Presenter {
  lanes: ServerLane[];
  groups: StateGroup[];
  differences: Difference[];
}

export function presenterAt(dags: readonly ServerDag[], table: StateTable): Presenter {
  const groups = groupsOf(table);
  const groupOf = new Map<string, number>();
  groups.forEach((g, i) => g.servers.forEach((s) => groupOf.set(s, i)));
  const lanes = dags
    .filter((d) => d.nodes.length > 0 || groupOf.has(d.server))
    .map((d) => ({
      server: d.server,
      events: newest(d.nodes, LANE_EVENTS_MAX).map(laneEvent),
      heads: d.width,
      group: groupOf.get(d.server) ?? null,
    }));
  const differences: Difference[] = table.rows
    .filter((r) => r.disagree)
    .map((r) => ({
      label: r.label,
      values: groups.map((g) => ({
        letter: g.letter,
        text: r.cells[g.servers[0]!]?.text ?? "—",
        servers: g.servers,
      })),
    }));
  return { lanes, groups, differences };
}

/** Servers with identical state, grouped; groups ordered by their first server. */
export function groupsOf(table: StateTable): StateGroup[] {
  const bySignature = new Map<string, string[]>();
  for (const s of table.servers) {
    const sig = table.rows.map((r) => r.cells[s]?.eventId ?? "").join(",");
    const list = bySignature.get(sig);
    if (list) list.push(s);
    else bySignature.set(sig, [s]);
  }
  const lists = [...bySignature.values()].sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
  return lists.map((servers, i) => ({ letter: letter(i), servers }));
}

function letter(i: number): string {
  return i < 26 ? String.fromCharCode(65 + i) : `Z${i - 25}`;
}

/** The newest `max` events in the DAG's order (by row, then column), always keeping the heads. */
function newest(nodes: readonly DagNode[], max: number): DagNode[] {
  if (nodes.length <= max) return [...nodes].sort(byPlace);
  // One pass keeping the `max` last in order (a busy room holds hundreds of events; a lane shows six).
  const tail: DagNode[] = [];
  for (const n of nodes) {
    if (tail.length === max && byPlace(n, tail[0]!) <= 0) continue;
    let i = tail.length;
    while (i > 0 && byPlace(tail[i - 1]!, n) > 0) i--;
    tail.splice(i, 0, n);
    if (tail.length > max) tail.shift();
  }
  const kept = new Set(tail);
  const missing = nodes.filter((n) => n.extremity && !kept.has(n)).sort(byPlace);
  return missing.length ? [...missing, ...tail.slice(missing.length)] : tail;
}

function byPlace(a: DagNode, b: DagNode): number {
  return a.row - b.row || a.col - b.col;
}

function laneEvent(n: DagNode): LaneEvent {
  const membership = n.type === "m.room.member" ? n.content.membership : undefined;
  return {
    id: n.id,
    type: n.type,
    sender: n.sender,
    ...(n.stateKey !== undefined ? { stateKey: n.stateKey } : {}),
    ...(typeof membership === "string" ? { membership } : {}),
    label: eventLabel(n),
    creator: serverOf(n.sender),
    status: n.status,
    head: n.extremity,
  };
}

export function serverOf(user: string): string {
  const colon = user.indexOf(":");
  return colon < 0 ? user : user.slice(colon + 1);
}

/** "topic: minority": what happened, in words a class reads at a glance. */
export function eventLabel(n: Pick<DagNode, "type" | "stateKey" | "content" | "sender">): string {
  const who = (u: string | undefined) => (u ?? "").replace(/^@/, "").split(":")[0];
  const text = describeContent({ type: n.type, content: n.content, stateKey: n.stateKey }).replace(/^“|”$/g, "");
  switch (n.type) {
    case "m.room.create":
      return "room created";
    case "m.room.member":
      return `${text}: ${who(n.stateKey)}`;
    case "m.room.power_levels":
      return "power levels";
    case "m.room.join_rules":
      return `join rule: ${text}`;
    case "m.room.topic":
      return `topic: ${text}`;
    case "m.room.name":
      return `name: ${text}`;
    case "m.room.message":
      return `${who(n.sender)}: ${text}`;
    default:
      return n.type.replace(/^m\.room\./, "").replace(/_/g, " ");
  }
}
