// The messages in the air and the recent losses, drawn on a canvas over the network's
// SVG: hundreds of dots move every frame, and as SVG elements each move costs the
// browser a layout and a paint of its own; on a canvas it is one clear and one pass.
// Transactions blue (sized by the PDUs they carry), requests grey, responses pale, a
// held message a white dot ringed orange, a loss a red ✕ that fades.

import type { DropVm, MessageVm } from "../model/network.ts";
import type { Point } from "../model/split-line.ts";

const STYLE = {
  txn: "#2f6fd6",
  request: "#7a8696",
  response: "#b3bcc8",
  held: "#e59b2a",
  lost: "#d64545",
};

export class MessageCanvas {
  private readonly ctx: CanvasRenderingContext2D;
  private drawnEmpty = false;

  constructor(private readonly canvas: HTMLCanvasElement) {
    this.ctx = canvas.getContext("2d")!;
  }

  draw(
    messages: readonly MessageVm[],
    drops: readonly DropVm[],
    along: (from: string, to: string, progress: number) => Point | null,
    width: number,
    height: number,
  ): void {
    if (messages.length === 0 && drops.length === 0 && this.drawnEmpty) return;
    this.drawnEmpty = messages.length === 0 && drops.length === 0;
    const dpr = window.devicePixelRatio || 1;
    const w = Math.round(width * dpr);
    const h = Math.round(height * dpr);
    if (this.canvas.width !== w || this.canvas.height !== h) {
      this.canvas.width = w;
      this.canvas.height = h;
    }
    const ctx = this.ctx;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    // One path per style: a fill per kind, not per dot.
    for (const kind of ["response", "request", "txn"] as const) {
      ctx.beginPath();
      for (const m of messages) {
        if (m.held || (kind === "txn" ? m.kind !== "txn" && m.kind !== "as-txn" : m.kind !== kind)) continue;
        const p = along(m.from, m.to, m.progress);
        if (!p) continue;
        const r = kind === "txn" ? 4 + Math.min(5, m.pdus) : kind === "response" ? 2.5 : 3.2;
        ctx.moveTo(p.x + r, p.y);
        ctx.arc(p.x, p.y, r, 0, 2 * Math.PI);
      }
      ctx.fillStyle = STYLE[kind];
      ctx.fill();
    }
    ctx.beginPath();
    for (const m of messages) {
      if (!m.held) continue;
      const p = along(m.from, m.to, m.progress);
      if (!p) continue;
      ctx.moveTo(p.x + 4, p.y);
      ctx.arc(p.x, p.y, 4, 0, 2 * Math.PI);
    }
    ctx.fillStyle = "#fff";
    ctx.fill();
    ctx.strokeStyle = STYLE.held;
    ctx.lineWidth = 2;
    ctx.stroke();
    ctx.fillStyle = STYLE.lost;
    ctx.font = "bold 13px system-ui, sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    for (const d of drops) {
      const p = along(d.from, d.to, d.progress);
      if (!p) continue;
      ctx.globalAlpha = Math.max(0, 1 - d.fade);
      ctx.fillText("✕", p.x, p.y);
    }
    ctx.globalAlpha = 1;
  }
}
