import { describe, expect, it } from "vitest";
import type { EventId, Pdu, RoomId } from "../../core/index.ts";
import { DeliveryLog } from "../../sim/homeserver/delivery-log.ts";
import {
  DEFAULT_FEDERATION_PARAMS,
  NETSPLIT_0_1_FEDERATION_PARAMS,
  type FederationParams,
} from "../../sim/homeserver/federation-params.ts";
import { createFederationSender, type OutgoingPdu } from "../../sim/homeserver/federation-sender.ts";
import { RetryTimings } from "../../sim/homeserver/retry-timings.ts";
import { Simulation } from "../../sim/simulation.ts";
import type { TraceRecord } from "../../sim/trace.ts";

function pdu(n: number): OutgoingPdu {
  return {
    eventId: `$e${n}` as EventId,
    pdu: { type: "m.room.message", origin_server_ts: n } as unknown as Pdu,
    stream: n,
  };
}

type Answer = (txnId: string) => number | "drop";

function setup(params: FederationParams, seed = 1) {
  const sim = new Simulation(seed);
  const received: Array<{ txnId: string; ids: number[]; atMs: number }> = [];
  let answer: Answer = () => 200;
  sim.rpc.listen("hs2", (_origin, req, respond) => {
    const txnId = req.path.split("/").pop()!;
    const status = answer(txnId);
    if (status === "drop") return; // never answers: the sender times out
    const body = req.body as { pdus: Array<{ origin_server_ts: number }> };
    if (status === 200) received.push({ txnId, ids: body.pdus.map((p) => p.origin_server_ts), atMs: sim.nowMs });
    respond({ status, body: {} });
  });
  const marks = new Set<string>();
  const retryTimings = new RetryTimings();
  const deliveries = new DeliveryLog();
  const sender = createFederationSender(
    {
      serverName: "hs1",
      params,
      trace: sim.trace,
      rng: sim.stream("backoff:hs1"),
      retryTimings,
      deliveries,
      localNowMs: () => sim.nowMs,
      nowMs: () => sim.nowMs,
      schedule: (delay, label, run) => sim.after(delay, label, run, "hs1"),
      cancel: (a) => sim.scheduler.cancel(a),
      request: (to, req, onOutcome) => sim.rpc.request("hs1", to, req, onOutcome, params.requestTimeoutMs),
      catchUpPdus: () => [pdu(999)],
      catchUpRoomPdus: (_d, mark) => [pdu(mark.stream)],
      markCatchUp: (d, needed) => void (needed ? marks.add(d) : marks.delete(d)),
      drained: () => {},
      takeEdus: () => [],
      hasEdus: () => false,
      dropEdus: () => {},
    },
    marks,
  );
  /** Queue PDUs as the homeserver does: logged for catch-up, then handed to the sender. */
  const enqueue = (pdus: OutgoingPdu[], room = "!a:hs1") => {
    for (const p of pdus) deliveries.queued("hs2", { roomId: room as RoomId, eventId: p.eventId, stream: p.stream! });
    sender.enqueue("hs2", pdus);
  };
  const records = <K extends TraceRecord["kind"]>(kind: K) =>
    sim.trace.all().filter((r): r is Extract<TraceRecord, { kind: K }> => r.kind === kind);
  return {
    sim,
    sender,
    received,
    marks,
    retryTimings,
    enqueue,
    records,
    answerWith: (a: Answer) => void (answer = a),
  };
}

const SYNAPSE = DEFAULT_FEDERATION_PARAMS;
const OLD = NETSPLIT_0_1_FEDERATION_PARAMS;

describe("federation sender, both models", () => {
  for (const [name, params] of [
    ["synapse", SYNAPSE],
    ["netsplit-0.1", OLD],
  ] as const) {
    it(`${name}: batches at most 50 PDUs per transaction, one transaction in flight`, () => {
      const { sim, sender, received, enqueue } = setup(params);
      enqueue(Array.from({ length: 120 }, (_, i) => pdu(i + 1)));
      sim.runUntil(() => false);
      expect(received.map((r) => r.ids.length)).toEqual([50, 50, 20]);
      expect(received.flatMap((r) => r.ids)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
      expect(sender.stateOf("hs2")).toBe("idle");
    });
  }
});

describe("federation sender, netsplit 0.1 (retryModel timer)", () => {
  it("backs off 10 minutes after a failure and retries the same transaction id", () => {
    const { sim, sender, received, records, enqueue } = setup(OLD);
    sim.partition(["hs1"], ["hs2"]);
    enqueue([pdu(1)]);
    sim.runFor(60_000 + 100); // the request times out after 60 s
    expect(sender.stateOf("hs2")).toBe("backingOff");
    expect(records("fed.backoff")[0]).toMatchObject({ intervalMs: 10 * 60_000, catchUp: false });
    sim.repair();
    enqueue([pdu(2)]); // queued behind the failed transaction
    sim.runUntil(() => false);
    const sent = records("fed.txn.sent");
    expect(sent[0]!.txnId).toBe(sent[1]!.txnId);
    expect(received.map((r) => r.ids)).toEqual([[1], [2]]);
    // The retry happened 10 minutes after the failure, not earlier.
    expect(records("fed.txn.ok")[0]!.atMs).toBeGreaterThanOrEqual(60_000 + 10 * 60_000);
  });

  it("grows the interval ×2 with jitter 0.8-1.4, then drops the queue and catches up past an hour", () => {
    const { sim, sender, received, marks, records, enqueue } = setup(OLD);
    sim.partition(["hs1"], ["hs2"]);
    enqueue([pdu(1)]);
    sim.runUntil(() => sender.stateOf("hs2") === "catchingUp", { virtualTimeMsMax: 48 * 3600_000 });
    const intervals = records("fed.backoff").map((r) => r.intervalMs);
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

describe("federation sender, Synapse (issue 14, items 1, 3, 4, 5)", () => {
  it("item 1: retries one /send 10 times, 4 s, 16 s, then 60 s apart (jittered), before backing off", () => {
    const { sim, records, enqueue } = setup(SYNAPSE);
    sim.partition(["hs1"], ["hs2"]);
    enqueue([pdu(1)]);
    sim.runUntil(() => records("fed.backoff").length > 0, { virtualTimeMsMax: 3600_000 });
    const sent = records("fed.txn.sent");
    expect(sent).toHaveLength(11);
    expect(new Set(sent.map((s) => s.txnId)).size).toBe(1); // one request, retried
    const failed = records("fed.txn.failed");
    const gaps = sent.slice(1).map((s, i) => s.atMs - failed[i]!.atMs);
    const bases = [4_000, 16_000, 60_000, 60_000, 60_000, 60_000, 60_000, 60_000, 60_000, 60_000];
    gaps.forEach((gap, i) => {
      expect(gap).toBeGreaterThanOrEqual(bases[i]! * 0.8 - 1);
      expect(gap).toBeLessThanOrEqual(bases[i]! * 1.4 + 1);
    });
    // Only the last failure counts: one backoff of 10 minutes, after 11 timeouts of 60 s.
    expect(records("fed.backoff")).toHaveLength(1);
    expect(records("fed.backoff")[0]!.intervalMs).toBe(600_000);
    expect(records("fed.backoff")[0]!.atMs).toBeGreaterThan(11 * 60_000);
  });

  it("item 1: a split that heals while the /send is being retried delivers without any backoff", () => {
    const { sim, received, records, enqueue } = setup(SYNAPSE);
    sim.partition(["hs1"], ["hs2"]);
    enqueue([pdu(1)]);
    sim.runFor(3 * 60_000);
    sim.repair();
    sim.runUntil(() => false);
    expect(received.map((r) => r.ids)).toEqual([[1]]);
    expect(received[0]!.atMs).toBeLessThan(3 * 60_000 + 2 * 60_000); // the next attempt, not a 10-minute backoff
    expect(records("fed.backoff")).toHaveLength(0);
  });

  it("item 1: a 4xx is not retried and does not back the destination off; a 5xx is", () => {
    const { sim, retryTimings, records, enqueue, answerWith } = setup(SYNAPSE);
    answerWith(() => 400);
    enqueue([pdu(1)]);
    sim.runUntil(() => false);
    expect(records("fed.txn.sent")).toHaveLength(1);
    expect(retryTimings.intervalMs("hs2")).toBe(0);
    let calls = 0;
    answerWith(() => (++calls < 3 ? 503 : 200));
    enqueue([pdu(2)]);
    sim.runUntil(() => false);
    expect(records("fed.txn.sent")).toHaveLength(4); // the 400, then 503, 503, 200
    expect(records("fed.backoff")).toHaveLength(0);
  });

  it("items 3 and 4: no retry timer; the wake-up loop retries after the backoff with a new transaction of what is queued", () => {
    const { sim, received, records, enqueue } = setup(SYNAPSE);
    sim.partition(["hs1"], ["hs2"]);
    enqueue([pdu(1)]);
    sim.runUntil(() => records("fed.backoff").length > 0, { virtualTimeMsMax: 3600_000 });
    const backoff = records("fed.backoff")[0]!;
    sim.repair();
    enqueue([pdu(2)]); // backed off: queued, not sent
    sim.runUntil(() => received.length > 0, { virtualTimeMsMax: 3 * 3600_000 });
    // Not at the expiry itself but at the wake-up loop's first tick after it (ticks every minute from start).
    const at = received[0]!.atMs;
    expect(at).toBeGreaterThanOrEqual(backoff.retryAtMs);
    expect(at).toBeLessThan(Math.ceil(backoff.retryAtMs / 60_000) * 60_000 + 1_000);
    expect(at).not.toBe(backoff.retryAtMs);
    // One new transaction (new txn id) holding the failed PDU and the one queued since.
    expect(received.map((r) => r.ids)).toEqual([[1, 2]]);
    const failedTxn = records("fed.txn.failed")[0]!.txnId;
    expect(received[0]!.txnId).not.toBe(failedTxn);
  });

  it("item 3: new data queued after the backoff expired is sent at once", () => {
    const { sim, received, records, enqueue } = setup(SYNAPSE);
    sim.partition(["hs1"], ["hs2"]);
    enqueue([pdu(1)]);
    sim.runUntil(() => records("fed.backoff").length > 0, { virtualTimeMsMax: 3600_000 });
    sim.repair();
    const retryAtMs = records("fed.backoff")[0]!.retryAtMs;
    // Run to just after the expiry but before the next wake-up tick.
    sim.runUntil(() => false, { virtualTimeMsMax: retryAtMs + 1 });
    expect(received).toHaveLength(0);
    enqueue([pdu(2)]);
    sim.runUntil(() => received.length > 0);
    expect(received[0]!.atMs).toBeLessThan(retryAtMs + 1_000);
  });

  it("item 3: a sender with nothing owed schedules nothing (the wake-up loop only runs while something waits)", () => {
    const { sim, enqueue, received } = setup(SYNAPSE);
    enqueue([pdu(1)]);
    sim.runUntil(() => false);
    expect(received).toHaveLength(1);
    expect(sim.scheduler.size).toBe(0);
  });

  it("item 5: past an hour of backoff the queue is dropped and catch-up goes room by room, one room per transaction", () => {
    const { sim, sender, received, records, enqueue } = setup(SYNAPSE);
    enqueue([pdu(1)]); // delivered: hs2's last successful stream position is 1
    sim.runUntil(() => false);
    sim.partition(["hs1"], ["hs2"]);
    enqueue([pdu(2)], "!a:hs1");
    sim.runUntil(() => sender.stateOf("hs2") === "catchingUp", { virtualTimeMsMax: 24 * 3600_000 });
    enqueue([pdu(3)], "!b:hs1"); // skipped while catching up: the delivery log has it
    enqueue([pdu(4)], "!a:hs1");
    sim.repair();
    sender.peerUp("hs2");
    sim.runUntil(() => false, { virtualTimeMsMax: sim.nowMs + 3600_000 });
    // The host's catch-up returns the room's newest queued event: one transaction per room, oldest room first.
    expect(received.slice(1).map((r) => r.ids)).toEqual([[3], [4]]);
    expect(records("fed.txn.sent").filter((s) => s.catchUp).length).toBeGreaterThanOrEqual(2);
    expect(sender.stateOf("hs2")).toBe("idle");
  });
});
