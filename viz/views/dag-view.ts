// Each server's copy of the selected room's DAG, side by side: events by depth (oldest
// at the top, the view follows the newest), prev-event edges, colour by outcome, the
// forward extremities ringed and labelled, the room's width in the header. Hovering an
// event shows its content, auth events and prev events; clicking one selects it (to
// explain the state before it). A long room shows its newest rows; the SVG export
// (model/dag-svg.ts) has all of it. A panel whose DAG did not change is not touched, and
// only events that move take the "dag" transition: the view re-binds every frame, and a
// few stale panels are redrawn per frame, in turn. What keeps a busy room cheap is the
// window — at most DAG_NODES_SHOWN events per panel, moving on in steps — rather than a
// canvas: measured in headless Chromium with software compositing, a dozen canvases
// redrawn as events stream in cost more per frame than the SVG they replaced.

import { select, type Selection } from "d3";
import {
  DAG_NODE_R,
  dagHeightPx,
  dagWidthPx,
  EXTREMITY_COLOUR,
  extremityLabels,
  nodeX,
  nodeY,
  STATUS_COLOURS,
  STATUS_LABELS,
} from "../model/dag-geometry.ts";
import { newestRows, type DagEdge, type DagNode, type ServerDag } from "../model/dag.ts";
import { describeContent } from "../model/describe.ts";
import { setAttr, setClass } from "./dom-writes.ts";
import type { Tooltip } from "./tooltip.ts";
import { stepTransition, type SharedTransition } from "./transitions.ts";

/** Rows and events drawn per server at most; older rows are left to the export. */
export const DAG_ROWS_SHOWN = 160;
export const DAG_NODES_SHOWN = 200;
/** The drawn window moves on this many rows at a time. */
const DAG_ROWS_STEP = 20;

export interface DagCallbacks {
  eventClicked(server: string, event: DagNode): void;
}

/** What a panel shows, in one string: when it is unchanged the panel is left alone. */
function signature(d: ServerDag, selected: string | null): string {
  const c = d.counts;
  return `${d.nodes.length}|${d.rows}|${d.columns}|${c.accepted},${c.soft_failed},${c.rejected},${c.outlier}|${d.redacted}|${d.extremities.join(",")}|${selected ?? ""}`;
}

/** Panels redrawn per frame at most: twelve busy servers are drawn over a few frames, not in one long one. */
export const DAG_PANELS_PER_FRAME = 1;
/** More events than this moving at once (the window stepped on) jump instead of easing: easing hundreds is noise, and costly. */
const DAG_EASE_MAX = 40;

export class DagView {
  private readonly root;
  private lit: ReadonlySet<string> = new Set();
  private litKey = "";
  /** Where the round of redraws goes on next frame. */
  private next = 0;
  private readonly signatures = new WeakMap<ServerDag, string>();
  /** The latest DAG of each server, for hovers on nodes drawn earlier. */
  private readonly latest = new Map<string, ServerDag>();
  /** Panels that follow their newest events (the reader has not scrolled up). */
  private readonly following = new WeakMap<HTMLElement, boolean>();

  constructor(
    container: HTMLElement,
    private readonly tooltip: Tooltip,
    private readonly callbacks: DagCallbacks,
  ) {
    this.root = select(container);
  }

  /** Bind the DAGs; returns how many panels are still to redraw (next frame). */
  update(
    dags: readonly ServerDag[],
    selected: { server: string; event: string } | null,
    budget = DAG_PANELS_PER_FRAME,
    lit: ReadonlySet<string> = new Set(),
  ): number {
    // The events the walkthrough's note names: a change of note redraws every panel once.
    if (lit !== this.lit) {
      this.lit = lit;
      this.litKey = [...lit].sort().join(",");
    }
    this.latest.clear();
    for (const d of dags) this.latest.set(d.server, d);
    const panels = this.root
      .selectAll<HTMLDivElement, ServerDag>("div.dag-panel")
      .data(dags, (d) => d.server)
      .join((enter) => {
        const e = enter
          .append("div")
          .attr("class", "dag-panel")
          .attr("data-testid", (d) => `dag-${d.server}`);
        const h = e.append("div").attr("class", "dag-header");
        h.append("span").attr("class", "dag-server");
        h.append("span")
          .attr("class", "dag-width")
          .attr("data-testid", (d) => `dag-width-${d.server}`);
        h.append("span").attr("class", "dag-counts");
        const scroll = e.append("div").attr("class", "dag-scroll");
        // Whether to follow is decided when the reader scrolls, never by reading the
        // scroll position while drawing (that would force a layout per panel per frame).
        scroll.on("scroll", (event: Event) => {
          const s = event.currentTarget as HTMLDivElement;
          this.following.set(s, s.scrollTop + s.clientHeight >= s.scrollHeight - 30);
        });
        const svg = scroll.append("svg");
        svg.append("g").attr("class", "edges");
        svg.append("g").attr("class", "nodes");
        svg.append("g").attr("class", "head-labels");
        return e;
      });
    // The panels that show something else than their DAG now, drawn a few per frame in
    // turn (the caller calls again every frame until none is left).
    const stale: Array<{ panel: HTMLDivElement; dag: ServerDag; chosen: string | null; sig: string }> = [];
    panels.each((full, i, els) => {
      const chosen = selected?.server === full.server ? selected.event : null;
      let sig = this.signatures.get(full);
      if (sig === undefined || !sig.endsWith(`|${chosen ?? ""}`)) {
        sig = signature(full, chosen);
        this.signatures.set(full, sig);
      }
      const panel = els[i]!;
      sig = `${sig}#${this.litKey}`;
      if (panel.dataset.sig !== sig) stale.push({ panel, dag: full, chosen, sig });
    });
    const follow: HTMLDivElement[] = [];
    const start = this.next % Math.max(1, stale.length);
    const turn = [...stale.slice(start), ...stale.slice(0, start)].slice(0, budget);
    for (const p of turn) {
      p.panel.dataset.sig = p.sig;
      if (this.draw(p.panel, p.dag, p.chosen)) follow.push(p.panel.querySelector<HTMLDivElement>(".dag-scroll")!);
    }
    this.next = start + turn.length;
    // Scroll at the start of the next frame, when the page is laid out already: here,
    // after this frame's writes, reading the height made the browser lay out the whole
    // page on the spot (and a hover waited for it).
    if (follow.length)
      requestAnimationFrame(() => {
        for (const s of follow) s.scrollTop = s.scrollHeight;
      });
    return stale.length - turn.length;
  }

  /** Draw one panel; true when it should scroll to its newest events. */
  private draw(panel: HTMLDivElement, full: ServerDag, chosen: string | null): boolean {
    const t = stepTransition("dag");
    const dag = newestRows(full, DAG_ROWS_SHOWN, DAG_ROWS_STEP, DAG_NODES_SHOWN);
    drawHeader(panel, full, dag);

    const scroller = panel.querySelector<HTMLDivElement>(".dag-scroll")!;
    const previousRows = Number(panel.dataset.rows ?? "0");
    panel.dataset.rows = String(dag.rows);
    const svg = select(panel)
      .select<SVGSVGElement>("svg")
      .attr("width", dagWidthPx(dag))
      .attr("height", dagHeightPx(dag));
    const pos: Positions = new Map(dag.nodes.map((n) => [n.id, { x: nodeX(n), y: nodeY(n) }] as const));

    const moved: Element[] = [];
    bindEdges(svg, dag, pos, moved);
    this.bindNodes(svg, dag, full, chosen, pos, moved);
    bindHeadLabels(svg, dag);
    moveToPlace(svg, moved, pos, t);
    // Follow the newest events, unless the reader scrolled up to look at older ones.
    return dag.rows > previousRows && (this.following.get(scroller) ?? true);
  }

  /** The events as circles, coloured by outcome; new ones placed at once, moved ones added to `moved`. */
  private bindNodes(
    svg: SvgSelection,
    dag: ServerDag,
    full: ServerDag,
    chosen: string | null,
    pos: Positions,
    moved: Element[],
  ): void {
    // Circles placed by cx/cy, not by a transform per event: a transform per element
    // multiplies the browser's paint chunks, and compositing them costs every frame.
    const server = full.server;
    svg
      .select("g.nodes")
      .selectAll<SVGCircleElement, DagNode>("circle.dag-node")
      .data(dag.nodes, (n) => n.id)
      .join((enter) =>
        enter
          .append("circle")
          .attr("r", DAG_NODE_R)
          .on("mouseenter", (event: MouseEvent, n) =>
            this.tooltip.show(event, hoverHtml(server, n, this.latest.get(server) ?? full)),
          )
          .on("mousemove", (event: MouseEvent) => this.tooltip.move(event))
          .on("mouseleave", () => this.tooltip.hide())
          .on("click", (_event, n) => this.callbacks.eventClicked(server, n)),
      )
      .each((n, i, els) => {
        const c = els[i]!;
        // One look at what the circle already shows; most events have not changed.
        const lit = this.lit.has(n.id);
        const look = `${n.status}|${n.extremity}|${n.redacted}|${n.local}|${chosen === n.id}|${lit}`;
        const p = pos.get(n.id)!;
        const at = `${p.x},${p.y}`;
        if (c.dataset.look === look && c.dataset.at === at) return;
        c.dataset.look = look;
        paintNode(c, n, chosen, lit);
        if (c.dataset.at === at) return;
        const fresh = c.dataset.at === undefined;
        c.dataset.at = at;
        if (fresh) {
          c.setAttribute("cx", String(p.x));
          c.setAttribute("cy", String(p.y));
        } else moved.push(c);
      });
  }
}

type Positions = Map<string, { x: number; y: number }>;
type SvgSelection = Selection<SVGSVGElement, unknown, null, undefined>;

/** The panel's header: the server, the room's width, the counts by outcome. */
function drawHeader(panel: HTMLDivElement, full: ServerDag, dag: ServerDag): void {
  const el = select(panel);
  setAttr(panel, "data-width", String(full.width));
  el.select(".dag-server").text(full.server);
  const width = panel.querySelector(".dag-width")!;
  setClass(width, `dag-width${full.width > 1 ? " wide" : ""}`);
  width.textContent = full.nodes.length ? `${full.width} head${full.width === 1 ? "" : "s"}` : "not in the room";
  el.select(".dag-counts").text(
    countsText(full) + (dag.rows < full.rows ? ` · newest ${dag.rows} of ${full.rows} rows` : ""),
  );
}

/** Prev-event edges as lines; new ones placed at once, moved ones added to `moved`. */
function bindEdges(svg: SvgSelection, dag: ServerDag, pos: Positions, moved: Element[]): void {
  svg
    .select("g.edges")
    .selectAll<SVGLineElement, DagEdge>("line")
    .data(dag.edges, (e) => e.id)
    .join((enter) => enter.append("line"))
    .each((e, i, els) => {
      const line = els[i]!;
      const a = pos.get(e.from)!;
      const b = pos.get(e.to)!;
      const key = `${a.x},${a.y},${b.x},${b.y}`;
      if (line.dataset.at === key) return;
      const fresh = line.dataset.at === undefined;
      line.dataset.at = key;
      if (fresh) select(line).attr("x1", a.x).attr("y1", a.y).attr("x2", b.x).attr("y2", b.y);
      else moved.push(line);
    });
}

/** One event's circle: its outcome's colour, the extremity ring, redacted, local, selected. */
function paintNode(c: SVGCircleElement, n: DagNode, chosen: string | null, lit: boolean): void {
  setAttr(c, "data-event", n.id);
  setAttr(c, "data-status", n.status);
  setAttr(c, "data-extremity", String(n.extremity));
  setClass(
    c,
    `dag-node${n.extremity ? " extremity" : ""}${n.redacted ? " redacted" : ""}${n.local ? " local" : ""}${chosen === n.id ? " selected" : ""}${lit ? " highlight" : ""}`,
  );
  setAttr(c, "fill", n.status === "outlier" ? "white" : STATUS_COLOURS[n.status]);
  setAttr(c, "stroke", n.extremity ? EXTREMITY_COLOUR : STATUS_COLOURS[n.status]);
  setAttr(c, "stroke-width", n.extremity ? "3" : "1.5");
  setAttr(c, "opacity", n.redacted ? "0.45" : "1");
  // A shape cue besides the colour: rejected dotted, soft-failed dashed (colour-blind readers).
  setAttr(
    c,
    "stroke-dasharray",
    n.extremity ? "" : n.status === "rejected" ? "1.5 1.5" : n.status === "soft_failed" ? "4 2" : "",
  );
  setAttr(c, "tabindex", "0");
  setAttr(
    c,
    "aria-label",
    `${shortType(n.type)}${n.stateKey ? ` ${n.stateKey}` : ""} by ${n.sender}: ${n.status.replace("_", "-")}${n.extremity ? ", a head" : ""}`,
  );
}

/** The labels next to the forward extremities. */
function bindHeadLabels(svg: SvgSelection, dag: ServerDag): void {
  svg
    .select("g.head-labels")
    .selectAll<SVGTextElement, { row: number; x: number; y: number; text: string }>("text")
    .data(extremityLabels(dag), (l) => String(l.row))
    .join("text")
    .attr("class", "label")
    .attr("dy", 4)
    .attr("x", (l) => l.x)
    .attr("y", (l) => l.y)
    .text((l) => l.text);
}

/** Only what moved (a window step, a column re-ordered) eases to its new place; too many jump. */
function moveToPlace(svg: SvgSelection, moved: Element[], pos: Positions, t: SharedTransition): void {
  if (moved.length > DAG_EASE_MAX) {
    for (const el of moved) {
      const d = select(el).datum() as DagNode | DagEdge;
      if ("from" in d)
        select(el)
          .attr("x1", pos.get(d.from)!.x)
          .attr("y1", pos.get(d.from)!.y)
          .attr("x2", pos.get(d.to)!.x)
          .attr("y2", pos.get(d.to)!.y);
      else select(el).attr("cx", pos.get(d.id)!.x).attr("cy", pos.get(d.id)!.y);
    }
  } else if (moved.length) {
    const movedSet = new Set(moved);
    svg
      .selectAll<SVGCircleElement, DagNode>("circle.dag-node")
      .filter((_n, i, els) => movedSet.has(els[i] as Element))
      .transition(t)
      .attr("cx", (n) => pos.get(n.id)!.x)
      .attr("cy", (n) => pos.get(n.id)!.y);
    svg
      .selectAll<SVGLineElement, DagEdge>("g.edges line")
      .filter((_e, i, els) => movedSet.has(els[i] as Element))
      .transition(t)
      .attr("x1", (e) => pos.get(e.from)!.x)
      .attr("y1", (e) => pos.get(e.from)!.y)
      .attr("x2", (e) => pos.get(e.to)!.x)
      .attr("y2", (e) => pos.get(e.to)!.y);
  }
}

function countsText(d: ServerDag): string {
  const parts = [`✓ ${d.counts.accepted} accepted`];
  if (d.counts.soft_failed) parts.push(`⚠ ${d.counts.soft_failed} soft-failed`);
  if (d.counts.rejected) parts.push(`✕ ${d.counts.rejected} rejected`);
  if (d.counts.outlier) parts.push(`○ ${d.counts.outlier} held without their state`);
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
