// Attaching the web view to a served world: the trace is fetched only when its hash
// changed, the view follows the newest record, and an unreachable server is a message.
import { describe, expect, it } from "vitest";
import { nodeCrypto } from "../../cli/node-crypto.ts";
import { findScenario } from "../../scenarios/index.ts";
import { traceHash, traceToJsonLines, type TraceRecord } from "../../sim/trace.ts";
import { canonicalJson } from "../../core/index.ts";
import { LiveRun } from "../../viz/engine/live-run.ts";
import { AttachedWorld, attachBase, followAttached, type FetchLike } from "../../viz/model/attached-world.ts";
import { TraceModel } from "../../viz/model/trace-model.ts";
import { viewModelAt } from "../../viz/model/view-model.ts";

const canonical = canonicalJson as (r: TraceRecord) => string;

/** A served world seen through its control API: it answers with whatever `records` holds now. */
function fakeServer(world: { records: readonly TraceRecord[]; down?: boolean }) {
  const asked: string[] = [];
  const fetchFn: FetchLike = async (url) => {
    asked.push(url);
    if (world.down) throw new TypeError("Failed to fetch");
    const path = new URL(url).pathname;
    const body =
      path === "/_netsplit/trace-hash"
        ? JSON.stringify({ traceHash: traceHash(world.records, nodeCrypto), traceRecords: world.records.length })
        : path === "/_netsplit/trace"
          ? traceToJsonLines(world.records)
          : null;
    return { ok: body !== null, status: body === null ? 404 : 200, text: async () => body ?? "" };
  };
  return { fetchFn, asked };
}

/** What the page does with a poll (App.showAttached): append or show afresh, and follow. */
function attached(view: { model: TraceModel; cursor: number }, records: TraceRecord[]) {
  const next = followAttached(view.model.records, records, view.cursor, canonical);
  if (next.append) view.model.append(next.append);
  else view.model = new TraceModel(records);
  view.cursor = next.cursor;
  return viewModelAt(view.model, { seq: view.cursor, atMs: view.model.records[view.cursor]?.atMs ?? 0 });
}

describe("attaching the view to a served world", () => {
  const run = new LiveRun(findScenario("three-servers")!, { seed: "1", crypto: nodeCrypto });
  run.advanceToStep(20);
  const early = [...run.records];
  run.advanceToStep(80);
  const later = [...run.records];

  it("downloads the trace only when it changed, and the view follows the newest record", async () => {
    expect(later.length).toBeGreaterThan(early.length);
    const served = { records: early };
    const { fetchFn, asked } = fakeServer(served);
    const world = new AttachedWorld("http://127.0.0.1:8008", fetchFn);
    const view = { model: new TraceModel(), cursor: -1 };

    const first = await world.poll();
    expect(first.kind).toBe("records");
    if (first.kind !== "records") return;
    expect(first.records).toEqual(early);
    expect(attached(view, first.records).seq).toBe(early.length - 1);

    // Nothing happened on the server: one cheap question, no download.
    asked.length = 0;
    expect(await world.poll()).toEqual({ kind: "unchanged" });
    expect(asked).toEqual(["http://127.0.0.1:8008/_netsplit/trace-hash"]);

    served.records = later;
    const second = await world.poll();
    expect(second.kind).toBe("records");
    if (second.kind !== "records") return;
    expect(second.records).toHaveLength(later.length);
    const model = view.model;
    const vm = attached(view, second.records);
    expect(view.model).toBe(model); // appended, not rebuilt
    expect(traceHash(view.model.records, nodeCrypto)).toBe(traceHash(later, nodeCrypto));
    expect(vm.seq).toBe(later.length - 1);
    expect(vm.dags.map((d) => d.server)).toEqual(["hs1", "hs2", "hs3"]);
  });

  it("leaves the cursor where the reader went back to, and shows a different world afresh", async () => {
    const view = { model: new TraceModel(), cursor: -1 };
    attached(view, early);
    view.cursor = 3; // the reader scrubbed back
    expect(attached(view, later).seq).toBe(3);
    expect(view.model.length).toBe(later.length);
    const other = new LiveRun(findScenario("three-servers")!, { seed: "2", crypto: nodeCrypto });
    other.advanceToStep(10);
    const before = view.model;
    expect(attached(view, [...other.records]).seq).toBe(other.records.length - 1);
    expect(view.model).not.toBe(before);
    expect(view.model.length).toBe(other.records.length);
  });

  it("says so when the server cannot be reached, and downloads again once it answers", async () => {
    const served = { records: early, down: true };
    const { fetchFn } = fakeServer(served);
    const world = new AttachedWorld("http://127.0.0.1:8008", fetchFn);
    const gone = await world.poll();
    expect(gone.kind).toBe("unreachable");
    if (gone.kind === "unreachable")
      expect(gone.message).toMatch(/cannot reach the served world at http:\/\/127\.0\.0\.1:8008/);
    served.down = false;
    expect((await world.poll()).kind).toBe("records");
    const notServe = new AttachedWorld("http://127.0.0.1:8008", async () => ({
      ok: false,
      status: 404,
      text: async () => "",
    }));
    const wrong = await notServe.poll();
    expect(wrong.kind === "unreachable" && wrong.message).toMatch(/answered 404/);
  });

  it("takes an http(s) address and nothing else", () => {
    expect(attachBase(" http://127.0.0.1:8008/ ")).toBe("http://127.0.0.1:8008");
    expect(attachBase("https://class.example:9000/x")).toBe("https://class.example:9000");
    expect(attachBase("127.0.0.1:8008")).toBeNull();
    expect(attachBase("javascript:alert(1)")).toBeNull();
  });
});
