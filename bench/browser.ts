// `npm run bench:browser`: the web view's frame times in real headless Chromium, at a
// projector's 1280×720, while it animates twelve servers with a few hundred PDUs in
// flight — and thirty servers, which must stay usable — plus the long tasks (over
// 50 ms) the page ran meanwhile, and the size of the production bundle. It prints
// figures and never asserts on them (the target is a steady 60 frames per second with
// a frame p95 under 20 ms and no long task; a loaded machine is not a failure).

import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { CDPSession, Page } from "playwright-core";
import { buildSite, DIST, launchChromium, serveSite } from "./browser-harness.ts";
import { measureHover } from "./browser-hover.ts";
import { CpuProfile } from "./browser-profile.ts";
import { BENCH_SERVERS, BENCH_SERVERS_LARGE, benchScenario, trafficFromMs } from "./browser-scenario.ts";

const MEASURE_MS = 6_000;
const SPEED = 1;
const VIEWPORT = { width: 1280, height: 720 };
/** `-- --profile`: also print where the main thread's time went (site built unminified). */
const PROFILE = process.argv.includes("--profile");
/** `-- --long-task-ms=17`: with --profile, take apart the tasks longer than this (default 50). */
const LONG_TASK_MS =
  Number(process.argv.find((a) => a.startsWith("--long-task-ms="))?.slice("--long-task-ms=".length)) || 50;
/** `-- --servers=12`: measure only that run. */
const ONLY = Number(process.argv.find((a) => a.startsWith("--servers="))?.slice("--servers=".length)) || null;

interface Sample {
  messages: number;
  pdus: number;
  atMs: number;
}

interface Netsplit {
  app: {
    settled: number;
    speed: number;
    playing: boolean;
    togglePlay(): void;
    runUntil(atMs: number): Promise<void>;
    frames: { start(): void; stop(): unknown };
    viewModel: { atMs: number; inFlight: { messages: number; pdus: number } } | null;
  };
  loadScenarioJson(json: unknown, seed: string): Promise<void>;
}

function bundleSizes(): void {
  const rows: Array<{ file: string; bytes: number; gzip: number }> = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else
        rows.push({
          file: path.slice(DIST.length + 1),
          bytes: statSync(path).size,
          gzip: gzipSync(readFileSync(path)).length,
        });
    }
  };
  walk(DIST);
  rows.sort((a, b) => b.bytes - a.bytes);
  console.log("production bundle (dist/):");
  for (const r of rows)
    console.log(`  ${r.file.padEnd(34)} ${kb(r.bytes).padStart(10)}   gzip ${kb(r.gzip).padStart(9)}`);
  const total = rows.reduce((t, r) => ({ bytes: t.bytes + r.bytes, gzip: t.gzip + r.gzip }), { bytes: 0, gzip: 0 });
  console.log(`  ${"total".padEnd(34)} ${kb(total.bytes).padStart(10)}   gzip ${kb(total.gzip).padStart(9)}`);
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

/** Load the run of `servers` servers, run it to where the chatter is under way, then play it in real time and measure. */
async function measure(page: Page, servers: number): Promise<void> {
  await page.evaluate(
    (json) => (globalThis as unknown as { netsplit: Netsplit }).netsplit.loadScenarioJson(json, "1"),
    benchScenario(servers),
  );
  await page.evaluate(
    (at) => (globalThis as unknown as { netsplit: Netsplit }).netsplit.app.runUntil(at),
    trafficFromMs(servers) + 8_000,
  );
  const profile = PROFILE ? new CpuProfile(LONG_TASK_MS) : null;
  await profile?.start(page);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Performance.enable");
  const metricsBefore = await mainThreadMetrics(cdp);
  const result = await page.evaluate(
    async ([measureMs, speed]) => {
      const app = (globalThis as unknown as { netsplit: Netsplit }).netsplit.app;
      app.speed = speed;
      app.togglePlay();
      // Let the first frames settle before measuring.
      await new Promise((ok) => setTimeout(ok, 1_000));
      const longTasks: number[] = [];
      const observer = new PerformanceObserver((list) => {
        for (const e of list.getEntries()) longTasks.push(Math.round(e.duration));
      });
      // "longtask" is Chromium's entry type; the typings here (Node's) do not list it.
      observer.observe({ entryTypes: ["longtask"] } as unknown as Parameters<typeof observer.observe>[0]);
      const samples: Sample[] = [];
      const startAt = app.viewModel?.atMs ?? 0;
      app.frames.start();
      const began = performance.now();
      while (performance.now() - began < measureMs) {
        await new Promise((ok) => setTimeout(ok, 100));
        const vm = app.viewModel;
        if (vm) samples.push({ messages: vm.inFlight.messages, pdus: vm.inFlight.pdus, atMs: vm.atMs });
      }
      const frames = app.frames.stop();
      observer.disconnect();
      const wallMs = performance.now() - began;
      app.togglePlay();
      return { frames, samples, wallMs, virtualMs: (app.viewModel?.atMs ?? 0) - startAt, longTasks };
    },
    [MEASURE_MS, SPEED] as const,
  );
  const metricsAfter = await mainThreadMetrics(cdp);
  await cdp.detach();
  await profile?.stopAndPrint();
  const pdus = result.samples.map((s) => s.pdus);
  const msgs = result.samples.map((s) => s.messages);
  const mean = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length));
  const range = (xs: number[]) => `${xs.reduce((a, b) => Math.min(a, b))}–${xs.reduce((a, b) => Math.max(a, b))}`;
  console.log(
    `\nanimating ${servers} servers at ${SPEED}× in ${VIEWPORT.width}×${VIEWPORT.height} for ${(result.wallMs / 1000).toFixed(1)} s of wall time (${(result.virtualMs / 1000).toFixed(1)} s of virtual time):`,
  );
  console.log(
    `  in flight: ${mean(msgs)} messages on average (${range(msgs)}), carrying ${mean(pdus)} PDUs on average (${range(pdus)})`,
  );
  console.log(`  frame times: ${JSON.stringify(result.frames)}`);
  // The renderer's main thread: how much of each second its tasks took (script, style and
  // layout among them), from Chromium's own counters over the settling second and the
  // measurement. Less inflated by a loaded machine than the frame gaps, which also wait
  // for a processor.
  const perSecond = (name: string) =>
    (((metricsAfter[name] ?? 0) - (metricsBefore[name] ?? 0)) * 1000) / ((result.wallMs + 1_000) / 1000);
  console.log(
    `  main thread busy: ${perSecond("TaskDuration").toFixed(0)} ms per second (script ${perSecond("ScriptDuration").toFixed(0)}, style ${perSecond("RecalcStyleDuration").toFixed(0)}, layout ${perSecond("LayoutDuration").toFixed(0)})`,
  );
  const long = [...result.longTasks].sort((a, b) => b - a);
  console.log(
    `  long tasks (> 50 ms): ${long.length}${long.length ? ` — longest ${long.slice(0, 5).join(", ")} ms` : ""}`,
  );
}

/** Chromium's cumulative main-thread figures (seconds), by name. */
async function mainThreadMetrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics } = await cdp.send("Performance.getMetrics");
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
}

async function main(): Promise<void> {
  await buildSite(PROFILE);
  bundleSizes();
  const site = await serveSite();
  const browser = await launchChromium(VIEWPORT);
  try {
    const page = await browser.context.newPage();
    page.setDefaultTimeout(600_000);
    await page.goto(site.url);
    await page.waitForFunction(
      () => ((globalThis as unknown as { netsplit?: Netsplit }).netsplit?.app.settled ?? 0) > 0,
    );
    for (const servers of ONLY ? [ONLY] : [BENCH_SERVERS, BENCH_SERVERS_LARGE]) {
      await measure(page, servers);
      await measureHover(page);
    }
  } finally {
    await browser.close();
    await site.close();
  }
}

await main();
