// The network: homeservers with their users and application services around them, a
// federation link between every two servers (one lane per direction, styled by its cut),
// every message in the air moving along its lane, held ones parked, lost ones marked ✕
// and fading, and a server's retry timer next to the link it waits on. The view only
// binds the NetworkVm with keyed joins; a click on a link, a line dragged across the
// drawing and the power button on a server become callbacks (the app turns them into
// interventions).

import { select, type EnterElement, type Selection } from "d3";
import type { BackoffVm, LinkVm, NetworkVm, ServerVm } from "../model/network.ts";
import type { Point } from "../model/split-line.ts";
import { NetworkLayout, SERVER_R, USER_R, type LayoutNode } from "./network-layout.ts";
import { setAttr, setClass, setText } from "./dom-writes.ts";
import { stepTransition } from "./transitions.ts";
import { stateColour } from "./palette.ts";
import { MessageCanvas } from "./message-canvas.ts";

/** What the network shows besides the NetworkVm: state groups, marks, what the caption names, the chosen server. */
export interface NetworkExtras {
  /** server → its state group (index and letter). */
  groups: ReadonlyMap<string, { index: number; letter: string }>;
  /** server → marks such as "adversarial", "clock +5m00s". */
  marks: Readonly<Record<string, string[]>>;
  /** Servers, users and links ("a|b") the walkthrough's note names. */
  highlight: ReadonlySet<string>;
  chosen: string | null;
}

const NO_EXTRAS: NetworkExtras = { groups: new Map(), marks: {}, highlight: new Set(), chosen: null };

/** Enter or Space on a focused SVG element acts as a click. */
function activateOnKeys<E extends Element, D>(sel: Selection<E, D, SVGGElement, unknown>, act: (d: D) => void): void {
  sel.on("keydown", (event: Event, d) => {
    if (!(event instanceof KeyboardEvent)) return;
    if (event.key !== "Enter" && event.key !== " ") return;
    event.preventDefault();
    event.stopPropagation();
    act(d);
  });
}

export interface NetworkCallbacks {
  linkClicked(link: LinkVm): void;
  /** A line was drawn from a to b across the drawing (servers with their positions). */
  lineDrawn(a: Point, b: Point, servers: Array<Point & { id: string }>): void;
  powerClicked(server: ServerVm): void;
  userClicked(user: string): void;
  /** A server was clicked or focused: it becomes the one the keys C and X act on. */
  serverChosen(server: string): void;
  /** The drawing changed size (the projector size, a resize): draw again, paused or not. */
  resized(): void;
}

/** Pixels between a link's two lanes. */
const LANE_PX = 5;
const STATE = "state" as const;

interface Lane {
  id: string;
  /** The link's id ("a|b"). */
  link: string;
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
  private readonly messages: MessageCanvas;
  private readonly gBackoff;
  private readonly gSatellites;
  private readonly gServers;
  private readonly drawLine;
  private dragFrom: Point | null = null;
  private width = 0;
  private height = 0;
  /** Bumped when the layout moves: only then are the static parts re-positioned. */
  private layoutVersion = 0;
  /** The servers as last bound: a child element's datum is the one of its creation. */
  private readonly serversNow = new Map<string, ServerVm>();

  constructor(
    svgElement: SVGSVGElement,
    motionElement: SVGSVGElement,
    messagesCanvas: HTMLCanvasElement,
    private readonly callbacks: NetworkCallbacks,
  ) {
    this.svg = select(svgElement);
    const motion = select(motionElement);
    this.svg.append("rect").attr("class", "background").attr("width", "100%").attr("height", "100%");
    this.gLanes = this.svg.append("g").attr("class", "lanes");
    this.gHits = this.svg.append("g").attr("class", "hits");
    this.gSatellites = this.svg.append("g").attr("class", "satellites");
    this.gServers = this.svg.append("g").attr("class", "servers");
    this.gBackoff = motion.append("g").attr("class", "backoffs");
    this.messages = new MessageCanvas(messagesCanvas);
    this.drawLine = motion.append("line").attr("class", "split-line").attr("visibility", "hidden");
    this.listenForSplit(svgElement);
    // The size is watched, not read each frame: a read after the frame's first writes
    // would force the browser to lay the page out again.
    this.width = svgElement.clientWidth || 640;
    this.height = svgElement.clientHeight || 420;
    new ResizeObserver(([entry]) => {
      if (!entry) return;
      const width = entry.contentRect.width || this.width;
      const height = entry.contentRect.height || this.height;
      if (width === this.width && height === this.height) return;
      this.width = width;
      this.height = height;
      // Paused, no frame would come to fit the servers into the new size (at the projector
      // size two of five were drawn below the bottom of a shorter drawing).
      this.callbacks.resized();
    }).observe(svgElement);
  }

  private extras: NetworkExtras = NO_EXTRAS;
  /** What the servers and satellites were last bound from. */
  private nodesKey = "";

  update(vm: NetworkVm, extras: NetworkExtras = NO_EXTRAS): void {
    this.extras = extras;
    if (this.layout.update(vm.servers, this.width, this.height)) this.layoutVersion++;
    this.bindLanes(vm.links);
    // Servers and satellites change on a crash, a cut, a new head or a note, not every frame.
    const key = nodesKey(this.layoutVersion, vm.servers, extras);
    if (key !== this.nodesKey) {
      this.nodesKey = key;
      this.bindSatellites(vm.servers);
      this.bindServers(vm.servers);
    }
    this.bindBackoffs(vm.servers);
    this.messages.draw(vm.messages, vm.drops, (from, to, p) => this.along(from, to, p), this.width, this.height);
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

  /** Whether an element was placed for the current layout (and mark it so). */
  private placed(el: Element): boolean {
    const v = String(this.layoutVersion);
    if ((el as HTMLElement).dataset.layout === v) return true;
    (el as HTMLElement).dataset.layout = v;
    return false;
  }

  /** The links as last bound (a click acts on the link as it is now, not as it was created). */
  private readonly linksNow = new Map<string, LinkVm>();

  /** What the lanes were last bound from: links change only on a cut, a heal or a new node. */
  private lanesKey = "";

  private bindLanes(links: readonly LinkVm[]): void {
    this.linksNow.clear();
    for (const l of links) this.linksNow.set(l.id, l);
    // Most frames change no link: skip the joins over every lane (264 at twelve servers).
    const lit = this.extras.highlight;
    // Only the cut and lit links are spelt out (435 links at thirty servers, every frame):
    // the others are the same whenever the layout and the ends of the list are.
    let key = `${this.layoutVersion}|${links.length}|${links[0]?.id}|${links[links.length - 1]?.id}`;
    for (const l of links)
      if (l.cutAB !== null || l.cutBA !== null || lit.has(l.id))
        key += `;${l.id}${l.cutAB ?? ""}/${l.cutBA ?? ""}${lit.has(l.id) ? "*" : ""}`;
    if (key === this.lanesKey) return;
    this.lanesKey = key;
    const lanes: Lane[] = links.flatMap((l) => [
      { id: `${l.a}>${l.b}`, link: l.id, from: l.a, to: l.b, cut: l.cutAB, service: l.service },
      { id: `${l.b}>${l.a}`, link: l.id, from: l.b, to: l.a, cut: l.cutBA, service: l.service },
    ]);
    const changed: SVGLineElement[] = [];
    this.gLanes
      .selectAll<SVGLineElement, Lane>("line")
      .data(lanes, (d) => d.id)
      .join((enter) => enter.append("line").attr("data-testid", (d) => `lane-${d.from}-${d.to}`))
      .each((d, i, nodes) => {
        const el = nodes[i]!;
        const cls = `lane ${d.cut ? `cut cut-${d.cut}` : "open"}${d.service ? " service" : ""}${lit.has(d.link) ? " highlight" : ""}`;
        if (el.getAttribute("class") !== cls) {
          el.setAttribute("class", cls);
          changed.push(el);
        }
        if (this.placed(el)) return;
        const a = this.along(d.from, d.to, 0);
        const b = this.along(d.from, d.to, 1);
        if (a && b) select(el).attr("x1", a.x).attr("y1", a.y).attr("x2", b.x).attr("y2", b.y);
      });
    // A cut or a heal fades in on the shared "state" transition; untouched lanes take none.
    if (changed.length) {
      const t = stepTransition(STATE);
      select(this.gLanes.node())
        .selectAll<SVGLineElement, Lane>("line")
        .filter((_d, i, nodes) => changed.includes(nodes[i] as SVGLineElement))
        .attr("stroke-opacity", 0.2)
        .transition(t)
        .attr("stroke-opacity", (d) => (d.cut ? 1 : 0.55));
    }
    this.gHits
      .selectAll<SVGLineElement, LinkVm>("line")
      .data(
        links.filter((l) => !l.service),
        (d) => d.id,
      )
      .join((enter) => {
        const e = enter
          .append("line")
          .attr("class", "link-hit")
          .attr("tabindex", 0)
          .attr("role", "button")
          .attr("data-testid", (d) => `link-${d.a}-${d.b}`);
        e.append("title");
        e.on("click", (event: MouseEvent, d) => {
          event.stopPropagation();
          this.callbacks.linkClicked(this.linksNow.get(d.id) ?? d);
        });
        activateOnKeys(e, (d) => this.callbacks.linkClicked(this.linksNow.get(d.id) ?? d));
        e.on("pointerdown", (event: PointerEvent) => event.stopPropagation());
        return e;
      })
      .each((d, i, nodes) => {
        const el = nodes[i]!;
        const cut = d.cutAB || d.cutBA ? "true" : "false";
        setAttr(el, "data-cut", cut);
        setAttr(el, "data-lit", String(lit.has(d.id)));
        setAttr(el, "aria-label", cut === "true" ? `link ${d.a}–${d.b}, cut: heal it` : `link ${d.a}–${d.b}: cut it`);
        setText(
          el.firstElementChild!,
          cut === "true" ? `${d.a} – ${d.b}: cut — click to heal` : `${d.a} – ${d.b}: click to cut`,
        );
        if (this.placed(el)) return;
        const a = this.layout.at(d.a);
        const b = this.layout.at(d.b);
        if (a && b) select(el).attr("x1", a.x).attr("y1", a.y).attr("x2", b.x).attr("y2", b.y);
      });
  }

  private bindSatellites(servers: readonly ServerVm[]): void {
    const nodes = [...this.layout.nodes.values()].filter((n) => n.kind !== "server");
    const up = new Map(servers.map((s) => [s.id, s.up]));
    this.gSatellites
      .selectAll<SVGGElement, LayoutNode>("g.satellite")
      .data(nodes, (d) => d.id)
      .join((enter) => {
        const e = enter
          .append("g")
          .attr("class", (d) => `satellite ${d.kind}`)
          .attr("data-testid", (d) => d.id);
        e.append("line").attr("class", "tether");
        e.filter((d) => d.kind === "user")
          .append("circle")
          .attr("r", USER_R);
        e.filter((d) => d.kind === "service")
          .append("rect")
          .attr("x", -USER_R)
          .attr("y", -USER_R)
          .attr("width", USER_R * 2)
          .attr("height", USER_R * 2);
        e.append("text")
          .attr("dy", -USER_R - 3)
          .attr("text-anchor", "middle");
        const users = e
          .filter((d) => d.kind === "user")
          .attr("tabindex", 0)
          .attr("role", "button")
          .attr("aria-label", (d) => `user ${d.id.slice("user:".length)}: act as them`);
        users.on("click", (event: MouseEvent, d) => {
          event.stopPropagation();
          this.callbacks.userClicked(d.id.slice("user:".length));
        });
        // The drawing captures the pointer for a split line; a press on a user is a click, not a line.
        users.on("pointerdown", (event: PointerEvent) => event.stopPropagation());
        activateOnKeys(users, (d) => this.callbacks.userClicked(d.id.slice("user:".length)));
        return e;
      })
      .each((d, i, els) => {
        const el = els[i]!;
        const lit = this.extras.highlight.has(d.id.slice(d.id.indexOf(":") + 1));
        setClass(el, `satellite ${d.kind}${up.get(d.server) === false ? " down" : ""}${lit ? " highlight" : ""}`);
        setText(el.querySelector("text")!, d.label);
        if (this.placed(el)) return;
        el.setAttribute("transform", `translate(${d.x},${d.y})`);
        const hs = this.layout.nodes.get(d.server);
        if (hs)
          select(el.querySelector("line.tether"))
            .attr("x1", 0)
            .attr("y1", 0)
            .attr("x2", hs.x - d.x)
            .attr("y2", hs.y - d.y);
      });
  }

  private bindServers(servers: readonly ServerVm[]): void {
    this.serversNow.clear();
    for (const s of servers) this.serversNow.set(s.id, s);
    const widened: SVGCircleElement[] = [];
    this.gServers
      .selectAll<SVGGElement, ServerVm>("g.server")
      .data(servers, (d) => d.id)
      .join((enter) => this.appendServers(enter))
      .each((d, i, els) => this.updateServer(els[i]!, d, widened));
    this.widenRings(widened);
  }

  /** A new server's group: its body, name, width, the ≠ badge and the power button. */
  private appendServers(
    enter: Selection<EnterElement, ServerVm, SVGGElement, unknown>,
  ): Selection<SVGGElement, ServerVm, SVGGElement, unknown> {
    const e = enter
      .append("g")
      .attr("class", "server")
      .attr("tabindex", 0)
      .attr("role", "button")
      .attr("data-testid", (d) => `server-${d.id}`);
    e.on("click", (_event: MouseEvent, d) => this.callbacks.serverChosen(d.id));
    e.on("focus", (_event: FocusEvent, d) => this.callbacks.serverChosen(d.id));
    // A press on a server chooses it; it does not start a split line.
    e.on("pointerdown", (event: PointerEvent) => event.stopPropagation());
    e.append("circle").attr("class", "body").attr("r", SERVER_R);
    e.append("text").attr("class", "name").attr("dy", 0).attr("text-anchor", "middle");
    e.append("text").attr("class", "group-letter").attr("dy", 14).attr("text-anchor", "middle");
    e.append("text")
      .attr("class", "marks")
      .attr("dy", SERVER_R + 27)
      .attr("text-anchor", "middle");
    e.append("text")
      .attr("class", "width")
      .attr("dy", SERVER_R + 13)
      .attr("text-anchor", "middle")
      .attr("data-testid", (d) => `width-${d.id}`);
    const badge = e
      .append("g")
      .attr("class", "divergent")
      .attr("data-testid", (d) => `divergent-${d.id}`)
      .attr("transform", `translate(${SERVER_R - 4},${-SERVER_R + 4})`);
    badge.append("circle").attr("r", 8);
    badge.append("text").attr("dy", 4).attr("text-anchor", "middle").text("≠");
    badge.append("title");
    const power = e
      .append("g")
      .attr("class", "power")
      .attr("data-testid", (d) => `power-${d.id}`)
      .attr("transform", `translate(${-SERVER_R + 2},${-SERVER_R + 2})`);
    power.append("circle").attr("r", 8);
    // A power symbol drawn, not typed: not every machine has a font with ⏻.
    power.append("path").attr("class", "glyph").attr("d", "M -2.6 -2.9 A 3.9 3.9 0 1 0 2.6 -2.9 M 0 -4.6 L 0 -0.6");
    power.append("title");
    power.attr("tabindex", 0).attr("role", "button");
    power.on("click", (event: MouseEvent, d) => {
      event.stopPropagation();
      this.callbacks.powerClicked(this.serversNow.get(d.id) ?? d);
    });
    activateOnKeys(power, (d) => this.callbacks.powerClicked(this.serversNow.get(d.id) ?? d));
    power.on("pointerdown", (event: PointerEvent) => event.stopPropagation());
    return e;
  }

  /** One server as it is now: up or crashed, its labels, the badge; a changed ring goes to `widened`. */
  private updateServer(el: SVGGElement, d: ServerVm, widened: SVGCircleElement[]): void {
    setAttr(el, "data-up", String(d.up));
    const x = this.extras;
    const group = x.groups.get(d.id);
    const marks = x.marks[d.id] ?? [];
    setClass(el, `server${x.chosen === d.id ? " chosen" : ""}${x.highlight.has(d.id) ? " highlight" : ""}`);
    const body = el.querySelector<SVGCircleElement>("circle.body")!;
    setClass(body, `body ${d.up ? "up" : "crashed"}`);
    // Coloured by the state it holds: servers that agree share a colour (and a letter).
    setAttr(body, "style", d.up && group ? `fill:${stateColour(group.index)}` : "");
    setAttr(el, "data-group", group?.letter ?? "");
    setText(el.querySelector("text.group-letter")!, group ? `state ${group.letter}` : "");
    setText(el.querySelector("text.marks")!, marks.join(" · "));
    setAttr(
      el,
      "aria-label",
      `Matrix homeserver ${d.id}${d.up ? "" : ", crashed"}${group ? `, holds state ${group.letter}` : ""}` +
        `${d.width !== null ? `, ${d.width} head${d.width === 1 ? "" : "s"}` : ""}${marks.length ? `, ${marks.join(", ")}` : ""}`,
    );
    const ring = d.divergentFrom.length ? "3.5" : "2";
    if (body.dataset.ring !== ring) {
      body.dataset.ring = ring;
      widened.push(body);
    }
    setText(el.querySelector("text.name")!, d.up ? d.id : `${d.id} ✕`);
    setText(el.querySelector("text.width")!, d.width === null ? "" : `${d.width} head${d.width === 1 ? "" : "s"}`);
    const badge = el.querySelector("g.divergent")!;
    setAttr(badge, "visibility", d.divergentFrom.length ? "visible" : "hidden");
    setText(badge.querySelector("title")!, `state differs from ${d.divergentFrom.join(", ")}`);
    setText(el.querySelector("g.power title")!, d.up ? `crash ${d.id}` : `restart ${d.id}`);
    if (this.placed(el)) return;
    const n = this.layout.nodes.get(d.id);
    if (n) el.setAttribute("transform", `translate(${n.x},${n.y})`);
  }

  /**
   * The fill eases through CSS; a server whose state starts or stops differing gets a
   * thicker ring on the shared "state" transition.
   */
  private widenRings(widened: SVGCircleElement[]): void {
    if (!widened.length) return;
    const t = stepTransition(STATE);
    select(this.gServers.node())
      .selectAll<SVGCircleElement, unknown>("circle.body")
      .filter((_d, i, nodes) => widened.includes(nodes[i] as SVGCircleElement))
      .transition(t)
      .attr("stroke-width", function () {
        return (this as SVGCircleElement).dataset.ring!;
      });
  }

  private bindBackoffs(servers: readonly ServerVm[]): void {
    const rows = servers.flatMap((s) => s.backoff.map((b) => ({ ...b, server: s.id, id: `${s.id}>${b.destination}` })));
    this.gBackoff
      .selectAll<SVGTextElement, BackoffVm & { server: string; id: string }>("text")
      .data(rows, (d) => d.id)
      .join((enter) =>
        enter
          .append("text")
          .attr("text-anchor", "middle")
          .attr("data-testid", (d) => `backoff-${d.id}`),
      )
      .each((d, i, els) => {
        const el = els[i]!;
        setClass(el, `backoff${d.catchUp ? " catch-up" : ""}`);
        setText(el, `↻ ${d.inMs > 0 ? formatWait(d.inMs) : "now"}${d.failures ? ` ×${d.failures}` : ""}`);
        if (this.placed(el)) return;
        const p = this.along(d.server, d.destination, 0.22);
        if (p)
          select(el)
            .attr("x", p.x)
            .attr("y", p.y - 6);
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
      this.drawLine
        .attr("x1", this.dragFrom.x)
        .attr("y1", this.dragFrom.y)
        .attr("x2", this.dragFrom.x)
        .attr("y2", this.dragFrom.y)
        .attr("visibility", "visible");
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
      const servers = [...this.layout.nodes.values()]
        .filter((n) => n.kind === "server")
        .map((n) => ({ id: n.id, x: n.x, y: n.y }));
      this.callbacks.lineDrawn(from, to, servers);
    };
    el.addEventListener("pointerup", finish);
    el.addEventListener("pointercancel", () => {
      this.dragFrom = null;
      this.drawLine.attr("visibility", "hidden");
    });
  }
}

/** Everything the servers and their satellites are drawn from, as one string to compare. */
function nodesKey(layoutVersion: number, servers: readonly ServerVm[], x: NetworkExtras): string {
  const drawn = servers.map((s) => [s.id, s.up, s.width, s.divergentFrom, s.users, s.serviceUsers, s.services]);
  const groups = [...x.groups].map(([s, g]) => `${s}=${g.index}${g.letter}`);
  return JSON.stringify([layoutVersion, drawn, groups, x.marks, [...x.highlight].sort(), x.chosen]);
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
