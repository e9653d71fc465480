// The experiment's plots as SVG strings, drawn with d3's scales and shape generators in
// Node (no DOM: d3-shape's generators return path data, which is written into the SVG
// text directly). Two kinds: width over time (a line per cell, the mean over seeds, in a
// band from the lowest to the highest seed), and a metric against a parameter (a line
// per value of `by`, ±1 standard error bars, and a formula dashed over it).

import { area, extent, line, max, min, scaleLinear, scaleLog, schemeTableau10, type ScaleContinuousNumeric } from "d3";
import { parseFormula } from "../../scenarios/experiment/formula.ts";
import type { ExperimentLine } from "../../scenarios/experiment/run-metrics.ts";
import { matches, numericVars, type ExperimentSpec, type PlotSpec } from "../../scenarios/experiment/spec.ts";
import type { CellSummary } from "../../scenarios/experiment/summary.ts";

const WIDTH = 720;
const HEIGHT = 420;
const MARGIN = { top: 36, right: 150, bottom: 46, left: 64 };
const FORMULA_STEPS = 100;

/** Every plot of the experiment: file name (…svg) → SVG text. */
export function renderPlots(
  spec: ExperimentSpec,
  cells: readonly CellSummary[],
  lines: readonly ExperimentLine[],
): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of spec.plots ?? [])
    out.set(`${p.name}.svg`, p.kind === "width" ? widthPlot(p, spec, lines) : metricPlot(p, spec, cells));
  return out;
}

interface Series {
  label: string;
  points: Array<{ x: number; y: number; lo: number; hi: number }>;
}

function widthPlot(p: PlotSpec, spec: ExperimentSpec, lines: readonly ExperimentLine[]): string {
  const which = p.series ?? "union";
  const byCell = new Map<number, ExperimentLine[]>();
  for (const l of lines) if (matches(l.params, p.where)) byCell.set(l.cell, [...(byCell.get(l.cell) ?? []), l]);
  const series: Series[] = [...byCell.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, runs]) => {
      const label = Object.entries(runs[0]!.params)
        .filter(([k]) => !(p.where && k in p.where))
        .map(([k, v]) => `${k}=${v}`)
        .join(" ");
      const times = runs[0]!.width.atMs;
      return {
        label: label || spec.name,
        points: times.map((t, i) => {
          const ys = runs.map((r) => r.width[which][i] ?? 0);
          return {
            x: t / 1000,
            y: ys.reduce((a, b) => a + b, 0) / ys.length,
            lo: min(ys) ?? 0,
            hi: max(ys) ?? 0,
          };
        }),
      };
    });
  return chart({
    title: p.title ?? `${spec.name}: ${which} width over time (mean over seeds; band: lowest to highest seed)`,
    xLabel: "virtual time (s)",
    yLabel: `${which} width (forward extremities)`,
    series,
    band: true,
    logX: false,
  });
}

function metricPlot(p: PlotSpec, spec: ExperimentSpec, cells: readonly CellSummary[]): string {
  const x = p.x!;
  const y = p.y!;
  const chosen = cells.filter((c) => matches(c.params, p.where) && c.metrics[y] && typeof c.params[x] === "number");
  const groups = new Map<string, CellSummary[]>();
  for (const c of chosen) {
    const key = p.by ? `${p.by}=${c.params[p.by]}` : y;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const series: Series[] = [...groups.entries()].map(([label, cs]) => ({
    label,
    points: cs
      .map((c) => {
        const s = c.metrics[y]!;
        return { x: c.params[x] as number, y: s.mean, lo: s.mean - s.se, hi: s.mean + s.se };
      })
      .sort((a, b) => a.x - b.x),
  }));
  let overlay: Series[] = [];
  if (p.formula) {
    const f = parseFormula(p.formula, Object.keys(spec.grid));
    overlay = [...groups.entries()].map(([label, cs]) => {
      const xs = cs.map((c) => c.params[x] as number);
      const [lo, hi] = [min(xs) ?? 0, max(xs) ?? 0];
      const vars = numericVars(cs[0]!.params);
      return {
        label: `${label} (formula)`,
        points: Array.from({ length: FORMULA_STEPS + 1 }, (_, i) => {
          const xi = lo + ((hi - lo) * i) / FORMULA_STEPS;
          const yi = f({ ...vars, [x]: xi });
          return { x: xi, y: yi, lo: yi, hi: yi };
        }),
      };
    });
  }
  return chart({
    title: p.title ?? `${spec.name}: ${y} against ${x}`,
    xLabel: x,
    yLabel: y,
    series,
    overlay,
    errorBars: true,
    logX: p.logX ?? false,
  });
}

interface ChartInput {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  overlay?: Series[];
  band?: boolean;
  errorBars?: boolean;
  logX: boolean;
}

function chart(c: ChartInput): string {
  const all = [...c.series, ...(c.overlay ?? [])].flatMap((s) => s.points);
  const [x0, x1] = extent(all, (d) => d.x) as [number, number];
  const yMax = Math.max(1, max(all, (d) => (Number.isFinite(d.hi) ? d.hi : undefined)) ?? 1);
  const xScale: ScaleContinuousNumeric<number, number> = (c.logX ? scaleLog() : scaleLinear())
    .domain([x0 ?? 0, x1 ?? 1])
    .range([MARGIN.left, WIDTH - MARGIN.right]);
  const yScale = scaleLinear()
    .domain([0, yMax])
    .nice()
    .range([HEIGHT - MARGIN.bottom, MARGIN.top]);
  const colour = (i: number) => schemeTableau10[i % schemeTableau10.length]!;
  const path = line<Series["points"][number]>()
    .x((d) => xScale(d.x))
    .y((d) => yScale(d.y));
  const bandPath = area<Series["points"][number]>()
    .x((d) => xScale(d.x))
    .y0((d) => yScale(d.lo))
    .y1((d) => yScale(d.hi));
  const parts: string[] = [];
  parts.push(`<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`);
  parts.push(text(WIDTH / 2, 20, c.title, 'text-anchor="middle" font-size="13" font-weight="bold"'));
  parts.push(axes(xScale, yScale, c));
  c.series.forEach((s, i) => {
    if (c.band)
      parts.push(`<path d="${bandPath(s.points) ?? ""}" fill="${colour(i)}" fill-opacity="0.18" stroke="none"/>`);
    parts.push(`<path d="${path(s.points) ?? ""}" fill="none" stroke="${colour(i)}" stroke-width="1.6"/>`);
    if (c.errorBars)
      for (const d of s.points) {
        const x = r(xScale(d.x));
        parts.push(`<line x1="${x}" x2="${x}" y1="${r(yScale(d.lo))}" y2="${r(yScale(d.hi))}" stroke="${colour(i)}"/>`);
        parts.push(`<circle cx="${x}" cy="${r(yScale(d.y))}" r="3" fill="${colour(i)}"/>`);
      }
    parts.push(legend(i, s.label, colour(i), false));
  });
  (c.overlay ?? []).forEach((s, i) => {
    parts.push(
      `<path d="${path(s.points) ?? ""}" fill="none" stroke="${colour(i)}" stroke-width="1.2" stroke-dasharray="5 4"/>`,
    );
  });
  if (c.overlay?.length) parts.push(legend(c.series.length, "formula", "#555", true));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="11">\n${parts.join("\n")}\n</svg>\n`;
}

function axes(
  x: ScaleContinuousNumeric<number, number>,
  y: ScaleContinuousNumeric<number, number>,
  c: ChartInput,
): string {
  const bottom = HEIGHT - MARGIN.bottom;
  const out = [
    `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${bottom}" y2="${bottom}" stroke="black"/>`,
    `<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${bottom}" stroke="black"/>`,
  ];
  // SI prefixes (5M, 200k) keep large values such as milliseconds short.
  const xFormat = x.tickFormat(8, "~s");
  for (const t of x.ticks(8)) {
    out.push(`<line x1="${r(x(t))}" x2="${r(x(t))}" y1="${bottom}" y2="${bottom + 5}" stroke="black"/>`);
    out.push(text(x(t), bottom + 17, xFormat(t), 'text-anchor="middle"'));
  }
  const yFormat = y.tickFormat(8, "~s");
  for (const t of y.ticks(8)) {
    out.push(
      `<line x1="${MARGIN.left - 5}" x2="${WIDTH - MARGIN.right}" y1="${r(y(t))}" y2="${r(y(t))}" stroke="#ddd"/>`,
    );
    out.push(text(MARGIN.left - 8, y(t) + 4, yFormat(t), 'text-anchor="end"'));
  }
  out.push(text((MARGIN.left + WIDTH - MARGIN.right) / 2, HEIGHT - 10, c.xLabel, 'text-anchor="middle"'));
  out.push(
    `<text transform="translate(16 ${(MARGIN.top + bottom) / 2}) rotate(-90)" text-anchor="middle">${escape(c.yLabel)}</text>`,
  );
  return out.join("\n");
}

function legend(i: number, label: string, colour: string, dashed: boolean): string {
  const x = WIDTH - MARGIN.right + 12;
  const y = MARGIN.top + 8 + i * 16;
  return (
    `<line x1="${x}" x2="${x + 18}" y1="${y}" y2="${y}" stroke="${colour}" stroke-width="2"${dashed ? ' stroke-dasharray="5 4"' : ""}/>` +
    text(x + 24, y + 4, label, "")
  );
}

function text(x: number, y: number, s: string, attrs: string): string {
  return `<text x="${r(x)}" y="${r(y)}" ${attrs}>${escape(s)}</text>`;
}

function escape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function r(x: number): number {
  return Math.round(x * 10) / 10;
}
