// Driving the web view as a person does — clicks on links and buttons, a line dragged
// across the network, the composer — through stable data-testid attributes, plus reads
// of what the page shows. (Functions passed to page.evaluate run in the browser; they
// define no inner named functions, which the TypeScript loader would wrap in a helper
// the browser does not have.)

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { ROOT } from "../../bench/browser-harness.ts";

export const ARTIFACTS = join(ROOT, "test-artifacts", "browser");

/** Waits only stop a hang (like vitest's testTimeout); nothing here is timed. */
export const HANG_MS = 300_000;

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

export interface Summary {
  records: number;
  cursorSeq: number;
  steps: number;
  scenarioDone: boolean;
  outcome: string | null;
  interventions: Array<{ afterStep: number; action?: Record<string, unknown>; fork?: string }>;
  permalink: string;
  inFlight: { messages: number; pdus: number } | null;
  widths: Record<string, number>;
  divergent: Record<string, string[]>;
  viewOnly: boolean;
  settled: number;
  playing: boolean;
  /** The live status line's verdict. */
  status: string;
}

export function summary(page: Page): Promise<Summary> {
  return page.evaluate(() => (globalThis as unknown as { netsplit: { summary(): Summary } }).netsplit.summary());
}

export function pageHash(page: Page): Promise<string> {
  return page.evaluate(() => (globalThis as unknown as { netsplit: { hash(): string } }).netsplit.hash());
}

/** Open the page and wait until the engine has loaded the run. */
export async function open(page: Page, url: string): Promise<void> {
  page.setDefaultTimeout(HANG_MS);
  await page.goto(url);
  await page.waitForFunction(() => {
    const n = (globalThis as unknown as { netsplit?: { app: { info: unknown; settled: number } } }).netsplit;
    return !!n && n.app.info !== null && n.app.settled > 0;
  });
}

/** Open the details (full DAG, space-time, state table, explanation) without scrolling the page. */
export async function openDetails(page: Page): Promise<void> {
  await page.evaluate(() =>
    (
      globalThis as unknown as { netsplit: { ui: { openDetails(open: boolean, scroll: boolean): void } } }
    ).netsplit.ui.openDetails(true, false),
  );
  await page.waitForSelector('[data-testid="details"]:not([hidden])', { state: "attached" });
}

/** Do something that makes the app act (load, run, intervene, fork), and wait until it has. */
export async function settle(page: Page, act: () => Promise<unknown>): Promise<Summary> {
  const before = (await summary(page)).settled;
  await act();
  await page.waitForFunction(
    (n) => (globalThis as unknown as { netsplit: { summary(): { settled: number } } }).netsplit.summary().settled > n,
    before,
  );
  return summary(page);
}

/**
 * Run to the scenario's end and wait until the page says how it ended: an earlier action may
 * settle late (after the click), which alone would let `settle` return before the end.
 */
export async function runToEnd(page: Page): Promise<Summary> {
  await settle(page, () => page.click('[data-testid="run-to-end"]'));
  await page.waitForFunction(() => {
    const s = (
      globalThis as unknown as { netsplit: { summary(): { scenarioDone: boolean; outcome: string | null } } }
    ).netsplit.summary();
    return s.scenarioDone && s.outcome !== null;
  });
  return summary(page);
}

/** Click the middle of the link between two servers, where a person would. */
export async function clickLink(page: Page, a: string, b: string): Promise<void> {
  const p = await page.evaluate(
    ([x, y]) => {
      const line = document.querySelector(`[data-testid="link-${x}-${y}"]`) as SVGLineElement;
      const r = line.ownerSVGElement!.getBoundingClientRect();
      return {
        x: r.left + (Number(line.getAttribute("x1")) + Number(line.getAttribute("x2"))) / 2,
        y: r.top + (Number(line.getAttribute("y1")) + Number(line.getAttribute("y2"))) / 2,
      };
    },
    [a, b],
  );
  await page.mouse.click(p.x, p.y);
}

export async function linkIsCut(page: Page, a: string, b: string, cut: boolean): Promise<void> {
  await page.waitForSelector(`[data-testid="link-${a}-${b}"][data-cut="${cut}"]`, { state: "attached" });
}

/** Where a server is drawn, in page coordinates. */
export async function serverAt(page: Page, server: string): Promise<{ x: number; y: number }> {
  const box = await page.locator(`[data-testid="server-${server}"] circle.body`).boundingBox();
  if (!box) throw new Error(`server ${server} is not drawn`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Drag a line across the network from a to b (page coordinates). */
export async function drawLine(page: Page, a: { x: number; y: number }, b: { x: number; y: number }): Promise<void> {
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  for (let i = 1; i <= 8; i++) await page.mouse.move(a.x + ((b.x - a.x) * i) / 8, a.y + ((b.y - a.y) * i) / 8);
  await page.mouse.up();
}

export async function compose(
  page: Page,
  user: string,
  verb: string,
  fields: { text?: string; target?: string; level?: number } = {},
): Promise<Summary> {
  await page.selectOption('[data-testid="composer-user"]', user);
  await page.selectOption('[data-testid="composer-verb"]', verb);
  if (fields.text !== undefined) await page.fill('[data-testid="composer-text"]', fields.text);
  if (fields.target !== undefined) await page.fill('[data-testid="composer-target"]', fields.target);
  if (fields.level !== undefined) await page.fill('[data-testid="composer-level"]', String(fields.level));
  return settle(page, () => page.click('[data-testid="composer-send"]'));
}

/** Move the timeline slider to a record, as dragging it does. */
export async function scrubTo(page: Page, seq: number): Promise<void> {
  await page.evaluate((s) => {
    const input = document.querySelector('[data-testid="timeline"]') as HTMLInputElement;
    input.value = String(s);
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }, seq);
  await page.waitForFunction(
    (s) => (globalThis as unknown as { netsplit: { app: { cursor: { seq: number } } } }).netsplit.app.cursor.seq === s,
    seq,
  );
}

/** What the state table shows: key → server → cell text, and which keys are flagged. */
export function stateTable(
  page: Page,
): Promise<{ servers: string[]; rows: Record<string, Record<string, string>>; disagree: string[] }> {
  return page.evaluate(() => {
    const servers = [...document.querySelectorAll('[data-testid="state-table"] thead th .th-name')].map(
      (e) => e.textContent ?? "",
    );
    const rows: Record<string, Record<string, string>> = {};
    const disagree: string[] = [];
    for (const tr of document.querySelectorAll('[data-testid="state-table"] tbody tr')) {
      const key = (tr as HTMLElement).dataset.key ?? "";
      rows[key] = {};
      for (const td of tr.querySelectorAll("td"))
        rows[key][(td as HTMLElement).dataset.server ?? ""] = td.textContent ?? "";
      if (tr.classList.contains("disagree")) disagree.push(key);
    }
    return { servers, rows, disagree };
  });
}

/** The forward extremities each server's DAG view marks. */
export function heads(page: Page): Promise<Record<string, string[]>> {
  return page.evaluate(() => {
    const out: Record<string, string[]> = {};
    for (const panel of document.querySelectorAll('[data-testid^="dag-hs"]')) {
      if (!(panel as HTMLElement).classList.contains("dag-panel")) continue;
      const server = ((panel as HTMLElement).dataset.testid ?? "").slice("dag-".length);
      out[server] = [...panel.querySelectorAll('circle.dag-node[data-extremity="true"]')]
        .map((n) => (n as SVGElement).dataset.event ?? "")
        .sort();
    }
    return out;
  });
}

/** Which servers the network view badges as holding a state that differs from another's. */
export function divergentBadges(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('[data-testid^="divergent-"]')]
      .filter((b) => b.getAttribute("visibility") === "visible")
      .map((b) => (b.getAttribute("data-testid") ?? "").slice("divergent-".length))
      .sort(),
  );
}
