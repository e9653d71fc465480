import { describe, expect, it } from "vitest";
import type { EventId, Pdu } from "../../core/index.ts";
import { DEFAULT_FEDERATION_PARAMS } from "../../sim/homeserver/federation-params.ts";
import { FederationSender, type OutgoingPdu } from "../../sim/homeserver/federation-sender.ts";
import { Simulation } from "../../sim/simulation.ts";

function pdu(n: number): OutgoingPdu {
  return { eventId: `$e${n}` as EventId, pdu: { type: "m.room.message", origin_server_ts: n } as unknown as Pdu };
}

function setup(seed = 1) {
  const sim = new Simulation(seed);
  const received: Array<{ txnId: string; ids: number[] }> = [];
  sim.rpc.listen("hs2", (_origin, req, respond) => {
    const body = req.body as { pdus: Array<{ origin_server_ts: number }> };
    received.push({ txnId: req.path.split("/").pop()!, ids: body.pdus.map((p) => p.origin_server_ts) });
    respond({ status: 200, body: { pdus: {} } });
  });
  const marks = new Set<string>();
  const sender = new FederationSender({
    serverName: "hs1",
    params: DEFAULT_FEDERATION_PARAMS,
    trace: sim.trace,
    rng: sim.stream("backoff:hs1"),
    localNowMs: () => sim.nowMs,
    nowMs: () => sim.nowMs,
    schedule: (delay, label, run) => sim.after(delay, label, run, "hs1"),
    cancel: (a) => sim.scheduler.cancel(a),
    request: (to, req, onOutcome) =>
      sim.rpc.request("hs1", to, req, onOutcome, DEFAULT_FEDERATION_PARAMS.requestTimeoutMs),
    catchUpPdus: () => [pdu(999)],
    markCatchUp: (d, needed) => void (needed ? marks.add(d) : marks.delete(d)),
    drained: () => {},
  });
  return { sim, sender, received, marks };
}

describe("federation sender", () => {
  it("batches at most 50 PDUs per transaction, one transaction in flight", () => {
    const { sim, sender, received } = setup();
    sender.enqueue(
      "hs2",
      Array.from({ length: 120 }, (_, i) => pdu(i)),
    );
    sim.runUntil(() => false);
    expect(received.map((r) => r.ids.length)).toEqual([50, 50, 20]);
    expect(received.flatMap((r) => r.ids)).toEqual(Array.from({ length: 120 }, (_, i) => i));
    expect(sender.stateOf("hs2")).toBe("idle");
  });

  it("backs off 10 minutes after a failure and retries the same transaction id", () => {
    const { sim, sender, received } = setup();
    sim.partition(["hs1"], ["hs2"]);
    sender.enqueue("hs2", [pdu(1)]);
    sim.runFor(60_000 + 100); // the request times out after 60 s
    expect(sender.stateOf("hs2")).toBe("backingOff");
    const backoff = sim.trace.all().find((r) => r.kind === "fed.backoff");
    expect(backoff).toMatchObject({ intervalMs: 10 * 60_000, catchUp: false });
    sim.repair();
    sender.enqueue("hs2", [pdu(2)]); // queued behind the failed transaction
    sim.runUntil(() => false);
    const sent = sim.trace.all().filter((r) => r.kind === "fed.txn.sent");
    expect(
      sent[0]!.kind === "fed.txn.sent" && sent[1]!.kind === "fed.txn.sent" && sent[0]!.txnId === sent[1]!.txnId,
    ).toBe(true);
    expect(received.map((r) => r.ids)).toEqual([[1], [2]]);
    // The retry happened 10 minutes after the failure, not earlier.
    const ok = sim.trace.all().find((r) => r.kind === "fed.txn.ok")!;
    expect(ok.atMs).toBeGreaterThanOrEqual(60_000 + 10 * 60_000);
  });

  it("grows the interval ×2 with jitter 0.8-1.4, then drops the queue and catches up past an hour", () => {
    const { sim, sender, received, marks } = setup();
    sim.partition(["hs1"], ["hs2"]);
    sender.enqueue("hs2", [pdu(1)]);
    sim.runUntil(() => sender.stateOf("hs2") === "catchingUp", { virtualTimeMsMax: 48 * 3600_000 });
    const intervals = sim.trace.all().flatMap((r) => (r.kind === "fed.backoff" ? [r.intervalMs] : []));
    expect(intervals[0]).toBe(600_000);
    for (let i = 1; i < intervals.length; i++) {
      expect(intervals[i]! / intervals[i - 1]!).toBeGreaterThanOrEqual(2 * 0.8 - 1e-9);
      expect(intervals[i]! / intervals[i - 1]!).toBeLessThanOrEqual(2 * 1.4 + 1e-9);
    }
    expect(intervals.at(-1)!).toBeGreaterThan(3600_000);
    expect(marks.has("hs2")).toBe(true);
    sender.enqueue("hs2", [pdu(2)]); // ignored: catch-up will send the extremities
    sim.repair();
    sender.peerUp("hs2"); // hs2 contacted us: retry at once
    sim.runUntil(() => false, { virtualTimeMsMax: sim.nowMs + 60_000 });
    expect(received.map((r) => r.ids)).toEqual([[999]]);
    expect(marks.has("hs2")).toBe(false);
    expect(sender.stateOf("hs2")).toBe("idle");
  });
});
