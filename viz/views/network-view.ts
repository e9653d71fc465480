// The network: homeservers with their users and application services around them, a
// federation link between every two servers (one lane per direction, styled by its cut),
// every message in the air moving along its lane, held ones parked, lost ones marked ✕
// and fading, and a server's retry timer next to the link it waits on. The view only
// binds the NetworkVm with keyed joins; a click on a link, a line dragged across the
// drawing and the power button on a server become callbacks (the app turns them into
// interventions).

import { select, type Selection } from "d3";
import type { BackoffVm, DropVm, LinkVm, MessageVm, NetworkVm, ServerVm } from "../model/network.ts";
import type { Point } from "../model/split-line.ts";
import { NetworkLayout, SERVER_R, USER_R, type LayoutNode } from "./network-layout.ts";
import { stepTransition } from "./transitions.ts";

export interface NetworkCallbacks {
  linkClicked(link: LinkVm): void;
  /** A line was drawn from a to b across the drawing (servers with their positions). */
  lineDrawn(a: Point, b: Point, servers: Array<Point & { id: string }>): void;
  powerClicked(server: ServerVm): void;
  userClicked(user: string): void;
}

/** Pixels between a link's two lanes. */
const LANE_PX = 5;
const STATE = "state" as const;

interface Lane {
  id: string;
  from: string;
  to: string;
  cut: LinkVm["cutAB"];
  service: boolean;
}

export class NetworkView {
  readonly layout = new NetworkLayout();
  private readonly svg: Selection<SVGSVGElement, unknown, null, undefined>;
  private readonly gLanes;
  private readonly gHits;
  private readonly gMessages;
  private readonly gDrops;
  private readonly gBackoff;
  private readonly gSatellites;
  private readonly gServers;
  private readonly drawLine;
  private dragFrom: Point | null = null;
  private width = 0;
  private height = 0;

  constructor(
    svgElement: SVGSVGElement,
    private readonly callbacks: NetworkCallbacks,
  ) {
    this.svg = select(svgElement);
    this.svg.append("rect").attr("class", "background").attr("width", "100%").attr("height", "100%");
    this.gLanes = this.svg.append("g").attr("class", "lanes");
    this.gHits = this.svg.append("g").attr("class", "hits");
    this.gSatellites = this.svg.append("g").attr("class", "satellites");
    this.gBackoff = this.svg.append("g").attr("class", "backoffs");
    this.gServers = this.svg.append("g").attr("class", "servers");
    this.gMessages = this.svg.append("g").attr("class", "messages");
    this.gDrops = this.svg.append("g").attr("class", "drops");
    this.drawLine = this.svg.append("line").attr("class", "split-line").attr("visibility", "hidden");
    this.listenForSplit(svgElement);
  }

  update(vm: NetworkVm): void {
    const el = this.svg.node()!;
    this.width = el.clientWidth || 640;
    this.height = el.clientHeight || 420;
    this.layout.update(vm.servers, this.width, this.height);
    this.bindLanes(vm.links);
    this.bindSatellites(vm.servers);
    this.bindServers(vm.servers);
    this.bindBackoffs(vm.servers);
    this.bindMessages(vm.messages);
    this.bindDrops(vm.drops);
  }

  /** Where along the lane from→to a point at `progress` lies, just outside the two circles. */
  private along(from: string, to: string, progress: number): Point | null {
    const a = this.layout.at(from);
    const b = this.layout.at(to);
    if (!a || !b) return null;
    const dx = b.x - a.x;
    const dy = b.y - a.y;
    const len = Math.hypot(dx, dy) || 1;
    const ra = radiusOf(a) / len;
    const rb = radiusOf(b) / len;
    const p = ra + (1 - ra - rb) * progress;
    const side = from < to ? 1 : -1;
    return { x: a.x + dx * p + (-dy / len) * LANE_PX * side, y: a.y + dy * p + (dx / len) * LANE_PX * side };
  }

  private bindLanes(links: readonly LinkVm[]): void {
    const lanes: Lane[] = links.flatMap((l) => [
      { id: `${l.a}>${l.b}`, from: l.a, to: l.b, cut: l.cutAB, service: l.service },
      { id: `${l.b}>${l.a}`, from: l.b, to: l.a, cut: l.cutBA, service: l.service },
    ]);
    const t = stepTransition(STATE);
    this.gLanes
      .selectAll<SVGLineElement, Lane>("line")
      .data(lanes, (d) => d.id)
      .join((enter) => enter.append("line"))
      .attr("class", (d) => `lane ${d.cut ? `cut cut-${d.cut}` : "open"}${d.service ? " service" : ""}`)
      .attr("data-testid", (d) => `lane-${d.from}-${d.to}`)
      .each((d, i, nodes) => {
        const a = this.along(d.from, d.to, 0);
        const b = this.along(d.from, d.to, 1);
        if (a && b) select(nodes[i]!).attr("x1", a.x).attr("y1", a.y).attr("x2", b.x).attr("y2", b.y);
      })
      .transition(t)
      .attr("stroke-opacity", (d) => (d.cut ? 1 : 0.55));
    this.gHits
      .selectAll<SVGLineElement, LinkVm>("line")
      .data(
        links.filter((l) => !l.service),
        (d) => d.id,
      )
      .join((enter) => {
        const e = enter.append("line").attr("class", "link-hit");
        e.append("title");
        e.on("click", (event: MouseEvent, d) => {
          event.stopPropagation();
          this.callbacks.linkClicked(d);
        });
        e.on("pointerdown", (event: PointerEvent) => event.stopPropagation());
        return e;
      })
      .attr("data-testid", (d) => `link-${d.a}-${d.b}`)
      .attr("data-cut", (d) => (d.cutAB || d.cutBA ? "true" : "false"))
      .each((d, i, nodes) => {
        const a = this.layout.at(d.a);
        const b = this.layout.at(d.b);
        if (a && b) select(nodes[i]!).attr("x1", a.x).attr("y1", a.y).attr("x2", b.x).attr("y2", b.y);
      })
      .select("title")
      .text((d) => (d.cutAB || d.cutBA ? `${d.a} – ${d.b}: cut — click to heal` : `${d.a} – ${d.b}: click to cut`));
  }

  private bindSatellites(servers: readonly ServerVm[]): void {
    const nodes = [...this.layout.nodes.values()].filter((n) => n.kind !== "server");
    const up = new Map(servers.map((s) => [s.id, s.up]));
    const g = this.gSatellites
      .selectAll<SVGGElement, LayoutNode>("g.satellite")
      .data(nodes, (d) => d.id)
      .join((enter) => {
        const e = enter.append("g").attr("class", (d) => `satellite ${d.kind}`);
        e.append("line").attr("class", "tether");
        e.filter((d) => d.kind === "user").append("circle").attr("r", USER_R);
        e.filter((d) => d.kind === "service")
          .append("rect")
          .attr("x", -USER_R)
          .attr("y", -USER_R)
          .attr("width", USER_R * 2)
          .attr("height", USER_R * 2);
        e.append("text").attr("dy", -USER_R - 3).attr("text-anchor", "middle");
        e.filter((d) => d.kind === "user").on("click", (_event, d) => this.callbacks.userClicked(d.id.slice("user:".length)));
        return e;
      })
      .attr("data-testid", (d) => d.id)
      .attr("transform", (d) => `translate(${d.x},${d.y})`)
      .classed("down", (d) => up.get(d.server) === false);
    g.select("text").text((d) => d.label);
    g.select<SVGLineElement>("line.tether").each((d, i, els) => {
      const hs = this.layout.nodes.get(d.server);
      if (hs) select(els[i]!).attr("x1", 0).attr("y1", 0).attr("x2", hs.x - d.x).attr("y2", hs.y - d.y);
    });
  }

  private bindServers(servers: readonly ServerVm[]): void {
    const t = stepTransition(STATE);
    const g = this.gServers
      .selectAll<SVGGElement, ServerVm>("g.server")
      .data(servers, (d) => d.id)
      .join((enter) => {
        const e = enter.append("g").attr("class", "server");
        e.append("circle").attr("class", "body").attr("r", SERVER_R);
        e.append("text").attr("class", "name").attr("dy", 4).attr("text-anchor", "middle");
        e.append("text").attr("class", "width").attr("dy", SERVER_R + 13).attr("text-anchor", "middle");
        const badge = e.append("g").attr("class", "divergent").attr("transform", `translate(${SERVER_R - 4},${-SERVER_R + 4})`);
        badge.append("circle").attr("r", 8);
        badge.append("text").attr("dy", 4).attr("text-anchor", "middle").text("≠");
        badge.append("title");
        const power = e.append("g").attr("class", "power").attr("transform", `translate(${-SERVER_R + 2},${-SERVER_R + 2})`);
        power.append("circle").attr("r", 8);
        // A power symbol drawn, not typed: not every machine has a font with ⏻.
        power.append("path").attr("class", "glyph").attr("d", "M -2.6 -2.9 A 3.9 3.9 0 1 0 2.6 -2.9 M 0 -4.6 L 0 -0.6");
        power.append("title");
        power.on("click", (event: MouseEvent, d) => {
          event.stopPropagation();
          this.callbacks.powerClicked(d);
        });
        power.on("pointerdown", (event: PointerEvent) => event.stopPropagation());
        return e;
      })
      .attr("data-testid", (d) => `server-${d.id}`)
      .attr("data-up", (d) => String(d.up))
      .attr("transform", (d) => {
        const n = this.layout.nodes.get(d.id);
        return n ? `translate(${n.x},${n.y})` : "";
      });
    // The fill eases through CSS; the ring's width takes the shared "state" transition.
    g.select("circle.body")
      .attr("class", (d) => `body ${d.up ? "up" : "crashed"}`)
      .transition(t)
      .attr("stroke-width", (d) => (d.divergentFrom.length ? 3.5 : 2));
    g.select("text.name").text((d) => (d.up ? d.id : `${d.id} ✕`));
    g.select("text.width")
      .attr("data-testid", (d) => `width-${d.id}`)
      .text((d) => (d.width === null ? "" : `width ${d.width}`));
    g.select("g.divergent")
      .attr("data-testid", (d) => `divergent-${d.id}`)
      .attr("visibility", (d) => (d.divergentFrom.length ? "visible" : "hidden"))
      .select("title")
      .text((d) => `state differs from ${d.divergentFrom.join(", ")}`);
    g.select("g.power")
      .attr("data-testid", (d) => `power-${d.id}`)
      .select("title")
      .text((d) => (d.up ? `crash ${d.id}` : `restart ${d.id}`));
  }

  private bindBackoffs(servers: readonly ServerVm[]): void {
    const rows = servers.flatMap((s) => s.backoff.map((b) => ({ ...b, server: s.id, id: `${s.id}>${b.destination}` })));
    this.gBackoff
      .selectAll<SVGTextElement, BackoffVm & { server: string; id: string }>("text")
      .data(rows, (d) => d.id)
      .join("text")
      .attr("class", (d) => `backoff${d.catchUp ? " catch-up" : ""}`)
      .attr("data-testid", (d) => `backoff-${d.id}`)
      .attr("text-anchor", "middle")
      .each((d, i, els) => {
        const p = this.along(d.server, d.destination, 0.22);
        if (p) select(els[i]!).attr("x", p.x).attr("y", p.y - 6);
      })
      .text((d) => `↻ ${d.inMs > 0 ? formatWait(d.inMs) : "now"}${d.failures ? ` ×${d.failures}` : ""}`);
  }

  private bindMessages(messages: readonly MessageVm[]): void {
    this.gMessages
      .selectAll<SVGCircleElement, MessageVm>("circle")
      .data(messages, (d) => d.id)
      .join((enter) => enter.append("circle"))
      .attr("class", (d) => `message ${d.kind}${d.held ? " held" : ""}`)
      .attr("r", (d) => (d.kind === "txn" || d.kind === "as-txn" ? 4 + Math.min(5, d.pdus) : d.kind === "response" ? 2.5 : 3.2))
      .each((d, i, els) => {
        const p = this.along(d.from, d.to, d.progress);
        if (p) els[i]!.setAttribute("transform", `translate(${p.x.toFixed(1)},${p.y.toFixed(1)})`);
      });
  }

  private bindDrops(drops: readonly DropVm[]): void {
    this.gDrops
      .selectAll<SVGTextElement, DropVm>("text")
      .data(drops, (d) => d.id)
      .join((enter) => enter.append("text").attr("class", "drop").attr("text-anchor", "middle").attr("dy", 4).text("✕"))
      .attr("opacity", (d) => (1 - d.fade).toFixed(2))
      .each((d, i, els) => {
        const p = this.along(d.from, d.to, d.progress);
        if (p) els[i]!.setAttribute("transform", `translate(${p.x.toFixed(1)},${p.y.toFixed(1)})`);
      });
  }

  /** A line dragged across the background splits the network. */
  private listenForSplit(el: SVGSVGElement): void {
    const point = (e: PointerEvent): Point => {
      const r = el.getBoundingClientRect();
      return { x: e.clientX - r.left, y: e.clientY - r.top };
    };
    el.addEventListener("pointerdown", (e) => {
      if (e.button !== 0) return;
      this.dragFrom = point(e);
      this.drawLine.attr("x1", this.dragFrom.x).attr("y1", this.dragFrom.y).attr("x2", this.dragFrom.x).attr("y2", this.dragFrom.y).attr("visibility", "visible");
      el.setPointerCapture(e.pointerId);
    });
    el.addEventListener("pointermove", (e) => {
      if (!this.dragFrom) return;
      const p = point(e);
      this.drawLine.attr("x2", p.x).attr("y2", p.y);
    });
    const finish = (e: PointerEvent) => {
      if (!this.dragFrom) return;
      const from = this.dragFrom;
      const to = point(e);
      this.dragFrom = null;
      this.drawLine.attr("visibility", "hidden");
      if (Math.hypot(to.x - from.x, to.y - from.y) < 24) return;
      const servers = [...this.layout.nodes.values()].filter((n) => n.kind === "server").map((n) => ({ id: n.id, x: n.x, y: n.y }));
      this.callbacks.lineDrawn(from, to, servers);
    };
    el.addEventListener("pointerup", finish);
    el.addEventListener("pointercancel", () => {
      this.dragFrom = null;
      this.drawLine.attr("visibility", "hidden");
    });
  }
}

function radiusOf(n: LayoutNode): number {
  return n.kind === "server" ? SERVER_R + 2 : USER_R + 2;
}

/** "9m58s", "42s", "2h05m" */
export function formatWait(ms: number): string {
  const s = Math.ceil(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}
