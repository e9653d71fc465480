// A CPU profile of the page while the browser benchmark measures (`npm run bench:browser
// -- --profile`): Chromium's sampling profiler over the main thread, summed by function
// (self time: where the samples landed) and printed as the heaviest few, so the next
// speed-up goes where the frame time goes. The site is built without minifying for it.

import type { CDPSession, Page } from "playwright-core";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface TraceEvent {
  name: string;
  ph: string;
  /** Start, µs. */
  ts: number;
  dur?: number;
  tid: number;
  pid: number;
  args?: { data?: { functionName?: string; url?: string; lineNumber?: number } };
}

interface Profile {
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export class CpuProfile {
  /** `longTaskMs`: the tasks taken apart are those longer than this (a frame's 16.7 ms to see missed frames). */
  constructor(private readonly longTaskMs = 50) {}

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
    const longTasks = this.printLongTasks();
    this.session = null;
    printInsideLongTasks(profile, longTasks);
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

  /**
   * What the main thread's long tasks (over `longTaskMs`, 50 by default) were made of: for each of the longest
   * few, the time of the events directly inside it by name (a FunctionCall named by
   * where it starts), so a long task's source shows without opening DevTools.
   */
  private printLongTasks(top = 6): Array<[number, number]> {
    const main = this.mainThread();
    if (!main) return [];
    const onMain = this.events
      .filter((e) => e.ph === "X" && e.dur !== undefined && `${e.pid}:${e.tid}` === main)
      .sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
    const tasks = onMain
      .filter((e) => e.name === "RunTask" && e.dur! > this.longTaskMs * 1000)
      .sort((a, b) => b.dur! - a.dur!);
    console.log(
      `  tasks over ${this.longTaskMs} ms on the main thread: ${tasks.length}; the longest ${Math.min(top, tasks.length)}, by what is inside:`,
    );
    for (const task of tasks.slice(0, top)) {
      const end = task.ts + task.dur!;
      const inside = new Map<string, number>();
      // Direct children only: an event inside the previous child is that child's.
      let childEnd = -Infinity;
      for (const e of onMain) {
        if (e === task || e.ts < task.ts || e.ts >= end) continue;
        if (e.ts < childEnd) continue;
        childEnd = e.ts + e.dur!;
        const f = e.args?.data;
        const name =
          e.name === "FunctionCall" && f?.functionName
            ? `FunctionCall ${f.functionName}:${(f.lineNumber ?? 0) + 1}`
            : e.name;
        inside.set(name, (inside.get(name) ?? 0) + e.dur! / 1000);
      }
      const parts = [...inside].sort((a, b) => b[1] - a[1]).slice(0, 6);
      console.log(
        `    ${(task.dur! / 1000).toFixed(0).padStart(5)} ms: ${parts.map(([n, ms]) => `${n} ${ms.toFixed(0)}`).join(", ")}`,
      );
      // Each layout inside: how much it had to lay out, and whether script forced it (inside a call).
      const scripts = onMain.filter(
        (e) => e.ts >= task.ts && e.ts < end && (e.name === "FunctionCall" || e.name === "FireAnimationFrame"),
      );
      const layouts = onMain
        .filter((e) => e.name === "Layout" && e.ts >= task.ts && e.ts < end)
        .map((e) => {
          const begin = (e.args as { beginData?: { dirtyObjects?: number; totalObjects?: number } } | undefined)
            ?.beginData;
          const forced = scripts.some((f) => e.ts > f.ts && e.ts < f.ts + f.dur!);
          return `${(e.dur! / 1000).toFixed(0)} ms ${begin?.dirtyObjects ?? "?"}/${begin?.totalObjects ?? "?"} objects${forced ? " forced" : ""}`;
        });
      if (layouts.length) console.log(`           layouts: ${layouts.join("; ")}`);
    }
    return tasks.map((t) => [t.ts, t.ts + t.dur!]);
  }

  /** "pid:tid" of the page's renderer main thread (the busiest CrRendererMain: other renderers idle). */
  private mainThread(): string | null {
    const mains = new Set<string>();
    for (const e of this.events)
      if (e.name === "thread_name" && (e as unknown as { args: { name: string } }).args.name === "CrRendererMain")
        mains.add(`${e.pid}:${e.tid}`);
    const busy = new Map<string, number>();
    for (const e of this.events) {
      const id = `${e.pid}:${e.tid}`;
      if (mains.has(id) && e.ph === "X") busy.set(id, (busy.get(id) ?? 0) + (e.dur ?? 0));
    }
    return [...busy].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
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

/** Inclusive time by function over the samples that fall inside the long tasks: which calls made them long. */
function printInsideLongTasks(profile: Profile, windows: Array<[number, number]>, top = 30): void {
  if (!windows.length) return;
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byNode = new Map(profile.nodes.map((n) => [n.id, n] as const));
  const inclusive = new Map<string, number>();
  let t = profile.startTime;
  let totalMs = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    t += dt;
    if (!windows.some(([a, b]) => t >= a && t < b)) return;
    totalMs += dt / 1000;
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const f = byNode.get(n)?.callFrame;
      if (!f) break;
      const file = f.url.split("/").pop() ?? "";
      const name = `${f.functionName || "(anonymous)"} ${file}${file ? `:${f.lineNumber + 1}` : ""}`;
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + dt / 1000);
    }
  });
  console.log(`  inside the long tasks (${totalMs.toFixed(0)} ms sampled), inclusive time by function:`);
  for (const [name, ms] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`    ${ms.toFixed(0).padStart(6)} ms  ${name}`);
}
