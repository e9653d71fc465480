// Each server's copy of the selected room's DAG, side by side: events by depth (newest
// at the top), prev-event edges, colour by outcome, the forward extremities ringed and
// labelled, the room's width in the header. Hovering an event shows its content, auth
// events and prev events; clicking one selects it (to explain the state before it). A
// long room shows its newest rows; the SVG export (model/dag-svg.ts) has all of it.

import { select } from "d3";
import { DAG_NODE_R, dagHeightPx, dagWidthPx, EXTREMITY_COLOUR, extremityLabels, nodeX, nodeY, STATUS_COLOURS, STATUS_LABELS } from "../model/dag-geometry.ts";
import { newestRows, type DagNode, type ServerDag } from "../model/dag.ts";
import { describeContent } from "../model/describe.ts";
import type { Tooltip } from "./tooltip.ts";
import { stepTransition } from "./transitions.ts";

/** Rows drawn per server; older rows are left to the export. */
export const DAG_ROWS_SHOWN = 120;

export interface DagCallbacks {
  eventClicked(server: string, event: DagNode): void;
}

export class DagView {
  private readonly root;
  /** The latest DAG of each server, for hovers on nodes drawn earlier. */
  private readonly latest = new Map<string, ServerDag>();

  constructor(
    container: HTMLElement,
    private readonly tooltip: Tooltip,
    private readonly callbacks: DagCallbacks,
  ) {
    this.root = select(container);
  }

  update(dags: readonly ServerDag[], selected: { server: string; event: string } | null): void {
    const t = stepTransition("dag");
    this.latest.clear();
    for (const d of dags) this.latest.set(d.server, d);
    const panels = this.root
      .selectAll<HTMLDivElement, ServerDag>("div.dag-panel")
      .data(dags, (d) => d.server)
      .join((enter) => {
        const e = enter.append("div").attr("class", "dag-panel");
        const h = e.append("div").attr("class", "dag-header");
        h.append("span").attr("class", "dag-server");
        h.append("span").attr("class", "dag-width");
        h.append("span").attr("class", "dag-counts");
        const svg = e.append("div").attr("class", "dag-scroll").append("svg");
        svg.append("g").attr("class", "edges");
        svg.append("g").attr("class", "nodes");
        svg.append("g").attr("class", "head-labels");
        return e;
      })
      .attr("data-testid", (d) => `dag-${d.server}`)
      .attr("data-width", (d) => String(d.width));
    panels.select(".dag-server").text((d) => d.server);
    panels
      .select(".dag-width")
      .attr("data-testid", (d) => `dag-width-${d.server}`)
      .classed("wide", (d) => d.width > 1)
      .text((d) => (d.nodes.length ? `width ${d.width}` : "not in the room"));
    panels.select(".dag-counts").text((d) => countsText(d));

    const self = this;
    panels.each(function (full) {
      const dag = newestRows(full, DAG_ROWS_SHOWN);
      const svg = select(this).select<SVGSVGElement>("svg").attr("width", dagWidthPx(dag)).attr("height", dagHeightPx(dag));
      const pos = new Map(dag.nodes.map((n) => [n.id, { x: nodeX(n), y: nodeY(n, dag) }] as const));
      svg
        .select("g.edges")
        .selectAll<SVGLineElement, { id: string; from: string; to: string }>("line")
        .data(dag.edges, (e) => e.id)
        .join((enter) => enter.append("line").attr("opacity", 0))
        .transition(t)
        .attr("opacity", 1)
        .attr("x1", (e) => pos.get(e.from)!.x)
        .attr("y1", (e) => pos.get(e.from)!.y)
        .attr("x2", (e) => pos.get(e.to)!.x)
        .attr("y2", (e) => pos.get(e.to)!.y);
      const nodes = svg
        .select("g.nodes")
        .selectAll<SVGGElement, DagNode>("g.dag-node")
        .data(dag.nodes, (n) => n.id)
        .join((enter) => {
          const e = enter
            .append("g")
            .attr("class", "dag-node")
            .attr("opacity", 0)
            .attr("transform", (n) => `translate(${pos.get(n.id)!.x},${pos.get(n.id)!.y})`);
          e.append("circle").attr("r", DAG_NODE_R);
          const server = full.server;
          e.on("mouseenter", (event: MouseEvent, n) => self.tooltip.show(event, hoverHtml(server, n, self.latest.get(server) ?? full)))
            .on("mousemove", (event: MouseEvent) => self.tooltip.move(event))
            .on("mouseleave", () => self.tooltip.hide())
            .on("click", (_event, n) => self.callbacks.eventClicked(server, n));
          return e;
        })
        .attr("data-status", (n) => n.status)
        .attr("data-extremity", (n) => String(n.extremity))
        .attr("data-event", (n) => n.id)
        .classed("extremity", (n) => n.extremity)
        .classed("redacted", (n) => n.redacted)
        .classed("local", (n) => n.local)
        .classed("selected", (n) => selected?.server === full.server && selected.event === n.id);
      nodes
        .select("circle")
        .attr("fill", (n) => (n.status === "outlier" ? "white" : STATUS_COLOURS[n.status]))
        .attr("stroke", (n) => (n.extremity ? EXTREMITY_COLOUR : STATUS_COLOURS[n.status]))
        .attr("stroke-width", (n) => (n.extremity ? 3 : 1.5));
      svg
        .select("g.head-labels")
        .selectAll<SVGTextElement, { row: number; x: number; y: number; text: string }>("text")
        .data(extremityLabels(dag), (l) => String(l.row))
        .join("text")
        .attr("class", "label")
        .attr("dy", 4)
        .text((l) => l.text)
        .transition(t)
        .attr("x", (l) => l.x)
        .attr("y", (l) => l.y);
      nodes
        .transition(t)
        .attr("opacity", (n) => (n.redacted ? 0.45 : 1))
        .attr("transform", (n) => `translate(${pos.get(n.id)!.x},${pos.get(n.id)!.y})`);
    });
  }
}

function countsText(d: ServerDag): string {
  const parts = [`${d.counts.accepted} accepted`];
  if (d.counts.soft_failed) parts.push(`${d.counts.soft_failed} soft-failed`);
  if (d.counts.rejected) parts.push(`${d.counts.rejected} rejected`);
  if (d.counts.outlier) parts.push(`${d.counts.outlier} outliers`);
  return parts.join(" · ");
}

function shortType(type: string): string {
  return type.replace(/^m\.room\./, "");
}

function esc(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function refs(ids: readonly string[], dag: ServerDag): string {
  if (ids.length === 0) return "<i>none</i>";
  const byId = new Map(dag.nodes.map((n) => [n.id, n] as const));
  return ids
    .map((id) => {
      const n = byId.get(id);
      return `<code>${esc(id.slice(0, 9))}</code> ${n ? esc(shortType(n.type)) : "<i>not held</i>"}`;
    })
    .join("<br>");
}

function hoverHtml(server: string, n: DagNode, dag: ServerDag): string {
  const status = `${STATUS_LABELS[n.status]}${n.reason ? ` — ${esc(n.reason)}` : ""}${n.backfilled ? " (backfilled)" : ""}${n.redacted ? " · redacted" : ""}`;
  return (
    `<div class="tip-title">${esc(n.type)}${n.stateKey ? ` <code>${esc(n.stateKey)}</code>` : ""}</div>` +
    `<div><code>${esc(n.id)}</code> on ${esc(server)}</div>` +
    `<div>by ${esc(n.sender)} · depth ${n.depth}${n.extremity ? " · <b>forward extremity</b>" : ""}</div>` +
    `<div class="tip-status tip-${n.status}">${status}</div>` +
    `<div class="tip-summary">${esc(describeContent(n))}</div>` +
    `<div class="tip-section">content</div><pre>${esc(JSON.stringify(n.content, null, 1))}</pre>` +
    `<div class="tip-section">prev events</div><div>${refs(n.prevEvents, dag)}</div>` +
    `<div class="tip-section">auth events</div><div>${refs(n.authEvents, dag)}</div>`
  );
}
