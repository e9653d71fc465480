// The web view in real headless Chromium: the production build served from a
// sub-directory, driven through the UI as a person would. It runs three-servers to the
// end (the three servers agree, and the trace hash equals Node's for the same scenario
// and seed), cuts links by clicking them, talks on both sides, sees two heads in the DAG
// view, heals and sees the servers converge — and reopens the permalink to the same
// trace. Screenshots go to test-artifacts/browser/.

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { nodeCrypto } from "../../cli/node-crypto.ts";
import { findScenario, runScenario, SCENARIOS } from "../../scenarios/index.ts";
import { parseScenario } from "../../scenarios/runner/parse-scenario.ts";
import { traceHash } from "../../sim/trace.ts";
import { LiveRun } from "../../viz/engine/live-run.ts";
import { decodePermalink } from "../../viz/model/permalink.ts";
import {
  clickLink,
  compose,
  divergentBadges,
  drawLine,
  heads,
  linkIsCut,
  open,
  openDetails,
  pageHash,
  runToEnd,
  screenshot,
  scrubTo,
  serverAt,
  settle,
  stateTable,
  summary,
} from "./page-helpers.ts";
import { chromiumPerFile } from "./chromium-per-file.ts";

let page: Page;

const chromium = chromiumPerFile();

async function freshPage(hash = ""): Promise<Page> {
  page = await chromium.newPage({ consoleErrors: true });
  // Acting after scrubbing back asks first (a confirm dialog): these tests mean it.
  page.on("dialog", (d) => void d.accept());
  await open(page, chromium.site.url + hash);
  // These tests read the full DAG and the state table, which draw only while open.
  await openDetails(page);
  return page;
}

/** The "more" menu (fork, files, exports, the trace hash) folds away on the presenter page. */
async function openMore(p: Page): Promise<void> {
  await p.evaluate(() => document.querySelector("details.more")?.setAttribute("open", ""));
}

/** Node's answer for the same recipe: replay the permalink with the node:crypto backend. */
function nodeHashOf(permalink: string): { hash: string; records: number } {
  const p = decodePermalink(permalink)!;
  const live = new LiveRun(findScenario(p.scenario)!, {
    seed: p.seed,
    interventions: p.interventions,
    crypto: nodeCrypto,
  });
  live.advanceToStep(p.step ?? 0);
  return { hash: traceHash(live.records, nodeCrypto), records: live.records.length };
}

describe("the web view", () => {
  it("loads three-servers, runs it to the end, and all three servers hold the same state", async () => {
    await freshPage();
    expect(await page.textContent('[data-testid="scenario-select"] option:checked')).toBe("three-servers");
    await screenshot(page, "01-loaded");
    const end = await runToEnd(page);
    expect(end.outcome).toBe("converged");
    expect(await page.textContent('[data-testid="phase"]')).toContain("converged");
    expect(end.status).toContain("Converged");

    const table = await stateTable(page);
    expect(table.servers).toEqual(["hs1", "hs2", "hs3"]);
    expect(table.disagree).toEqual([]);
    expect(Object.keys(table.rows)).toContain("m.room.member|@carol:hs3");
    for (const [key, cells] of Object.entries(table.rows)) expect(new Set(Object.values(cells)).size, key).toBe(1);
    expect(await divergentBadges(page)).toEqual([]);
    const h = await heads(page);
    expect(h.hs1).toHaveLength(1);
    expect(h.hs2).toEqual(h.hs1);
    expect(h.hs3).toEqual(h.hs1);
    for (const s of ["hs1", "hs2", "hs3"])
      expect(await page.textContent(`[data-testid="dag-width-${s}"]`)).toBe("1 head");

    // The trace hash computed in the browser (pure-JS SHA-256 over the records the page
    // received) is the one `netsplit run three-servers --seed 1` prints.
    await openMore(page);
    await page.click('[data-testid="hash-button"]');
    const shown = (await page.textContent('[data-testid="trace-hash"]'))!.trim();
    const cli = runScenario(findScenario("three-servers")!, { seed: "1", crypto: nodeCrypto });
    expect(shown).toBe(cli.traceHash);
    expect(end.records).toBe(cli.traceRecords);
    await screenshot(page, "02-converged");
  });

  it("cuts links in the UI, talks on both sides, shows two heads, heals and converges", async () => {
    await freshPage();
    await runToEnd(page);
    // Cut hs3 off: click its two links.
    await settle(page, () => clickLink(page, "hs1", "hs3"));
    await linkIsCut(page, "hs1", "hs3", true);
    await settle(page, () => clickLink(page, "hs2", "hs3"));
    await linkIsCut(page, "hs2", "hs3", true);
    // One message (a topic) on each side, through the composer.
    await compose(page, "@alice:hs1", "topic", { text: "north side" });
    await compose(page, "@carol:hs3", "message", { text: "south side" });
    // Play until hs2 has heard of the topic (hs3 cannot).
    await page.selectOption('[data-testid="speed"]', "1");
    await page.click('[data-testid="play"]');
    await page.waitForFunction(() => {
      const row = document.querySelector('[data-testid="state-table"] tr[data-key="m.room.topic|"]');
      return !!row && row.querySelector('td[data-server="hs2"]')?.textContent === "“north side”";
    });
    await page.click('[data-testid="play"]');
    const split = await stateTable(page);
    expect(split.disagree).toEqual(["m.room.topic|"]);
    expect(split.rows["m.room.topic|"]).toEqual({ hs1: "“north side”", hs2: "“north side”", hs3: "—" });
    expect(await divergentBadges(page)).toEqual(["hs1", "hs2", "hs3"]);
    const apart = await heads(page);
    expect(apart.hs1).toEqual(apart.hs2);
    expect(apart.hs3).toHaveLength(1);
    expect(apart.hs3).not.toEqual(apart.hs1);
    await screenshot(page, "03-split");

    // Heal, and run until the network is quiet: the senders retry after their backoff.
    await settle(page, () => page.click('[data-testid="heal-all"]'));
    await linkIsCut(page, "hs1", "hs3", false);
    await runToEnd(page);
    // The DAG panels are drawn on the frame after the run settles: wait for them.
    await page.waitForFunction(() =>
      ["hs1", "hs2", "hs3"].every(
        (s) => document.querySelector(`[data-testid="dag-width-${s}"]`)?.textContent === "2 heads",
      ),
    );
    const both = [...apart.hs1!, ...apart.hs3!].sort();
    expect(await heads(page)).toEqual({ hs1: both, hs2: both, hs3: both });
    for (const s of ["hs1", "hs2", "hs3"])
      expect(await page.textContent(`[data-testid="dag-width-${s}"]`)).toBe("2 heads");
    const healed = await stateTable(page);
    expect(healed.disagree).toEqual([]);
    expect(healed.rows["m.room.topic|"]).toEqual({ hs1: "“north side”", hs2: "“north side”", hs3: "“north side”" });
    expect(await divergentBadges(page)).toEqual([]);
    // The resolver explains hs1's state: two forward extremities, two state sets.
    await page.click('[data-testid="explain-hs1"]');
    await page.waitForFunction(
      () => document.querySelector('[data-testid="explanation"] h3')?.textContent === "hs1: why this state",
    );
    expect(await page.textContent('[data-testid="explanation"]')).toContain("over 2 state sets");
    await screenshot(page, "04-two-heads-converged");

    // A new event cites both heads: the fork is merged.
    await compose(page, "@bob:hs2", "message", { text: "merging" });
    await runToEnd(page);
    await page.waitForFunction(() =>
      ["hs1", "hs2", "hs3"].every(
        (s) => document.querySelector(`[data-testid="dag-width-${s}"]`)?.textContent === "1 head",
      ),
    );
    const merged = await heads(page);
    expect(merged.hs1).toHaveLength(1);
    expect(merged.hs2).toEqual(merged.hs1);
    expect(merged.hs3).toEqual(merged.hs1);
    await screenshot(page, "05-merged");

    // Every click was recorded with its step and virtual time: the permalink replays in
    // Node to the very same trace, and reopens in the browser to it too.
    const s = await summary(page);
    expect(s.interventions.map((i) => i.action?.do)).toEqual([
      "partition",
      "partition",
      "topic",
      "message",
      "heal",
      "message",
    ]);
    const permalink = (await page.getAttribute('[data-testid="permalink"]', "href"))!;
    const node = nodeHashOf(permalink);
    expect(node.records).toBe(s.records);
    expect(await pageHash(page)).toBe(node.hash);
    await page.close();
    await freshPage(permalink);
    const reopened = await summary(page);
    expect(reopened.records).toBe(s.records);
    expect(await pageHash(page)).toBe(node.hash);
  });

  it("splits the network along a dragged line, crashes and restarts a server, and re-runs from a scrubbed-back moment", async () => {
    await freshPage();
    const done = await runToEnd(page);
    // A line between hs1 and the other two.
    const [a, b, c] = [await serverAt(page, "hs1"), await serverAt(page, "hs2"), await serverAt(page, "hs3")];
    const mid = { x: (a.x + (b.x + c.x) / 2) / 2, y: (a.y + (b.y + c.y) / 2) / 2 };
    const dx = (b.x + c.x) / 2 - a.x;
    const dy = (b.y + c.y) / 2 - a.y;
    const len = Math.hypot(dx, dy);
    const along = { x: (-dy / len) * 220, y: (dx / len) * 220 };
    const split = await settle(page, () =>
      drawLine(page, { x: mid.x - along.x, y: mid.y - along.y }, { x: mid.x + along.x, y: mid.y + along.y }),
    );
    expect(split.interventions.at(-1)!.action).toMatchObject({
      do: "partition",
      partition: { shape: "split", mode: "drop" },
    });
    const sides = (split.interventions.at(-1)!.action as { partition: { sides: string[][] } }).partition.sides;
    expect(sides.map((x) => [...x].sort()).sort()).toEqual([["hs1"], ["hs2", "hs3"]]);
    await linkIsCut(page, "hs1", "hs2", true);
    await linkIsCut(page, "hs1", "hs3", true);
    await linkIsCut(page, "hs2", "hs3", false);

    // The power button crashes hs2 and restarts it.
    await settle(page, () => page.click('[data-testid="power-hs2"]'));
    await page.waitForSelector('[data-testid="server-hs2"][data-up="false"]', { state: "attached" });
    await screenshot(page, "06-line-split-and-crash");
    await settle(page, () => page.click('[data-testid="power-hs2"]'));
    await page.waitForSelector('[data-testid="server-hs2"][data-up="true"]', { state: "attached" });

    // Back to the middle of the scenario, and act there: the run is re-made up to that
    // step, what followed is forgotten, and the new action is recorded at that step.
    await scrubTo(page, 120);
    const cursorStep = await page.evaluate(
      () => (globalThis as unknown as { netsplit: { app: { cursorStep: number } } }).netsplit.app.cursorStep,
    );
    const again = await settle(page, () => page.click('[data-testid="power-hs3"]'));
    expect(again.interventions).toEqual([
      { afterStep: cursorStep, action: expect.objectContaining({ do: "crash", server: "hs3" }) },
    ]);
    expect(again.records).toBeLessThan(done.records);
    expect(again.steps).toBe(cursorStep);
    const end = await runToEnd(page);
    expect(end.outcome).toBe("converged"); // the heal restarts hs3 and it catches up
    const node = nodeHashOf((await page.getAttribute('[data-testid="permalink"]', "href"))!);
    expect(await pageHash(page)).toBe(node.hash);
  });

  it("exports the trace and the DAG as SVG, and replays a trace file", async () => {
    await freshPage("#scenario=topic-war&seed=3");
    const end = await runToEnd(page);
    await openMore(page);
    const [traceDownload] = await Promise.all([
      page.waitForEvent("download"),
      page.click('[data-testid="export-trace"]'),
    ]);
    const tracePath = await traceDownload.path();
    const text = readFileSync(tracePath, "utf8");
    expect(text.split("\n").filter(Boolean)).toHaveLength(end.records);
    expect(
      traceHash(
        text
          .split("\n")
          .filter(Boolean)
          .map((l) => JSON.parse(l)),
        nodeCrypto,
      ),
    ).toBe(runScenario(findScenario("topic-war")!, { seed: "3", crypto: nodeCrypto }).traceHash);

    const [svgDownload] = await Promise.all([page.waitForEvent("download"), page.click('[data-testid="export-svg"]')]);
    const svg = readFileSync(await svgDownload.path(), "utf8");
    expect(svg).toMatch(/^<\?xml[^]*<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect((svg.match(/<circle /g) ?? []).length).toBe(await page.locator(".dag-node").count());

    // Loading the file re-runs it live (its run.start names a known scenario).
    await page.close();
    await freshPage();
    await settle(page, () => page.setInputFiles('[data-testid="load-trace"]', tracePath));
    expect(await page.textContent('[data-testid="status"]')).toContain("identical to the file");
    expect((await summary(page)).records).toBe(end.records);

    // A file of an unknown scenario is replayed view only.
    const renamed = text.replace('"scenario":"topic-war"', '"scenario":"somewhere-else"');
    await settle(page, () =>
      page.setInputFiles('[data-testid="load-trace"]', {
        name: "other.jsonl",
        mimeType: "application/jsonl",
        buffer: Buffer.from(renamed),
      }),
    );
    expect(await page.isVisible('[data-testid="view-only"]')).toBe(true);
    const viewOnly = await summary(page);
    expect(viewOnly.viewOnly).toBe(true);
    expect(viewOnly.records).toBe(end.records);
    await scrubTo(page, end.records - 1);
    expect((await stateTable(page)).disagree).toEqual([]);
    await screenshot(page, "07-trace-file-view-only");
  });

  it("opens a JSON scenario file (as netsplit check writes them) and runs it as Node does, its permalink carrying it", async () => {
    const path = new URL("../../scenarios/shipped/json/held-then-released.json", import.meta.url);
    const json = JSON.parse(readFileSync(path, "utf8")) as unknown;
    await freshPage();
    await page.fill('[data-testid="seed-input"]', "4");
    await settle(page, () => page.setInputFiles('[data-testid="open-scenario"]', fileURLToPath(path)));
    const end = await runToEnd(page);
    const node = runScenario(parseScenario(json, "held-then-released.json"), { seed: "4", crypto: nodeCrypto });
    expect(end.outcome).toBe(node.outcome);
    expect(await pageHash(page)).toBe(node.traceHash);
    const link = decodePermalink(new URL(page.url()).hash);
    expect(link?.scenarioJson).toEqual(json);
    expect(link?.seed).toBe("4");
  });

  it("runs every shipped scenario to its end, picked from the picker, with the trace hash Node computes", async () => {
    await freshPage();
    for (const scenario of SCENARIOS) {
      // Picking a scenario loads it (with the seed in the field).
      await page.fill('[data-testid="seed-input"]', "2");
      const current = await page.inputValue('[data-testid="scenario-select"]');
      await settle(page, () =>
        current === scenario.name
          ? page.click('[data-testid="load"]')
          : page.selectOption('[data-testid="scenario-select"]', scenario.name),
      );
      const end = await runToEnd(page);
      const node = runScenario(scenario, { seed: "2", crypto: nodeCrypto });
      expect(end.outcome, scenario.name).toBe(node.outcome);
      expect((await page.textContent('[data-testid="trace-hash"]'))!.trim(), scenario.name).toBe(node.traceHash);
      if (scenario.name === "bridge" || scenario.name === "crash-and-catch-up")
        await screenshot(page, `08-${scenario.name}`);
    }
  });
});
