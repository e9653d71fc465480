// The DAG view as a standalone SVG document (the "export SVG" button): every server's
// copy of the room side by side, all of it (the screen may show only the newest rows),
// drawn with the same geometry and colours as the screen. A pure function: a string.

import { describeContent } from "./describe.ts";
import {
  DAG_NODE_R,
  dagHeightPx,
  dagWidthPx,
  EXTREMITY_COLOUR,
  extremityLabels,
  nodeX,
  nodeY,
  STATUS_COLOURS,
} from "./dag-geometry.ts";
import type { ServerDag } from "./dag.ts";

const HEADER_PX = 28;
const GAP_PX = 16;

function esc(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

export function dagsToSvg(dags: readonly ServerDag[], title: string): string {
  let x = 0;
  const panels: string[] = [];
  let height = 0;
  for (const dag of dags) {
    const w = dagWidthPx(dag);
    const h = dagHeightPx(dag) + HEADER_PX;
    height = Math.max(height, h);
    const pos = new Map(dag.nodes.map((n) => [n.id, { x: nodeX(n), y: nodeY(n) + HEADER_PX }] as const));
    const parts: string[] = [];
    parts.push(`<text x="4" y="18" font-weight="bold">${esc(dag.server)} · width ${dag.width}</text>`);
    for (const e of dag.edges) {
      const a = pos.get(e.from)!;
      const b = pos.get(e.to)!;
      parts.push(`<line x1="${a.x}" y1="${a.y}" x2="${b.x}" y2="${b.y}" stroke="#888" stroke-width="1.2"/>`);
    }
    for (const n of dag.nodes) {
      const p = pos.get(n.id)!;
      const fill = n.status === "outlier" ? "white" : STATUS_COLOURS[n.status];
      const stroke = n.extremity ? EXTREMITY_COLOUR : STATUS_COLOURS[n.status];
      const tip = `${n.id} ${n.type}${n.stateKey ? ` ${n.stateKey}` : ""} by ${n.sender} (${n.status}): ${describeContent(n)}`;
      parts.push(
        `<circle cx="${p.x}" cy="${p.y}" r="${DAG_NODE_R}" fill="${fill}" stroke="${stroke}" stroke-width="${n.extremity ? 3 : 1.5}"${n.redacted ? ' opacity="0.45"' : ""}><title>${esc(tip)}</title></circle>`,
      );
    }
    for (const l of extremityLabels(dag)) {
      parts.push(
        `<text x="${l.x}" y="${l.y + HEADER_PX + 4}" fill="${EXTREMITY_COLOUR}" font-size="10" font-weight="bold">${esc(l.text)}</text>`,
      );
    }
    panels.push(`<g transform="translate(${x},0)">${parts.join("")}</g>`);
    x += w + GAP_PX;
  }
  const width = Math.max(1, x - GAP_PX);
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">` +
    `<title>${esc(title)}</title><rect width="100%" height="100%" fill="white"/>${panels.join("")}</svg>\n`
  );
}
