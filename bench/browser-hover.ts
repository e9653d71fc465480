// How long a hover takes to show its tooltip while the busy run plays: from the pointer
// event to the first animation frame after it with the tooltip up, for DAG events and
// for the space-time diagram's arrows (details open). The events are dispatched to the
// element the pointer would be over; what is timed is the page's handler and the frame
// that follows, which is what the reader waits for.

import type { Page } from "playwright-core";

// The few browser things the in-page function uses (bench/ is typechecked without the DOM's types).
interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
interface El {
  hidden: boolean;
  getBoundingClientRect(): Box;
  dispatchEvent(e: unknown): boolean;
}
interface Browser {
  document: { querySelector(s: string): El; querySelectorAll(s: string): ArrayLike<El> };
  requestAnimationFrame(f: () => void): number;
  MouseEvent: new (type: string, init: Record<string, unknown>) => unknown;
  netsplit: View;
}
interface View {
  app: { playing: boolean; togglePlay(): void };
  ui: {
    openDetails(open: boolean, scroll: boolean): void;
    /** Absent before the diagram could be hovered (an older build, benchmarked for comparison). */
    spaceTime?: { hitTargets?(): { segments: number[]; arrowIndex: number[] } };
  };
}

interface Hover {
  dagMs: number[];
  spaceTimeMs: number[];
}

export async function measureHover(page: Page, hovers = 12): Promise<void> {
  const got: Hover = await page.evaluate(async (count) => {
    const w = globalThis as unknown as Browser;
    const document = w.document;
    const MouseEvent = w.MouseEvent;
    const n = w.netsplit;
    n.ui.openDetails(true, false);
    if (!n.app.playing) n.app.togglePlay();
    await new Promise((ok) => setTimeout(ok, 1_000));
    const tip = document.querySelector('[data-testid="tooltip"]');
    const out: Hover = { dagMs: [], spaceTimeMs: [] };
    for (let i = 0; i < count; i++) {
      const nodes = document.querySelectorAll("circle.dag-node");
      const node = nodes[(i * 7) % Math.max(1, nodes.length)];
      if (node) {
        const r = node.getBoundingClientRect();
        const at = { clientX: r.x + r.width / 2, clientY: r.y + r.height / 2 };
        const t0 = performance.now();
        node.dispatchEvent(new MouseEvent("mouseenter", at));
        let t = await new Promise<number>((ok) => w.requestAnimationFrame(() => ok(performance.now())));
        while (tip.hidden) t = await new Promise<number>((ok) => w.requestAnimationFrame(() => ok(performance.now())));
        out.dagMs.push(t - t0);
        node.dispatchEvent(new MouseEvent("mouseleave", at));
      }
      const canvas = document.querySelector('[data-testid="space-time"]');
      const targets = n.ui.spaceTime?.hitTargets?.() ?? { segments: [], arrowIndex: [] };
      const k = (i * 13) % Math.max(1, targets.arrowIndex.length);
      if (targets.arrowIndex.length) {
        const s = targets.segments.slice(4 * k, 4 * k + 4);
        const r = canvas.getBoundingClientRect();
        const at = { clientX: r.x + (s[0]! + s[2]!) / 2, clientY: r.y + (s[1]! + s[3]!) / 2, bubbles: true };
        const t0 = performance.now();
        canvas.dispatchEvent(new MouseEvent("mousemove", at));
        let t = await new Promise<number>((ok) => w.requestAnimationFrame(() => ok(performance.now())));
        for (let tries = 0; tip.hidden && tries < 5; tries++)
          t = await new Promise<number>((ok) => w.requestAnimationFrame(() => ok(performance.now())));
        if (!tip.hidden) out.spaceTimeMs.push(t - t0);
        canvas.dispatchEvent(new MouseEvent("mouseleave", at));
      }
      await new Promise((ok) => setTimeout(ok, 60));
    }
    n.app.togglePlay();
    // Closed again: the next run's frame times are the presenter's (details open, every
    // frame also drew the full DAGs and the space-time diagram of the next, larger run).
    n.ui.openDetails(false, false);
    return out;
  }, hovers);
  const show = (xs: number[]) => {
    if (!xs.length) return "none measured";
    const sorted = [...xs].sort((a, b) => a - b);
    return `median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(1)} ms, max ${sorted[sorted.length - 1]!.toFixed(1)} ms over ${xs.length}`;
  };
  console.log(
    `  hover to tooltip while playing: DAG event ${show(got.dagMs)}; space-time arrow ${show(got.spaceTimeMs)}`,
  );
}
