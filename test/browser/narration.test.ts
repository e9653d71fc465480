// The walkthrough lights up what each note names (issue 17), in real headless Chromium at
// a projector's 1280×720: on netsplit-heal, "The network splits: hs1 and hs2 can no
// longer reach hs3, hs4 and hs5" lights the five servers and the six links the split
// cuts (not the ones inside each side); "Both sides change the topic" lights the topic
// events in the servers' lanes and nothing else, and the same events in the full DAG.
// Every lit thing lies inside the viewport. The space-time diagram marks the same: the
// split's five lanes (thick and dark, read back from the canvas's pixels), the
// transactions that then try to cross the split and no other, the topic events as
// diamonds; and it says so in words, which the canvas is described by.

import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { open, openDetails, screenshot, settle, summary } from "./page-helpers.ts";
import { chromiumPerFile } from "./chromium-per-file.ts";

const VIEWPORT = { width: 1280, height: 720 };

let page: Page;

const chromium = chromiumPerFile(VIEWPORT);

/** Page Down to the next note, and wait until the caption says it and what it names is lit. */
async function nextNote(words: string): Promise<void> {
  await settle(page, () => page.keyboard.press("PageDown"));
  await page.waitForFunction(
    (w) => document.querySelector('[data-testid="annotation"]')?.textContent?.includes(w) ?? false,
    words,
  );
}

/** Every element matching `selector` lies wholly inside the viewport. */
async function allInViewport(selector: string): Promise<number> {
  const boxes = await page.locator(selector).evaluateAll((els) =>
    els.map((e) => {
      const r = e.getBoundingClientRect();
      return { x: r.left, y: r.top, right: r.right, bottom: r.bottom };
    }),
  );
  for (const b of boxes) {
    expect(b.x, selector).toBeGreaterThanOrEqual(0);
    expect(b.y, selector).toBeGreaterThanOrEqual(0);
    expect(b.right, selector).toBeLessThanOrEqual(VIEWPORT.width);
    expect(b.bottom, selector).toBeLessThanOrEqual(VIEWPORT.height);
  }
  return boxes.length;
}

interface Marks {
  lanes: string[];
  /** Each marked transaction's ends. */
  arrows: Array<{ from: string; to: string }>;
  events: Array<{ event: string; x: number; y: number }>;
  noteLine: boolean;
  legend: string;
  describedBy: string | null;
}

/** What the space-time diagram marked for the note, as its last drawing says. */
function spaceTimeMarks(): Promise<Marks> {
  return page.evaluate(() => {
    const n = (
      globalThis as unknown as {
        netsplit: {
          ui: {
            spaceTime: {
              litDrawn(): {
                lanes: string[];
                arrows: number[];
                events: Array<{ event: string; x: number; y: number }>;
                noteLine: boolean;
              };
            };
          };
          app: { viewModel: { spaceTime: { arrows: Array<{ from: string; to: string }> } } };
        };
      }
    ).netsplit;
    const drawn = n.ui.spaceTime.litDrawn();
    const arrows = n.app.viewModel.spaceTime.arrows;
    const legend = document.querySelector('[data-testid="space-time-lit"]') as HTMLElement;
    return {
      lanes: drawn.lanes,
      arrows: drawn.arrows.map((i) => ({ from: arrows[i]!.from, to: arrows[i]!.to })),
      events: drawn.events,
      noteLine: drawn.noteLine,
      legend: legend.hidden ? "" : (legend.textContent ?? ""),
      describedBy: document.querySelector('[data-testid="space-time"]')!.getAttribute("aria-describedby"),
    };
  });
}

/** The colour the diagram's canvas holds at (x, y) in CSS px, as [r, g, b]. */
function pixel(x: number, y: number): Promise<number[]> {
  return page.evaluate(
    ([px, py]) => {
      const c = document.querySelector('[data-testid="space-time"]') as HTMLCanvasElement;
      const k = c.width / c.getBoundingClientRect().width;
      return [...c.getContext("2d")!.getImageData(Math.round(px! * k), Math.round(py! * k), 1, 1).data].slice(0, 3);
    },
    [x, y],
  );
}

/** Wait until the space-time diagram has been drawn with the note's marks (`ready`). */
async function marksWhen(ready: (m: Marks) => boolean): Promise<Marks> {
  for (;;) {
    const m = await spaceTimeMarks();
    if (ready(m)) return m;
    await page.waitForTimeout(50);
  }
}

describe("the walkthrough lights up what each note names", () => {
  it("netsplit-heal: the split lights its servers and the links it cuts; the topic note lights the topic events", async () => {
    page = await chromium.newPage();
    await open(page, `${chromium.site.url}#scenario=netsplit-heal&seed=1`);

    await nextNote("The network splits");
    await page.waitForSelector('[data-testid="link-hs1-hs3"][data-lit="true"]', { state: "attached" });
    const lit = await page.$$eval('[data-lit="true"]', (els) => els.map((e) => e.getAttribute("data-testid")).sort());
    // Across the split: {hs1, hs2} × {hs3, hs4, hs5}; hs1–hs2 and the majority's own links stay unlit.
    expect(lit).toEqual(["hs1-hs3", "hs1-hs4", "hs1-hs5", "hs2-hs3", "hs2-hs4", "hs2-hs5"].map((l) => `link-${l}`));
    // Both lanes of each lit link are drawn lit, and cut.
    expect(await page.locator("line.lane.highlight").count()).toBe(12);
    expect(await page.locator("line.lane.highlight.cut").count()).toBe(12);
    for (const s of ["hs1", "hs2", "hs3", "hs4", "hs5"])
      expect(await page.getAttribute(`[data-testid="server-${s}"]`, "class"), s).toContain("highlight");
    expect(await allInViewport("line.lane.highlight")).toBe(12);
    expect(await allInViewport("g.server.highlight")).toBe(5);

    // The space-time diagram marks the same five servers' lanes, and the note's own line.
    await openDetails(page);
    let marks = await marksWhen((m) => m.noteLine);
    expect(marks.lanes.sort()).toEqual(["hs1", "hs2", "hs3", "hs4", "hs5"]);
    expect(marks.describedBy).toBe("space-time-lit");
    expect(marks.legend).toContain("the lanes of hs1, hs2, hs3, hs4 and hs5 (thick, ▶ before the name)");
    expect(marks.legend).toContain("between hs1–hs3, hs1–hs4, hs1–hs5, hs2–hs3, hs2–hs4 and hs2–hs5");
    // A marked lane is dark ink on the canvas, not the pale grey of an unmarked one.
    const laneY = await page.evaluate(() => {
      const n = (
        globalThis as unknown as { netsplit: { ui: { spaceTime: { drawnLabels(): Array<{ y: number; h: number }> } } } }
      ).netsplit;
      const first = n.ui.spaceTime.drawnLabels().find((l) => l.y > 12);
      return first ? first.y + first.h / 2 : 0;
    });
    const ink = await pixel(200, laneY);
    expect(
      ink.reduce((a, b) => Math.max(a, b)),
      `lane pixel ${ink.join(",")}`,
    ).toBeLessThan(90);
    // Stepping on under the same note: the transactions that try to cross the split are
    // marked, and only those.
    for (let i = 0; i < 40 && marks.arrows.length === 0; i++) {
      const seq = (await summary(page)).cursorSeq;
      await page.keyboard.press("ArrowRight");
      await page.waitForFunction(
        (s) =>
          (globalThis as unknown as { netsplit: { app: { cursor: { seq: number } } } }).netsplit.app.cursor.seq !== s,
        seq,
      );
      const caption = await page.textContent('[data-testid="annotation"]');
      if (!caption?.includes("The network splits")) break;
      marks = await marksWhen((m) => m.noteLine);
    }
    expect(marks.arrows.length).toBeGreaterThan(0);
    const minority = new Set(["hs1", "hs2"]);
    for (const a of marks.arrows) expect(minority.has(a.from), `${a.from}→${a.to}`).not.toBe(minority.has(a.to));
    await screenshot(page, "n02-split-space-time");
    await page.evaluate(() =>
      (
        globalThis as unknown as { netsplit: { ui: { openDetails(open: boolean, scroll: boolean): void } } }
      ).netsplit.ui.openDetails(false, false),
    );

    await nextNote("Both sides change the topic");
    await page.waitForSelector(".chip.highlight");
    const chips = await page.$$eval(".chip.highlight", (els) =>
      els.map((e) => e.querySelector(".chip-label")?.textContent ?? ""),
    );
    expect(chips.length).toBeGreaterThan(0);
    for (const label of chips) expect(label).toMatch(/topic: /);
    // Alice's topic is lit where it is stored (hs1, and hs2 on her side of the split).
    expect(chips.some((l) => l.includes("minority topic"))).toBe(true);
    expect(await allInViewport(".chip.highlight")).toBe(chips.length);
    // No link is named by this note.
    expect(await page.locator('[data-lit="true"]').count()).toBe(0);
    await screenshot(page, "n01-fork-narrated");

    // The full DAG in the details lights the same events.
    const litChips = await page.$$eval(".chip.highlight", (els) => els.map((e) => e.getAttribute("data-event")));
    await openDetails(page);
    await page.waitForSelector("circle.dag-node.highlight", { state: "attached" });
    const litNodes = await page.$$eval("circle.dag-node.highlight", (els) =>
      els.map((e) => e.getAttribute("data-event")),
    );
    expect(new Set(litNodes)).toEqual(new Set(litChips));

    // The space-time diagram: no lane (the note names no server), the topic events as ◆
    // diamonds — each one a lit event — yellow at their centre.
    const topicMarks = await marksWhen((m) => m.noteLine);
    expect(topicMarks.lanes).toEqual([]);
    expect(topicMarks.arrows).toEqual([]);
    expect(topicMarks.events.length).toBeGreaterThan(0);
    for (const e of topicMarks.events) expect(litNodes).toContain(e.event);
    const [r, g, b] = await pixel(topicMarks.events[0]!.x, topicMarks.events[0]!.y);
    expect([r! > 200, g! > 200, b! < 120], `diamond pixel ${[r, g, b].join(",")}`).toEqual([true, true, true]);
    expect(topicMarks.legend).toMatch(/\d+ named events? \(◆ diamonds\)/);
  });
});
