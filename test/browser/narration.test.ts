// The walkthrough lights up what each note names (issue 17), in real headless Chromium at
// a projector's 1280×720: on netsplit-heal, "The network splits: hs1 and hs2 can no
// longer reach hs3, hs4 and hs5" lights the five servers and the six links the split
// cuts (not the ones inside each side); "Both sides change the topic" lights the topic
// events in the servers' lanes and nothing else, and the same events in the full DAG.
// Every lit thing lies inside the viewport.

import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { open, openDetails, screenshot, settle } from "./page-helpers.ts";
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
  });
});
