// The web view as a teacher uses it in front of a class (issue 17), in real headless
// Chromium at a projector's 1280×720: the live status says "diverged" after a cut and
// an action in free play; a refused action is shown at the composer (and marked on the
// space-time diagram); the composer clears on send, Enter sends, a click on a user
// picks them; acting after scrubbing back asks first; the keyboard alone runs a whole
// scenario; and the presenter layout holds the network, both heads of a fork and the
// differing state key inside the viewport, without scrolling. The details on demand: the
// resolver's explanation opens with a one-sentence verdict; the space-time diagram zooms
// around the mouse while paused, tells a message's details on hover, and never draws
// one label over another. Twelve busy servers: while playing only the lanes in sight are
// refreshed; paused, every lane shows its server's newest events.

import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { benchScenario, trafficFromMs } from "../../bench/browser-scenario.ts";
import {
  clickLink,
  compose,
  linkIsCut,
  open,
  openDetails,
  runToEnd,
  screenshot,
  scrubTo,
  settle,
  summary,
} from "./page-helpers.ts";
import { chromiumPerFile } from "./chromium-per-file.ts";

const VIEWPORT = { width: 1280, height: 720 };

let page: Page;

const chromium = chromiumPerFile(VIEWPORT);

async function freshPage(hash = ""): Promise<Page> {
  page = await chromium.newPage({ consoleErrors: true });
  await open(page, chromium.site.url + hash);
  return page;
}

const headline = () => page.textContent('[data-testid="status-headline"]');

/** An element's box lies wholly inside the viewport (and the page does not scroll). */
async function inViewport(selector: string): Promise<void> {
  const box = await page.locator(selector).first().boundingBox();
  expect(box, selector).not.toBeNull();
  expect(box!.x, selector).toBeGreaterThanOrEqual(0);
  expect(box!.y, selector).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width, selector).toBeLessThanOrEqual(VIEWPORT.width);
  expect(box!.y + box!.height, selector).toBeLessThanOrEqual(VIEWPORT.height);
}

async function cutOffHs3(): Promise<void> {
  await settle(page, () => clickLink(page, "hs1", "hs3"));
  await linkIsCut(page, "hs1", "hs3", true);
  await settle(page, () => clickLink(page, "hs2", "hs3"));
  await linkIsCut(page, "hs2", "hs3", true);
}

/** Load the browser benchmark's run of `servers` servers (bench/browser-scenario.ts). */
async function loadBench(servers: number): Promise<void> {
  await settle(page, () =>
    page.evaluate(
      (json) =>
        (
          globalThis as unknown as { netsplit: { loadScenarioJson(json: unknown, seed: string): Promise<void> } }
        ).netsplit.loadScenarioJson(json, "1"),
      benchScenario(servers),
    ),
  );
}

describe("the presenter view", () => {
  it("says 'diverged', naming the key, after a cut and an action in free play — not the scenario's old verdict", async () => {
    await freshPage();
    const end = await runToEnd(page);
    expect(end.outcome).toBe("converged");
    expect(await headline()).toContain("Converged");
    await cutOffHs3();
    await compose(page, "@alice:hs1", "topic", { text: "minority" });
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="status-headline"]')?.textContent?.startsWith("Diverged"),
    );
    expect(await headline()).toContain("m.room.topic");
    expect(await page.getAttribute('[data-testid="live-status"]', "role")).toBe("status");
    // The phase no longer wears the scenario's verdict in free play.
    expect(await page.textContent('[data-testid="phase"]')).toContain("free play");
    const diff = page.locator('[data-testid="difference"]');
    expect(await diff.getAttribute("data-key")).toBe("m.room.topic");
    expect(await diff.textContent()).toContain("minority");
    await screenshot(page, "p01-diverged");
  });

  it("shows a refused action at the composer and on the space-time diagram; clears on send; Enter sends; a click picks a user", async () => {
    await freshPage();
    await runToEnd(page);
    // Bob has power 0: the server refuses his topic change.
    await compose(page, "@bob:hs2", "topic", { text: "bob was here" });
    await page.waitForSelector('[data-testid="refusal"]:not([hidden])');
    const refusal = (await page.textContent('[data-testid="refusal"]'))!;
    expect(refusal).toContain("@bob:hs2");
    expect(refusal).toContain("M_FORBIDDEN");
    expect(await page.inputValue('[data-testid="composer-text"]')).toBe("");
    const marks = await page.evaluate(() =>
      (
        globalThis as unknown as {
          netsplit: { app: { model: { spaceTime: { marks: Array<{ kind: string; server?: string }> } } } };
        }
      ).netsplit.app.model.spaceTime.marks.filter((m) => m.kind === "refused"),
    );
    expect(marks).toEqual([expect.objectContaining({ kind: "refused", server: "hs2" })]);
    await screenshot(page, "p02-refused");

    // A click on Carol's circle picks her; Enter in the text field sends; the refusal goes away.
    await page.click('[data-testid="user:@carol:hs3"] circle');
    expect(await page.inputValue('[data-testid="composer-user"]')).toBe("@carol:hs3");
    await page.selectOption('[data-testid="composer-verb"]', "message");
    await page.fill('[data-testid="composer-text"]', "sent with Enter");
    const sent = await settle(page, () => page.press('[data-testid="composer-text"]', "Enter"));
    expect(sent.interventions.at(-1)!.action).toMatchObject({
      do: "message",
      user: "@carol:hs3",
      body: "sent with Enter",
    });
    expect(await page.inputValue('[data-testid="composer-text"]')).toBe("");
    await page.waitForSelector('[data-testid="refusal"][hidden]', { state: "attached" });
  });

  it("asks before forgetting the future when acting after scrubbing back", async () => {
    await freshPage();
    const done = await runToEnd(page);
    await scrubTo(page, 120);
    const asked: string[] = [];
    page.once("dialog", (d) => {
      asked.push(d.message());
      void d.dismiss();
    });
    const kept = await settle(page, () => page.click('[data-testid="power-hs3"]'));
    expect(asked).toHaveLength(1);
    expect(asked[0]).toContain("forgets");
    expect(kept.records).toBe(done.records);
    expect(kept.interventions).toEqual([]);
    page.once("dialog", (d) => void d.accept());
    const redone = await settle(page, () => page.click('[data-testid="power-hs3"]'));
    expect(redone.interventions).toHaveLength(1);
    expect(redone.records).toBeLessThan(done.records);
  });

  it("runs a whole scenario from the keyboard: notes, play, choose a server, cut, heal, crash, help", async () => {
    await freshPage();
    const caption = () => page.textContent('[data-testid="annotation"]');
    // The caption is drawn on the frame after the step settles: wait for it rather than read it at once.
    const captionSays = (text: string) =>
      page.waitForFunction(
        (t) => document.querySelector('[data-testid="annotation"]')?.textContent?.includes(t) ?? false,
        text,
        { timeout: 5000 },
      );
    await captionSays("homeservers");
    expect(await caption()).toContain("homeservers");
    // Next through the walkthrough: each note becomes the caption and lights up what it names.
    await settle(page, () => page.keyboard.press("PageDown"));
    await captionSays("Alice creates a room on hs1");
    expect(await caption()).toContain("Alice creates a room on hs1");
    await page.waitForSelector('[data-testid="server-hs1"].highlight', { state: "attached" });
    await settle(page, () => page.keyboard.press("PageDown"));
    await captionSays("Bob joins from hs2");
    expect(await caption()).toContain("Bob joins from hs2");
    await page.waitForSelector('[data-testid="server-hs2"].highlight', { state: "attached" });
    // Space plays; Space pauses.
    await page.keyboard.press("Space");
    await page.waitForFunction(
      () => (globalThis as unknown as { netsplit: { app: { playing: boolean } } }).netsplit.app.playing,
    );
    await page.keyboard.press("Space");
    expect((await summary(page)).playing).toBe(false);
    // End runs to the scenario's end.
    const end = await settle(page, () => page.keyboard.press("End"));
    expect(end.scenarioDone).toBe(true);
    expect(end.outcome).toBe("converged");
    // Tab reaches a server, which says what it is; 3 chooses hs3, C cuts it off, H heals.
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute("data-testid") ?? "");
    for (let i = 0; i < 80 && (await focused()) !== "server-hs1"; i++) await page.keyboard.press("Tab");
    expect(await focused(), "Tab reaches the first server").toBe("server-hs1");
    expect(await page.getAttribute('[data-testid="server-hs1"]', "aria-label")).toContain("Matrix homeserver hs1");
    await page.keyboard.press("3");
    await settle(page, () => page.keyboard.press("c"));
    await linkIsCut(page, "hs1", "hs3", true);
    await linkIsCut(page, "hs2", "hs3", true);
    await settle(page, () => page.keyboard.press("h"));
    await linkIsCut(page, "hs1", "hs3", false);
    await settle(page, () => page.keyboard.press("x"));
    await page.waitForSelector('[data-testid="server-hs3"][data-up="false"]', { state: "attached" });
    // ← steps back one event, → on again.
    const before = (await summary(page)).cursorSeq;
    await page.keyboard.press("ArrowLeft");
    expect((await summary(page)).cursorSeq).toBeLessThan(before);
    await page.keyboard.press("?");
    expect(await page.isVisible('[data-testid="help"]')).toBe(true);
    await page.keyboard.press("Escape");
    expect(
      (await summary(page)).interventions.map((i) => i.action?.do),
      "every action was taken from the keyboard",
    ).toEqual(["partition", "heal", "crash"]);
  });

  it("fits the network, both heads of a fork and the differing state key in 1280×720 without scrolling", async () => {
    await freshPage();
    await screenshot(page, "p03-opening");
    await runToEnd(page);
    await cutOffHs3();
    await compose(page, "@alice:hs1", "topic", { text: "minority" });
    await compose(page, "@carol:hs3", "message", { text: "meanwhile on hs3" });
    await page.waitForSelector('[data-testid="difference"][data-key="m.room.topic"]');
    // Both heads of the fork: Alice's topic on hs1's side, Carol's message on hs3's, each its lane's head.
    const minorityHead = '[data-testid="lane-hs1"] .chip[data-head="true"]';
    const majorityHead = '[data-testid="lane-hs3"] .chip[data-head="true"]';
    await page.waitForFunction(
      ([a, b]) =>
        (document.querySelector(a!)?.textContent?.includes("topic: minority") ?? false) &&
        (document.querySelector(b!)?.textContent?.includes("meanwhile on hs3") ?? false),
      [minorityHead, majorityHead],
    );
    await inViewport('[data-testid="network"]');
    for (const s of ["hs1", "hs2", "hs3"]) await inViewport(`[data-testid="server-${s}"]`);
    await inViewport(minorityHead);
    await inViewport(majorityHead);
    await inViewport('[data-testid="difference"][data-key="m.room.topic"]');
    // In free play the last note ("Each message is a PDU …") is history: nothing is lit.
    expect(await page.locator('.chip.highlight, .server.highlight, [data-lit="true"]').count()).toBe(0);
    // The two sides hold different states: different groups, told apart by letter as well as colour.
    const groups = await page.evaluate(() =>
      ["hs1", "hs3"].map((s) => document.querySelector(`[data-testid="server-${s}"]`)?.getAttribute("data-group")),
    );
    expect(groups[0]).not.toBe(groups[1]);
    await screenshot(page, "p04-fork-apart");

    // Heal and let it settle: every server holds both heads until someone speaks.
    await settle(page, () => page.click('[data-testid="heal-all"]'));
    await runToEnd(page);
    expect(await headline()).toContain("Same state everywhere");
    for (const s of ["hs1", "hs2", "hs3"]) {
      const heads = page.locator(`[data-testid="lane-${s}"] .chip[data-head="true"]`);
      expect(await heads.count(), s).toBe(2);
      for (let i = 0; i < 2; i++) await inViewport(`[data-testid="lane-${s}"] .chip[data-head="true"] >> nth=${i}`);
      expect(await page.textContent(`[data-testid="heads-${s}"]`)).toBe("2 heads");
    }
    const scroll = await page.evaluate(() => document.scrollingElement!.scrollHeight);
    expect(scroll).toBeLessThanOrEqual(VIEWPORT.height);
    await screenshot(page, "p05-two-heads");
  });

  it("at the projector size, a long description takes three lines, not the screen; 'more' shows the rest", async () => {
    // netsplit-heal's description is thirteen lines at 20 px: it used to push all five
    // servers below 720 px, and the drawing, shorter than before, kept two servers under its edge.
    await freshPage("#scenario=netsplit-heal&seed=1");
    await page.keyboard.press("p");
    expect(await page.evaluate(() => document.documentElement.classList.contains("projector"))).toBe(true);
    const more = page.locator('[data-testid="caption-more"]');
    await more.waitFor({ state: "visible" });
    expect(await more.getAttribute("aria-expanded")).toBe("false");
    const caption = page.locator('[data-testid="annotation"]');
    // Folded, the whole text is still there (the aria-live region reads it all).
    expect(await caption.textContent()).toMatch(/^Five servers share a public room\..*Space to play\.$/);
    const folded = await captionBox();
    expect(folded.height).toBeLessThanOrEqual(3 * folded.lineHeight + 1);
    expect(folded.hidden).toBeGreaterThan(0);
    // Every server inside the drawing, and the drawing inside the screen.
    const servers = ["hs1", "hs2", "hs3", "hs4", "hs5"];
    await page.waitForFunction((ids) => {
      const net = document.querySelector('[data-testid="network"]')!.getBoundingClientRect();
      return ids.every((s) => {
        const r = document.querySelector(`[data-testid="server-${s}"]`)!.getBoundingClientRect();
        return r.top >= net.top && r.bottom <= net.bottom;
      });
    }, servers);
    await inViewport('[data-testid="network"]');
    for (const s of servers) await inViewport(`[data-testid="server-${s}"]`);
    await screenshot(page, "p08-projector-description");

    await more.click();
    expect(await more.getAttribute("aria-expanded")).toBe("true");
    expect(await more.textContent()).toContain("less");
    const open = await captionBox();
    expect(open.height).toBeGreaterThan(folded.height);
    expect(open.hidden).toBe(0);
    await more.click();
    expect((await captionBox()).height).toBe(folded.height);

    // A one-line note needs no "more".
    await page.keyboard.press("PageDown");
    await page.waitForFunction(() => !document.querySelector("#annotation")!.textContent!.startsWith("Five servers"));
    await more.waitFor({ state: "hidden" });
  });
});

/** The caption's drawn height, its line height, and how many pixels of its text are folded away. */
function captionBox(): Promise<{ height: number; lineHeight: number; hidden: number }> {
  return page.evaluate(() => {
    const c = document.querySelector('[data-testid="annotation"]') as HTMLElement;
    return {
      height: c.getBoundingClientRect().height,
      lineHeight: parseFloat(getComputedStyle(c).lineHeight),
      hidden: c.scrollHeight - c.clientHeight,
    };
  });
}

/** The space-time canvas's window, in virtual ms and in axis units (idle stretches shortened). */
function spaceTimeWindow(): Promise<{ fromMs: number; toMs: number; left: number; right: number }> {
  return page.evaluate(() => {
    const c = document.querySelector('[data-testid="space-time"]') as HTMLCanvasElement;
    return {
      fromMs: Number(c.dataset.fromMs),
      toMs: Number(c.dataset.toMs),
      left: Number(c.dataset.axisLeft),
      right: Number(c.dataset.axisRight),
    };
  });
}

/** Where the space-time diagram last drew its arrows and labels (canvas pixels). */
interface Drawn {
  segments: number[];
  arrowIndex: number[];
  labels: Array<{ x: number; y: number; w: number; h: number }>;
}

function drawn(): Promise<Drawn> {
  return page.evaluate(() => {
    const view = (
      globalThis as unknown as {
        netsplit: { ui: { spaceTime: { hitTargets(): Drawn; drawnLabels(): Drawn["labels"] } } };
      }
    ).netsplit.ui.spaceTime;
    return { ...view.hitTargets(), labels: view.drawnLabels() };
  });
}

describe("the details on demand", () => {
  it("puts a one-sentence verdict on top of the resolver's explanation: what won and why", async () => {
    await freshPage("#scenario=topic-war&seed=1");
    await runToEnd(page);
    await openDetails(page);
    // Opening the details draws the space-time diagram at its real size, with nothing else
    // happening (it was drawn at 0×0 while hidden, and stayed blank until the next change).
    await page.waitForFunction(
      () => Number((document.querySelector('[data-testid="space-time"]') as HTMLElement).dataset.drawnWidth) > 0,
    );
    await page.click('[data-testid="explain-hs1"]');
    await page.waitForSelector('[data-testid="verdict"] li[data-key="m.room.topic"]', { state: "attached" });
    // topic-war's own account (from the spec): one mainline position, so the latest
    // origin_server_ts — Carol's, whose clock runs ten minutes fast — wins.
    expect(await page.textContent('[data-testid="verdict"] li[data-key="m.room.topic"]')).toMatch(
      /^m\.room\.topic → “Carol's topic \(set first\)” \(carol on hs3\) wins over .*: same mainline position, sent [\d.]+ min later\.$/,
    );
    // The verdict comes first, before the step-by-step account.
    const order = await page.evaluate(() => {
      const box = document.querySelector('[data-testid="explanation"]')!;
      const verdict = box.querySelector('[data-testid="verdict"]')!;
      const firstStep = box.querySelector("h4")!;
      return verdict.compareDocumentPosition(firstStep) & Node.DOCUMENT_POSITION_FOLLOWING;
    });
    expect(order).toBeTruthy();
    await page.locator('[data-testid="explanation"]').scrollIntoViewIfNeeded();
    await screenshot(page, "p06-verdict");
  });

  it("space-time: zooms around the mouse while paused, shows a message's details on hover, labels never overlap", async () => {
    await freshPage();
    await runToEnd(page);
    await openDetails(page);
    expect((await summary(page)).playing).toBe(false);
    const canvas = page.locator('[data-testid="space-time"]');
    await canvas.scrollIntoViewIfNeeded();
    await page.waitForFunction(
      () => !!(document.querySelector('[data-testid="space-time"]') as HTMLElement).dataset.axisRight,
    );
    const before = await spaceTimeWindow();
    const box = (await canvas.boundingBox())!;
    // The plot starts 48 px in and ends 14 px before the right edge (space-time-view.ts).
    const plotW = box.width - 48 - 14;
    const frac = 0.3;
    const mouse = { x: box.x + 48 + frac * plotW, y: box.y + box.height / 2 };
    const under = before.left + frac * (before.right - before.left);
    await page.mouse.move(mouse.x, mouse.y);
    await page.mouse.wheel(0, -100);
    await page.waitForFunction(
      (right) =>
        Number((document.querySelector('[data-testid="space-time"]') as HTMLElement).dataset.axisRight) !== right,
      before.right,
    );
    const after = await spaceTimeWindow();
    // Narrower by a fifth, and the moment under the mouse is still under it.
    expect(after.right - after.left).toBeCloseTo(0.8 * (before.right - before.left), 3);
    // (to within a pixel: the pointer's position is a whole number of CSS pixels)
    const pixel = (after.right - after.left) / plotW;
    expect(Math.abs(after.left + frac * (after.right - after.left) - under)).toBeLessThanOrEqual(pixel);
    expect((await summary(page)).playing).toBe(false);

    // Hover the longest arrow drawn: the tooltip says what it carried, from, to, when and how it ended.
    const d = await drawn();
    let best = 0;
    for (let i = 1; i < d.arrowIndex.length; i++) {
      const len = (k: number) =>
        Math.hypot(d.segments[4 * k + 2]! - d.segments[4 * k]!, d.segments[4 * k + 3]! - d.segments[4 * k + 1]!);
      if (len(i) > len(best)) best = i;
    }
    expect(d.arrowIndex.length).toBeGreaterThan(0);
    const [x1, y1, x2, y2] = d.segments.slice(4 * best, 4 * best + 4) as [number, number, number, number];
    const arrow = await page.evaluate(
      (i) =>
        (
          globalThis as unknown as {
            netsplit: {
              app: { viewModel: { spaceTime: { arrows: Array<{ from: string; to: string; txnId: string }> } } };
            };
          }
        ).netsplit.app.viewModel.spaceTime.arrows[i]!,
      d.arrowIndex[best]!,
    );
    await page.mouse.move(box.x + (x1 + x2) / 2, box.y + (y1 + y2) / 2);
    await page.waitForSelector('[data-testid="tooltip"]:not([hidden])');
    const tip = (await page.textContent('[data-testid="tooltip"]'))!;
    expect(tip).toContain(`transaction ${arrow.txnId}`);
    expect(tip).toContain(`from ${arrow.from} to ${arrow.to}`);
    expect(tip).toMatch(/sent at .*(arrived at|lost at)/);
    expect(tip).toMatch(/outcome: (acknowledged|failed)/);
    await screenshot(page, "p07-space-time-hover");
    await page.mouse.move(box.x + 2, box.y + 2);
    await page.waitForSelector('[data-testid="tooltip"]', { state: "hidden" });

    // No two labels the diagram drew overlap.
    const labels = d.labels;
    expect(labels.length).toBeGreaterThan(3);
    for (const a of labels)
      for (const b of labels)
        if (a !== b) expect(a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h).toBe(false);
  });

  it("space-time at thirty servers: lane names thinned, none overlapping", async () => {
    await freshPage();
    await loadBench(30);
    await openDetails(page);
    await page.locator('[data-testid="space-time"]').scrollIntoViewIfNeeded();
    await page.waitForFunction(
      () =>
        (
          globalThis as unknown as { netsplit: { ui: { spaceTime: { drawnLabels(): unknown[] } } } }
        ).netsplit.ui.spaceTime.drawnLabels().length > 0,
    );
    const labels = (await drawn()).labels;
    const lanes = labels.filter((l) => l.x < 48);
    expect(lanes.length).toBeGreaterThan(1);
    expect(lanes.length).toBeLessThan(30);
    for (const a of labels)
      for (const b of labels)
        if (a !== b) expect(a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h).toBe(false);
  });

  it("twelve busy servers: paused after playing, every lane (in sight or not) shows its server's newest events", async () => {
    await freshPage();
    await loadBench(12);
    await settle(page, () =>
      page.evaluate(
        (at) =>
          (
            globalThis as unknown as { netsplit: { app: { runUntil(atMs: number): Promise<void> } } }
          ).netsplit.app.runUntil(at),
        trafficFromMs(12) + 3_000,
      ),
    );
    // Some lanes lie below the side panel's fold (so the test covers the ones out of sight).
    const below = await page.evaluate(() => {
      const panel = document.querySelector('[data-testid="lanes"]')!.closest(".side-panel")!.getBoundingClientRect();
      return [...document.querySelectorAll(".srv-lane")].filter((l) => l.getBoundingClientRect().top > panel.bottom)
        .length;
    });
    expect(below).toBeGreaterThan(0);
    // Play a second of virtual time at 1×, then pause.
    const startMs = await page.evaluate(() => {
      const app = (
        globalThis as unknown as {
          netsplit: { app: { speed: number; togglePlay(): void; viewModel: { atMs: number } } };
        }
      ).netsplit.app;
      app.speed = 1;
      app.togglePlay();
      return app.viewModel.atMs;
    });
    await page.waitForFunction(
      (from) =>
        (globalThis as unknown as { netsplit: { app: { viewModel: { atMs: number } } } }).netsplit.app.viewModel.atMs >
        from + 1_000,
      startMs,
    );
    await page.evaluate(() =>
      (globalThis as unknown as { netsplit: { app: { togglePlay(): void } } }).netsplit.app.togglePlay(),
    );
    // Two frames on: the pause has been drawn.
    await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(() => ok(null)))));
    const lanes = await page.evaluate(() => {
      const ui = (
        globalThis as unknown as {
          netsplit: { ui: { presented: { lanes: Array<{ server: string; events: Array<{ id: string }> }> } } };
        }
      ).netsplit.ui;
      return ui.presented.lanes.map((l) => ({
        server: l.server,
        wanted: l.events.map((e) => e.id),
        shown: [...document.querySelectorAll(`[data-testid="lane-${l.server}"] .chip`)].map(
          (c) => (c as HTMLElement).dataset.event,
        ),
      }));
    });
    expect(lanes).toHaveLength(12);
    for (const l of lanes) {
      expect(l.wanted.length, l.server).toBeGreaterThan(0);
      expect(l.shown, l.server).toEqual(l.wanted);
    }
  });
});
