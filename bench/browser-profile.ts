// A CPU profile of the page while the browser benchmark measures (`npm run bench:browser
// -- --profile`): Chromium's sampling profiler over the main thread, summed by function
// (self time: where the samples landed) and printed as the heaviest few, so the next
// speed-up goes where the frame time goes. The site is built without minifying for it.

import type { CDPSession, Page } from "playwright-core";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface TraceEvent {
  name: string;
  ph: string;
  dur?: number;
  tid: number;
  pid: number;
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export class CpuProfile {
  private session: CDPSession | null = null;

  private readonly events: TraceEvent[] = [];
  private traced: Promise<void> | null = null;

  async start(page: Page): Promise<void> {
    this.session = await page.context().newCDPSession(page);
    // The renderer's own work (style, layout, paint) shows as "(program)" in the sampling
    // profile; the timeline trace names it.
    this.session.on("Tracing.dataCollected", (e) => {
      for (const v of e.value) this.events.push(v as unknown as TraceEvent);
    });
    this.traced = new Promise((ok) => this.session!.once("Tracing.tracingComplete", () => ok()));
    await this.session.send("Tracing.start", {
      categories: "devtools.timeline,disabled-by-default-devtools.timeline",
      transferMode: "ReportEvents",
    });
    await this.session.send("Profiler.enable");
    await this.session.send("Profiler.setSamplingInterval", { interval: 200 });
    await this.session.send("Profiler.start");
  }

  /** Stop, and print the `top` functions by self time. */
  async stopAndPrint(top = 25): Promise<void> {
    if (!this.session) return;
    const { profile } = (await this.session.send("Profiler.stop")) as unknown as { profile: Profile };
    await this.session.send("Tracing.end");
    await this.traced;
    await this.session.detach();
    this.printTimeline();
    this.session = null;
    const byNode = new Map(profile.nodes.map((n) => [n.id, n] as const));
    const selfMs = new Map<string, number>();
    let totalMs = 0;
    profile.samples.forEach((id, i) => {
      const node = byNode.get(id);
      const dt = (profile.timeDeltas[i] ?? 0) / 1000;
      totalMs += dt;
      if (!node) return;
      const f = node.callFrame;
      const file = f.url.split("/").pop() ?? "";
      const name = `${f.functionName || "(anonymous)"} ${file}${file ? `:${f.lineNumber + 1}` : ""}`;
      selfMs.set(name, (selfMs.get(name) ?? 0) + dt);
    });
    const rows = [...selfMs].sort((a, b) => b[1] - a[1]).slice(0, top);
    console.log(`  main-thread CPU profile, self time over ${(totalMs / 1000).toFixed(1)} s sampled:`);
    for (const [name, ms] of rows)
      console.log(`    ${ms.toFixed(0).padStart(6)} ms  ${((100 * ms) / totalMs).toFixed(1).padStart(5)}%  ${name}`);
  }

  /** The timeline's events by thread and name, total duration (nested events overlap their parents). */
  private printTimeline(top = 20): void {
    const threads = new Map<string, string>();
    for (const e of this.events)
      if (e.name === "thread_name")
        threads.set(`${e.pid}:${e.tid}`, (e as unknown as { args: { name: string } }).args.name);
    const byName = new Map<string, { ms: number; n: number }>();
    for (const e of this.events) {
      if (e.ph !== "X" || e.dur === undefined) continue;
      const name = `${threads.get(`${e.pid}:${e.tid}`) ?? e.tid} ${e.name}`;
      const row = byName.get(name) ?? { ms: 0, n: 0 };
      row.ms += e.dur / 1000;
      row.n++;
      byName.set(name, row);
    }
    const rows = [...byName].sort((a, b) => b[1].ms - a[1].ms).slice(0, top);
    console.log("  timeline by thread and event (total ms, count):");
    for (const [name, r] of rows)
      console.log(`    ${r.ms.toFixed(0).padStart(6)} ms  ×${String(r.n).padStart(5)}  ${name}`);
  }
}
