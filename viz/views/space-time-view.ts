// The space-time diagram, on a canvas so that no run is too long to draw: a lane per
// server, time to the right (idle stretches shortened, model/time-axis.ts), each
// federation transaction an arrow from its sender's lane to its destination's — green
// once acknowledged, vermillion and dashed when it failed, blue while in the air, ✕
// where it was lost —
// cuts, heals, crashes and interventions marked on the axis, created events as dots.
// What lies past the cursor (after scrubbing back) is drawn faint. Arrows are culled to
// the visible window and drawn in one path per style; arrowheads only when few. The
// cursor is drawn on a canvas of its own, every frame; the diagram only when the
// records or the window changed. Scroll to zoom around the mouse (shift+scroll pans),
// click to move the cursor there, hover for a transaction's details (the last drawing
// remembers where it put each thing, so a hover is a scan of what is visible). Labels
// are thinned so that none overlaps another (model/label-thinning.ts). What the
// walkthrough's note names is marked by shape and line, not colour alone
// (model/space-time-narration.ts): its servers' lanes thick with ▶ before the name, the
// transactions along its links wide on a yellow halo, its events as ◆ diamonds, its own
// line solid; the same in words under the diagram, which the canvas is described by.

import { everyKth, thinLabels } from "../model/label-thinning.ts";
import { arrowAt, type TxnArrow } from "../model/space-time-log.ts";
import {
  describeArrow,
  describeMark,
  emptyTargets,
  hitAt,
  type Hit,
  type HitTargets,
} from "../model/space-time-hover.ts";
import { arrowRange, type SpaceTimeVm } from "../model/space-time.ts";
import {
  arrowLit,
  countLit,
  describeSpaceTimeLit,
  dotLit,
  NOTHING_LIT,
  type SpaceTimeLit,
} from "../model/space-time-narration.ts";
import type { Tooltip } from "./tooltip.ts";

export interface SpaceTimeCallbacks {
  seek(atMs: number): void;
  /** The window changed (a zoom): draw again even while paused. */
  redraw(): void;
}

const LEFT = 48;
const RIGHT = 14;
const TOP = 22;
const BOTTOM = 10;
const HEADS_MAX = 1_500;
/** Lane names and axis labels, CSS px. */
const LABEL_PX = 11;
/** The narrowest window, in axis units (virtual ms where nothing was shortened). */
const SPAN_MIN = 50;

// Okabe and Ito's bluish green, vermillion and blue: apart under deuteranopia, and a
// failed transaction is dashed as well (line style, not only colour).
const STYLE = {
  ok: "#009E73",
  failed: "#D55E00",
  flying: "#0072B2",
  future: "rgba(60,60,60,0.13)",
  lane: "#c9ced6",
  crashed: "#d64545",
  cut: "#d64545",
  repair: "#2e9d5b",
  intervention: "#1f4fd1",
  fork: "#8b3fd1",
  note: "#9aa3ad",
  /** What the note names: a yellow halo under a dark, wider stroke (the width and shape carry it, not the hue). */
  litHalo: "rgba(240,228,66,0.85)",
  litInk: "#1d232b",
};

/** What the last drawing marked for the note (the browser tests compare it with the note's other marks). */
export interface LitDrawn {
  lanes: string[];
  /** Marked transactions in the window, as indices into the arrows. */
  arrows: number[];
  /** Marked events in the window, with where their diamond is (canvas CSS px). */
  events: Array<{ event: string; x: number; y: number }>;
  noteLine: boolean;
}

const NOTHING_DRAWN: LitDrawn = { lanes: [], arrows: [], events: [], noteLine: false };

export class SpaceTimeView {
  private readonly ctx: CanvasRenderingContext2D;
  private readonly cursorCtx: CanvasRenderingContext2D;
  private lastCursorKey = "";
  /** How the last diagram mapped time to x (for the cursor layer). */
  private xOf: ((atMs: number) => number) | null = null;
  /** The window in axis units, pinned where the reader zoomed; null: the whole run. */
  private zoom: { left: number; span: number } | null = null;
  /** The cursor's axis position at the last drawing (the window slides when the cursor crosses its right edge). */
  private lastCursorAxis = 0;
  private targets: HitTargets = emptyTargets();
  /** The boxes of the labels the last drawing wrote (the browser tests check none overlaps). */
  private labels: Array<{ x: number; y: number; w: number; h: number }> = [];
  private hovered: Hit = null;
  private lastKey = "";
  private window: [number, number] = [0, 1];
  private vm: SpaceTimeVm | null = null;
  private lit: SpaceTimeLit = NOTHING_LIT;
  private litDrawnNow: LitDrawn = NOTHING_DRAWN;
  /** Watched, not read per frame (a read after other writes forces a layout). */
  private size = { w: 0, h: 0 };
  /**
   * Where the canvas is in the window, read once and kept until the page scrolls or
   * resizes: a hover read it on every mouse move, and a read after the frame's writes
   * made the browser lay the whole page out before the tooltip could show.
   */
  private box: DOMRect | null = null;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly cursorCanvas: HTMLCanvasElement,
    private readonly callbacks: SpaceTimeCallbacks,
    private readonly tooltip: Tooltip,
    /** Where the note's marks are said in words (the canvas is described by it). */
    private readonly legend: HTMLElement,
  ) {
    this.ctx = canvas.getContext("2d")!;
    this.cursorCtx = cursorCanvas.getContext("2d")!;
    this.size = { w: canvas.clientWidth, h: canvas.clientHeight };
    // A new size (the details opened: the canvas was 0×0 while hidden) needs a drawing
    // even when nothing else changes: ask for a frame, or the diagram stays blank.
    new ResizeObserver(([entry]) => {
      if (!entry) return;
      this.size = { w: entry.contentRect.width, h: entry.contentRect.height };
      this.box = null;
      this.callbacks.redraw();
    }).observe(canvas);
    const moved = () => (this.box = null);
    window.addEventListener("scroll", moved, { capture: true, passive: true });
    window.addEventListener("resize", moved, { passive: true });
    canvas.addEventListener("wheel", (e) => {
      e.preventDefault();
      const x = e.clientX - this.rect().left;
      const pan = e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY);
      this.zoomAt(x, pan ? 1 : e.deltaY > 0 ? 1.25 : 0.8, pan ? e.deltaX || e.deltaY : 0);
    });
    // Entering reads the box afresh (what lies above the canvas may have moved it since).
    canvas.addEventListener("mouseenter", moved);
    canvas.addEventListener("mousemove", (e) => this.hover(e));
    canvas.addEventListener("mouseleave", () => {
      this.hovered = null;
      this.box = null;
      this.tooltip.hide();
    });
    canvas.addEventListener("click", (e) => {
      if (!this.vm) return;
      const r = this.rect();
      const x = e.clientX - r.left;
      const [a, b] = this.window;
      const axisX = a + ((x - LEFT) / Math.max(1, r.width - LEFT - RIGHT)) * (b - a);
      this.callbacks.seek(this.vm.axis.fromAxis(Math.max(0, axisX)));
    });
  }

  private rect(): DOMRect {
    return (this.box ??= this.canvas.getBoundingClientRect());
  }

  /**
   * Zoom by `factor` around the time under `x` (canvas CSS px), which stays under it, and
   * pan by `panPx`. Drawn on the next frame, playing or paused.
   */
  zoomAt(x: number, factor: number, panPx = 0): void {
    const [a, b] = this.window;
    const plotW = Math.max(1, this.size.w - LEFT - RIGHT);
    const frac = Math.min(1, Math.max(0, (x - LEFT) / plotW));
    const at = a + frac * (b - a);
    const span = Math.max(SPAN_MIN, (b - a) * factor);
    const left = at - frac * span + (panPx / plotW) * span;
    this.zoom = span >= this.wholeSpan() && left <= 0 ? null : { left: Math.max(0, left), span };
    this.lastKey = "";
    this.callbacks.redraw();
  }

  /** Show the whole run again. */
  resetZoom(): void {
    this.zoom = null;
    this.lastKey = "";
  }

  /** What the last drawing marked for the walkthrough's note. */
  litDrawn(): LitDrawn {
    return this.litDrawnNow;
  }

  drawnLabels(): ReadonlyArray<{ x: number; y: number; w: number; h: number }> {
    return this.labels;
  }

  /** Write a label (vertically centred on y) and remember its box. */
  private label(text: string, x: number, y: number, px: number): void {
    const w = this.ctx.measureText(text).width;
    this.ctx.fillText(text, x, y);
    this.labels.push({ x, y: y - px / 2, w, h: px });
  }

  /** Where the last drawing put what can be hovered (the browser tests hover there). */
  hitTargets(): HitTargets {
    return this.targets;
  }

  private hover(e: MouseEvent): void {
    if (!this.vm) return;
    const r = this.rect();
    const hit = hitAt(this.targets, e.clientX - r.left, e.clientY - r.top);
    if (!hit) {
      if (this.hovered) this.tooltip.hide();
      this.hovered = null;
      return;
    }
    if (this.hovered && hit.kind === this.hovered.kind && hit.index === this.hovered.index) {
      this.tooltip.move(e);
      return;
    }
    this.hovered = hit;
    const lines =
      hit.kind === "arrow"
        ? describeArrow(this.vm.arrows[hit.index]!, this.vm.seq, formatTime)
        : describeMark(this.vm.marks[hit.index]!, formatTime);
    const [head, ...rest] = lines.map(escapeHtml);
    this.tooltip.show(e, `<b>${head}</b>${rest.map((l) => `<br>${l}`).join("")}`);
  }

  private wholeSpan(): number {
    if (!this.vm) return 1;
    return Math.max(1, this.vm.axis.toAxis(this.vm.headAtMs), this.vm.axis.toAxis(this.vm.cursorAtMs));
  }

  /**
   * Draw the cursor now; the diagram again when `detailSeq` (the records shown), the
   * window or what the note marks changed.
   */
  update(vm: SpaceTimeVm, detailSeq: number, lit: SpaceTimeLit = NOTHING_LIT): void {
    this.vm = vm;
    this.lit = lit;
    const dpr = window.devicePixelRatio || 1;
    const { w, h } = this.size;
    // The diagram follows the records and the window. A zoomed window stays where the
    // reader put it, until the cursor runs out past its right edge: then it slides to put
    // the cursor at 85% of its width, so it is redrawn only now and then.
    const cursorAxis = vm.axis.toAxis(vm.cursorAtMs);
    const z = this.zoom;
    if (z && this.lastCursorAxis <= z.left + z.span && cursorAxis > z.left + z.span)
      this.zoom = { left: cursorAxis - z.span * 0.85, span: z.span };
    this.lastCursorAxis = cursorAxis;
    const key = `${w}x${h}|${detailSeq}|${vm.arrows.length}|${vm.lanes.length}|${this.zoom?.left}|${this.zoom?.span}|${lit.key}`;
    if (key !== this.lastKey) {
      this.lastKey = key;
      fit(this.canvas, w, h, dpr);
      this.ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      this.ctx.clearRect(0, 0, w, h);
      this.draw(vm, w, h);
      this.describeLit(vm);
    }
    const cursorKey = `${key}|${vm.cursorAtMs}`;
    if (cursorKey === this.lastCursorKey || !this.xOf) return;
    this.lastCursorKey = cursorKey;
    fit(this.cursorCanvas, w, h, dpr);
    const ctx = this.cursorCtx;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    // The cursor, and what lies past it dimmed.
    const cx = this.xOf(vm.cursorAtMs);
    if (vm.headAtMs > vm.cursorAtMs) {
      ctx.fillStyle = "rgba(255,255,255,0.55)";
      ctx.fillRect(cx, TOP - 6, Math.max(0, this.xOf(vm.headAtMs) - cx), h - TOP);
    }
    ctx.strokeStyle = "#111";
    ctx.lineWidth = 1.5;
    line(ctx, cx, 4, cx, h - 2);
  }

  private draw(vm: SpaceTimeVm, w: number, h: number): void {
    const axis = vm.axis;
    const left = this.zoom?.left ?? 0;
    const right = this.zoom ? this.zoom.left + this.zoom.span : this.wholeSpan();
    this.window = [left, right];
    const plotW = Math.max(1, w - LEFT - RIGHT);
    const X = (atMs: number) => LEFT + ((axis.toAxis(atMs) - left) / (right - left)) * plotW;
    this.xOf = X;
    const laneGap = Math.min(44, (h - TOP - BOTTOM) / Math.max(1, vm.lanes.length));
    const laneY = new Map(vm.lanes.map((l, i) => [l, TOP + laneGap * (i + 0.5)] as const));
    const fromMs = axis.fromAxis(Math.max(0, left));
    const toMs = axis.fromAxis(right);
    // What the tests read (and a reader's devtools): the window shown, in virtual ms.
    this.canvas.dataset.fromMs = String(Math.round(fromMs));
    this.canvas.dataset.toMs = String(Math.round(toMs));
    this.canvas.dataset.axisLeft = String(left);
    this.canvas.dataset.axisRight = String(right);
    this.canvas.dataset.drawnWidth = String(w);
    this.targets = emptyTargets();
    this.labels = [];
    this.hovered = null;
    this.litDrawnNow = { lanes: [], arrows: [], events: [], noteLine: false };

    this.drawLanes(laneY, w);
    this.drawGaps(vm, X, fromMs, toMs, h);
    this.drawCrashes(vm, X, laneY, w);
    this.drawMarks(vm, X, fromMs, toMs, h);
    this.drawRefusals(vm, X, laneY, fromMs, toMs);
    this.drawArrows(vm, X, laneY, fromMs, toMs);
    this.drawDots(vm, X, laneY, fromMs, toMs);
    this.drawTicks(vm, left, right, plotW);
  }

  /** Lanes, and their names: all of them when they fit, else every k-th (never overlapping). */
  private drawLanes(laneY: Map<string, number>, w: number): void {
    const ctx = this.ctx;
    ctx.font = `${LABEL_PX}px system-ui, sans-serif`;
    ctx.textBaseline = "middle";
    const lanes = [...laneY];
    ctx.strokeStyle = STYLE.lane;
    ctx.lineWidth = 1;
    for (const [server, y] of lanes) if (!this.lit.lanes.has(server)) line(ctx, LEFT, y, w - RIGHT, y);
    const pitch = lanes.length > 1 ? lanes[1]![1] - lanes[0]![1] : LABEL_PX * 2;
    const shown = new Set(everyKth(lanes.length, pitch, LABEL_PX + 1));
    // A lane the note names: thick and dark on a halo, ▶ before its name, and its name
    // written whatever the thinning left out.
    lanes.forEach(([server, y], i) => {
      if (!this.lit.lanes.has(server)) return;
      shown.add(i);
      this.litDrawnNow.lanes.push(server);
      ctx.strokeStyle = STYLE.litHalo;
      ctx.lineWidth = 7;
      line(ctx, LEFT, y, w - RIGHT, y);
      ctx.strokeStyle = STYLE.litInk;
      ctx.lineWidth = 2.5;
      line(ctx, LEFT, y, w - RIGHT, y);
      ctx.fillStyle = STYLE.litInk;
      ctx.beginPath();
      ctx.moveTo(LEFT - 9, y - 5);
      ctx.lineTo(LEFT - 2, y);
      ctx.lineTo(LEFT - 9, y + 5);
      ctx.fill();
    });
    for (const i of [...shown].sort((a, b) => a - b)) {
      const [server, y] = lanes[i]!;
      const lit = this.lit.lanes.has(server);
      ctx.font = `${lit ? "bold " : ""}${LABEL_PX}px system-ui, sans-serif`;
      ctx.fillStyle = lit ? STYLE.litInk : "#333";
      this.label(server, 4, y, LABEL_PX);
    }
    ctx.font = `${LABEL_PX}px system-ui, sans-serif`;
  }

  /** Transactions as arrows between lanes, batched by style; lost ones end in a cross. */
  private drawArrows(
    vm: SpaceTimeVm,
    X: (t: number) => number,
    laneY: Map<string, number>,
    fromMs: number,
    toMs: number,
  ): void {
    const ctx = this.ctx;
    const [start, end] = arrowRange(vm.arrows, vm.arrows.length, fromMs, toMs, axisSpanMs(vm));
    const paths: Record<string, Path2D> = {
      ok: new Path2D(),
      failed: new Path2D(),
      flying: new Path2D(),
      future: new Path2D(),
    };
    const heads: Array<{ style: string; x1: number; y1: number; x2: number; y2: number }> = [];
    const crosses: Array<{ x: number; y: number }> = [];
    // The note's transactions: drawn again on top, wide on a halo, in their own style.
    const litPaths: Record<string, Path2D> = {};
    const litHalo = new Path2D();
    const drawHeads = end - start < HEADS_MAX;
    for (let i = start; i < end; i++) {
      const a = vm.arrows[i]!;
      const y1 = laneY.get(a.from);
      const yTo = laneY.get(a.to);
      if (y1 === undefined || yTo === undefined) continue;
      const g = geometry(a, i < vm.arrowCount, vm.seq, vm.cursorAtMs);
      const x1 = X(a.sentAtMs);
      const x2 = X(g.endAtMs);
      const y2 = y1 + (yTo - y1) * g.fraction;
      this.targets.segments.push(x1, y1, x2, y2);
      this.targets.arrowIndex.push(i);
      paths[g.style]!.moveTo(x1, y1);
      paths[g.style]!.lineTo(x2, y2);
      if (g.style !== "future" && arrowLit(this.lit, a)) {
        this.litDrawnNow.arrows.push(i);
        const p = (litPaths[g.style] ??= new Path2D());
        p.moveTo(x1, y1);
        p.lineTo(x2, y2);
        litHalo.moveTo(x1, y1);
        litHalo.lineTo(x2, y2);
      }
      if (g.lost) crosses.push({ x: x2, y: y2 });
      else if (drawHeads && g.style !== "future" && g.fraction === 1) heads.push({ style: g.style, x1, y1, x2, y2 });
    }
    ctx.lineWidth = 1.2;
    for (const style of ["future", "ok", "failed", "flying"] as const) {
      ctx.strokeStyle = STYLE[style];
      ctx.setLineDash(style === "failed" ? [5, 3] : []);
      ctx.stroke(paths[style]!);
    }
    ctx.setLineDash([]);
    if (this.litDrawnNow.arrows.length) {
      ctx.strokeStyle = STYLE.litHalo;
      ctx.lineWidth = 7;
      ctx.stroke(litHalo);
      ctx.lineWidth = 2.6;
      for (const [style, p] of Object.entries(litPaths)) {
        ctx.strokeStyle = STYLE[style as keyof typeof STYLE];
        ctx.setLineDash(style === "failed" ? [6, 3] : []);
        ctx.stroke(p);
      }
      ctx.setLineDash([]);
    }
    for (const hd of heads) arrowHead(ctx, hd.x1, hd.y1, hd.x2, hd.y2, STYLE[hd.style as keyof typeof STYLE]);
    ctx.strokeStyle = STYLE.failed;
    ctx.lineWidth = 1.5;
    for (const c of crosses) {
      line(ctx, c.x - 3, c.y - 3, c.x + 3, c.y + 3);
      line(ctx, c.x - 3, c.y + 3, c.x + 3, c.y - 3);
    }
  }

  /** Events created, as dots on their lanes. */
  private drawDots(
    vm: SpaceTimeVm,
    X: (t: number) => number,
    laneY: Map<string, number>,
    fromMs: number,
    toMs: number,
  ): void {
    const ctx = this.ctx;
    ctx.fillStyle = "#555";
    const lit: Array<{ event: string; x: number; y: number }> = [];
    for (let i = 0; i < vm.dotCount; i++) {
      const d = vm.dots[i]!;
      if (d.atMs < fromMs || d.atMs > toMs) continue;
      const y = laneY.get(d.server);
      if (y === undefined) continue;
      if (this.lit.events.size && dotLit(this.lit, d)) {
        lit.push({ event: d.event, x: X(d.atMs), y });
        continue;
      }
      ctx.beginPath();
      ctx.arc(X(d.atMs), y, 2.5, 0, 2 * Math.PI);
      ctx.fill();
    }
    // The note's events: ◆ diamonds, yellow with a dark edge, over everything else.
    ctx.lineWidth = 1.5;
    ctx.strokeStyle = STYLE.litInk;
    ctx.fillStyle = "#f0e442";
    for (const d of lit) {
      ctx.beginPath();
      ctx.moveTo(d.x, d.y - 7);
      ctx.lineTo(d.x + 6, d.y);
      ctx.lineTo(d.x, d.y + 7);
      ctx.lineTo(d.x - 6, d.y);
      ctx.closePath();
      ctx.fill();
      ctx.stroke();
    }
    this.litDrawnNow.events = lit;
  }

  /** The note's marks in words, under the diagram (and what the canvas is described by). */
  private describeLit(vm: SpaceTimeVm): void {
    const text = this.lit === NOTHING_LIT ? "" : describeSpaceTimeLit(this.lit, countLit(this.lit, vm), formatTime);
    if (this.legend.textContent !== text) this.legend.textContent = text;
    this.legend.hidden = text === "";
  }

  private drawGaps(vm: SpaceTimeVm, X: (t: number) => number, fromMs: number, toMs: number, h: number): void {
    const ctx = this.ctx;
    const labels: Array<{ text: string; x1: number; x2: number }> = [];
    for (const g of vm.axis.gaps) {
      if (g.toMs < fromMs || g.fromMs > toMs || g.fromMs > vm.headAtMs) continue;
      const x1 = X(g.fromMs);
      const x2 = X(g.toMs);
      ctx.fillStyle = "rgba(120,130,150,0.08)";
      ctx.fillRect(x1, TOP - 6, x2 - x1, h - TOP);
      labels.push({ text: `≈ ${formatSpan(g.toMs - g.fromMs)}`, x1, x2 });
    }
    // Each label centred on its band, and only where it fits its band and clears the others.
    ctx.font = `${LABEL_PX - 1}px system-ui, sans-serif`;
    const fitting = labels
      .map((l) => {
        const size = ctx.measureText(l.text).width;
        return { ...l, size, at: (l.x1 + l.x2) / 2 - size / 2 };
      })
      .filter((l) => l.size + 4 <= l.x2 - l.x1);
    ctx.fillStyle = "#8a93a0";
    for (const i of thinLabels(fitting)) this.label(fitting[i]!.text, fitting[i]!.at, h - BOTTOM - 4, LABEL_PX - 1);
  }

  private drawCrashes(vm: SpaceTimeVm, X: (t: number) => number, laneY: Map<string, number>, w: number): void {
    const ctx = this.ctx;
    const downSince = new Map<string, number>();
    const segments: Array<{ server: string; from: number; to: number | null }> = [];
    for (let i = 0; i < vm.markCount; i++) {
      const m = vm.marks[i]!;
      if (m.kind === "crash" && m.server) downSince.set(m.server, m.atMs);
      if (m.kind === "restart" && m.server && downSince.has(m.server)) {
        segments.push({ server: m.server, from: downSince.get(m.server)!, to: m.atMs });
        downSince.delete(m.server);
      }
    }
    for (const [server, from] of downSince) segments.push({ server, from, to: null });
    ctx.strokeStyle = STYLE.crashed;
    ctx.lineWidth = 3;
    ctx.setLineDash([4, 3]);
    for (const s of segments) {
      const y = laneY.get(s.server);
      if (y === undefined) continue;
      line(ctx, Math.max(LEFT, X(s.from)), y, Math.min(w - RIGHT, s.to === null ? X(vm.cursorAtMs) : X(s.to)), y);
    }
    ctx.setLineDash([]);
  }

  private drawMarks(vm: SpaceTimeVm, X: (t: number) => number, fromMs: number, toMs: number, h: number): void {
    const ctx = this.ctx;
    for (let i = 0; i < vm.markCount; i++) {
      const m = vm.marks[i]!;
      if (m.atMs < fromMs || m.atMs > toMs || m.kind === "refused") continue;
      const x = X(m.atMs);
      this.targets.marks.push({ index: i, x, y: null });
      const colour =
        m.kind === "cut"
          ? STYLE.cut
          : m.kind === "repair" || m.kind === "heal" || m.kind === "release"
            ? STYLE.repair
            : m.kind === "intervention"
              ? STYLE.intervention
              : m.kind === "fork"
                ? STYLE.fork
                : m.kind === "note"
                  ? STYLE.note
                  : STYLE.crashed;
      // The note in force: solid and dark where the other notes are dotted.
      const current = m.kind === "note" && this.lit.note?.seq === m.seq;
      if (current) this.litDrawnNow.noteLine = true;
      ctx.strokeStyle = current ? STYLE.litInk : colour;
      ctx.lineWidth = current ? 2 : m.kind === "note" ? 1 : 1.5;
      if (m.kind === "note" && !current) ctx.setLineDash([2, 3]);
      line(ctx, x, TOP - 6, x, h - BOTTOM);
      ctx.setLineDash([]);
      if (m.kind === "intervention" || m.kind === "fork") {
        ctx.fillStyle = colour;
        ctx.beginPath();
        ctx.moveTo(x - 4, TOP - 8);
        ctx.lineTo(x + 4, TOP - 8);
        ctx.lineTo(x, TOP - 2);
        ctx.fill();
      }
    }
  }

  /** A refused client call: a crossed circle (⊘) on its server's lane — a shape, not only a colour. */
  private drawRefusals(
    vm: SpaceTimeVm,
    X: (t: number) => number,
    laneY: Map<string, number>,
    fromMs: number,
    toMs: number,
  ): void {
    const ctx = this.ctx;
    ctx.strokeStyle = STYLE.failed;
    ctx.lineWidth = 2;
    for (let i = 0; i < vm.markCount; i++) {
      const m = vm.marks[i]!;
      if (m.kind !== "refused" || !m.server || m.atMs < fromMs || m.atMs > toMs) continue;
      const y = laneY.get(m.server);
      if (y === undefined) continue;
      const x = X(m.atMs);
      this.targets.marks.push({ index: i, x, y });
      ctx.beginPath();
      ctx.arc(x, y, 6, 0, 2 * Math.PI);
      ctx.moveTo(x - 4.2, y + 4.2);
      ctx.lineTo(x + 4.2, y - 4.2);
      ctx.stroke();
    }
  }

  /** Times along the top, as many as fit without touching (the last one kept inside the plot). */
  private drawTicks(vm: SpaceTimeVm, left: number, right: number, plotW: number): void {
    const ctx = this.ctx;
    ctx.fillStyle = "#666";
    ctx.font = `${LABEL_PX - 1}px system-ui, sans-serif`;
    const n = Math.max(2, Math.floor(plotW / 110));
    const ticks: Array<{ text: string; at: number; size: number }> = [];
    for (let i = 0; i <= n; i++) {
      const axisX = left + ((right - left) * i) / n;
      if (axisX < 0) continue;
      const text = formatTime(vm.axis.fromAxis(axisX));
      const size = ctx.measureText(text).width;
      ticks.push({ text, size, at: Math.min(LEFT + (plotW * i) / n, LEFT + plotW - size) });
    }
    for (const i of thinLabels(ticks, 8)) this.label(ticks[i]!.text, ticks[i]!.at, 8, LABEL_PX - 1);
  }
}

/** The longest an arrow may stretch (for culling), in virtual ms: the longest so far, or one still in the air. */
function axisSpanMs(vm: SpaceTimeVm): number {
  return Math.max(vm.spanMsMax, FLYING_SPAN_MS);
}

/** Arrows still in the air are drawn when sent up to this long before the window. */
const FLYING_SPAN_MS = 60_000;

interface Geometry {
  style: "ok" | "failed" | "flying" | "future";
  endAtMs: number;
  /** How far towards the destination lane the arrow reaches (1: all the way). */
  fraction: number;
  lost: boolean;
}

function geometry(a: TxnArrow, exists: boolean, seq: number, cursorAtMs: number): Geometry {
  const st = exists ? arrowAt(a, seq) : arrowAt(a, Number.MAX_SAFE_INTEGER);
  const style: Geometry["style"] = !exists
    ? "future"
    : st.outcome === "failed" || st.state === "lost"
      ? "failed"
      : st.state === "flying"
        ? "flying"
        : "ok";
  if (st.state === "arrived") return { style, endAtMs: st.endAtMs!, fraction: 1, lost: false };
  if (st.state === "lost") return { style, endAtMs: st.endAtMs!, fraction: 0.5, lost: true };
  // In the air at the cursor: as far as it has come.
  if (a.deliverAtMs === null || a.deliverAtMs <= a.sentAtMs)
    return { style, endAtMs: Math.max(a.sentAtMs, cursorAtMs), fraction: 0.15, lost: false };
  const f = Math.min(1, Math.max(0, (cursorAtMs - a.sentAtMs) / (a.deliverAtMs - a.sentAtMs)));
  return { style, endAtMs: a.sentAtMs + (a.deliverAtMs - a.sentAtMs) * f, fraction: f, lost: false };
}

function fit(canvas: HTMLCanvasElement, w: number, h: number, dpr: number): void {
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
  }
}

function line(ctx: CanvasRenderingContext2D, x1: number, y1: number, x2: number, y2: number): void {
  ctx.beginPath();
  ctx.moveTo(x1, y1);
  ctx.lineTo(x2, y2);
  ctx.stroke();
}

function arrowHead(
  ctx: CanvasRenderingContext2D,
  x1: number,
  y1: number,
  x2: number,
  y2: number,
  colour: string,
): void {
  const a = Math.atan2(y2 - y1, x2 - x1);
  ctx.fillStyle = colour;
  ctx.beginPath();
  ctx.moveTo(x2, y2);
  ctx.lineTo(x2 - 6 * Math.cos(a - 0.4), y2 - 6 * Math.sin(a - 0.4));
  ctx.lineTo(x2 - 6 * Math.cos(a + 0.4), y2 - 6 * Math.sin(a + 0.4));
  ctx.fill();
}

export function formatTime(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  if (ms < 2 * 3600_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 3600_000).toFixed(2)} h`;
}

function formatSpan(ms: number): string {
  return formatTime(ms);
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
