// Where a DAG's events go on screen and what colour their outcome is. Shared by the live
// DAG view (D3, SVG) and the SVG export, so an exported picture looks like the screen.

import type { EventStatus } from "./dag-log.ts";
import type { DagNode, ServerDag } from "./dag.ts";

export const DAG_ROW_PX = 26;
export const DAG_COL_PX = 26;
export const DAG_PAD_PX = 18;
export const DAG_NODE_R = 7;
/** Room to the right of the columns for the forward extremities' labels. */
export const DAG_LABEL_PX = 150;

export const STATUS_COLOURS: Record<EventStatus, string> = {
  accepted: "#2e9d5b",
  soft_failed: "#e59b2a",
  rejected: "#d64545",
  outlier: "#9aa3ad",
};

export const STATUS_LABELS: Record<EventStatus, string> = {
  accepted: "accepted",
  soft_failed: "soft-failed",
  rejected: "rejected",
  outlier: "outlier",
};

export const EXTREMITY_COLOUR = "#1f4fd1";

/** Oldest at the top, as a room's history reads; a new event never moves the ones before it. */
export function nodeX(n: Pick<DagNode, "col">): number {
  return DAG_PAD_PX + n.col * DAG_COL_PX;
}

export function nodeY(n: Pick<DagNode, "row">): number {
  return DAG_PAD_PX + n.row * DAG_ROW_PX;
}

export function dagWidthPx(dag: Pick<ServerDag, "columns">): number {
  return DAG_PAD_PX * 2 + Math.max(1, dag.columns) * DAG_COL_PX + DAG_LABEL_PX;
}

export function dagHeightPx(dag: Pick<ServerDag, "rows">): number {
  return DAG_PAD_PX * 2 + Math.max(1, dag.rows) * DAG_ROW_PX;
}

/**
 * Labels for the forward extremities, one per row at the right of the columns (two heads
 * side by side would otherwise write over each other): "kK_0H topic · m7Yfq message".
 */
export function extremityLabels(
  dag: Pick<ServerDag, "nodes" | "columns" | "rows">,
): Array<{ row: number; x: number; y: number; text: string }> {
  const byRow = new Map<number, DagNode[]>();
  for (const n of dag.nodes) if (n.extremity) byRow.set(n.row, [...(byRow.get(n.row) ?? []), n]);
  return [...byRow.entries()]
    .sort(([a], [b]) => a - b)
    .map(([row, nodes]) => ({
      row,
      x: DAG_PAD_PX + Math.max(1, dag.columns) * DAG_COL_PX - DAG_COL_PX / 2 + DAG_NODE_R + 2,
      y: nodeY({ row }),
      text: nodes
        .sort((a, b) => a.col - b.col)
        .map((n) => `${n.short} ${n.type.replace(/^m\.room\./, "")}`)
        .join(" · "),
    }));
}
