// `npm run bench:browser`: the web view's frame times in real headless Chromium while it
// animates twelve servers with a few hundred PDUs in flight, and the size of the
// production bundle. It prints figures and never asserts on them (the target is a
// steady 60 frames per second; a loaded machine is not a failure).

import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { buildSite, DIST, launchChromium, serveSite } from "./browser-harness.ts";
import { BENCH_SERVERS, benchScenario, TRAFFIC_FROM_MS } from "./browser-scenario.ts";

const MEASURE_MS = 6_000;
const SPEED = 1;

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

async function main(): Promise<void> {
  await buildSite();
  bundleSizes();
  const site = await serveSite();
  const browser = await launchChromium({ width: 1600, height: 1200 });
  try {
    const page = await browser.context.newPage();
    page.setDefaultTimeout(600_000);
    await page.goto(site.url);
    await page.waitForFunction(
      () => ((globalThis as unknown as { netsplit?: Netsplit }).netsplit?.app.settled ?? 0) > 0,
    );
    await page.evaluate(
      (json) => (globalThis as unknown as { netsplit: Netsplit }).netsplit.loadScenarioJson(json, "1"),
      benchScenario(),
    );
    // Everyone has joined and the chatter is under way; then play in real time.
    await page.evaluate(
      (at) => (globalThis as unknown as { netsplit: Netsplit }).netsplit.app.runUntil(at),
      TRAFFIC_FROM_MS + 8_000,
    );
    const result = await page.evaluate(
      async ([measureMs, speed]) => {
        const app = (globalThis as unknown as { netsplit: Netsplit }).netsplit.app;
        app.speed = speed;
        app.togglePlay();
        // Let the first frames settle before measuring.
        await new Promise((ok) => setTimeout(ok, 1_000));
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
        const wallMs = performance.now() - began;
        app.togglePlay();
        return { frames, samples, wallMs, virtualMs: (app.viewModel?.atMs ?? 0) - startAt };
      },
      [MEASURE_MS, SPEED] as const,
    );
    const pdus = result.samples.map((s) => s.pdus);
    const msgs = result.samples.map((s) => s.messages);
    const mean = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length));
    console.log(
      `\nanimating ${BENCH_SERVERS} servers at ${SPEED}× for ${(result.wallMs / 1000).toFixed(1)} s of wall time (${(result.virtualMs / 1000).toFixed(1)} s of virtual time):`,
    );
    console.log(
      `  in flight: ${mean(msgs)} messages on average (${msgs.reduce((a, b) => Math.min(a, b))}–${msgs.reduce((a, b) => Math.max(a, b))}), carrying ${mean(pdus)} PDUs on average (${pdus.reduce((a, b) => Math.min(a, b))}–${pdus.reduce((a, b) => Math.max(a, b))})`,
    );
    console.log(`  frame times: ${JSON.stringify(result.frames)}`);
  } finally {
    await browser.close();
    await site.close();
  }
}

await main();
