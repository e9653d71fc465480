import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { RoomId } from "../../../core/index.ts";
import type { TraceRecord } from "../../../sim/trace.ts";
import type { World } from "../../../sim/world.ts";
import { receivedIds, worldWithService } from "./helpers.ts";

const watchAll = { namespaces: { rooms: [{ regex: "!.*:hs1", exclusive: false }] } };

function setup(seed = 1, params = {}) {
  const t = worldWithService({}, watchAll, seed);
  if (Object.keys(params).length > 0) Object.assign(t.hs1.appServices.get("irc")!.params, params);
  const room = t.alice.createRoom({ preset: "public_chat" }).value();
  return { ...t, room };
}

/** What the service should have got: every accepted event of the room, in hs1's stream order. */
function expectedIds(world: World, room: RoomId): string[] {
  return world
    .server("hs1")
    .room(room)!
    .inStreamOrder()
    .filter((e) => e.status === "accepted")
    .map((e) => e.id);
}

function records<K extends TraceRecord["kind"]>(world: World, kind: K): Array<Extract<TraceRecord, { kind: K }>> {
  return world.trace.all().filter((r): r is Extract<TraceRecord, { kind: K }> => r.kind === kind);
}

/** Every attempt of one transaction carried the same events; no transaction was processed twice. */
function expectRetriesFaithful(world: World): void {
  const byTxn = new Map<string, string>();
  for (const r of records(world, "as.txn.sent")) {
    const events = JSON.stringify(r.events);
    expect(byTxn.get(r.txnId) ?? events, `txn ${r.txnId} changed on a retry`).toBe(events);
    byTxn.set(r.txnId, events);
  }
  const processed = records(world, "as.txn.received")
    .filter((r) => r.status === 200 && !r.duplicate)
    .map((r) => r.txnId);
  expect(new Set(processed).size).toBe(processed.length);
}

describe("transactions to an application service", () => {
  it("are linearised in stream order, at most 100 events each, one in flight at a time", () => {
    const { world, alice, service, room } = setup();
    for (let i = 0; i < 250; i++) alice.sendMessage(room, `m${i}`);
    world.run(() => world.quiescent());
    expect(receivedIds(service)).toEqual(expectedIds(world, room));
    const sizes = records(world, "as.txn.sent").map((r) => r.events.length);
    expect(sizes.reduce((m, x) => Math.max(m, x), 0)).toBe(100);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(expectedIds(world, room).length);
    // One in flight: each transaction is sent only after the previous one was acknowledged.
    let open: string | undefined;
    for (const r of world.trace.all()) {
      if (r.kind === "as.txn.sent") {
        expect(open === undefined || open === r.txnId).toBe(true);
        open = r.txnId;
      } else if (r.kind === "as.txn.ok") open = undefined;
    }
    expect(records(world, "as.txn.sent").map((r) => Number(r.txnId))).toEqual(sizes.map((_, i) => i + 1));
  });

  it("are retried with backoff while the service is unreachable, and nothing is lost or duplicated", () => {
    const { world, alice, service, room, hs1 } = setup();
    world.run(() => world.quiescent());
    const from = world.trace.length;
    world.sim.isolate("irc-bridge", ["hs1", "hs2"]);
    for (let i = 0; i < 20; i++)
      world.sim.after(i * 30_000, "talk", () => alice.sendMessage(room, `during the outage ${i}`));
    world.sim.runFor(30 * 60_000);
    expect(service.pushes!.stateName).toBe("backingOff");
    const intervals = records(world, "as.backoff").map((r) => r.intervalMs);
    expect(intervals.slice(0, 10)).toEqual([
      2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000, 512_000, 512_000,
    ]);
    expect(new Set(intervals.slice(9))).toEqual(new Set([512_000]));
    // Retries use the same transaction id: only one transaction was ever started.
    expect(
      new Set(
        records(world, "as.txn.sent")
          .filter((r) => r.seq >= from)
          .map((r) => r.txnId),
      ).size,
    ).toBe(1);
    world.sim.repair();
    world.run(() => world.quiescent());
    expect(receivedIds(service)).toEqual(expectedIds(world, room));
    expect(
      hs1
        .room(room)!
        .inStreamOrder()
        .filter((e) => e.pdu.type === "m.room.message"),
    ).toHaveLength(20);
    expectRetriesFaithful(world);
    // After the outage the backoff starts again from the beginning.
    expect(service.pushes!.stateName).toBe("idle");
  });

  it("are not processed twice when the acknowledgement is lost: the service deduplicates by txnId", () => {
    const { world, alice, service, room } = setup();
    world.run(() => world.quiescent());
    world.sim.partitionOneWay("irc-bridge", "hs1"); // pushes arrive, the 200s do not
    const said = alice.sendMessage(room, "said once").value();
    world.sim.runFor(5 * 60_000);
    world.sim.repair();
    world.run(() => world.quiescent());
    const received = records(world, "as.txn.received").filter(
      (r) => r.txnId === records(world, "as.txn.sent").at(-1)!.txnId,
    );
    expect(received.length).toBeGreaterThan(1);
    expect(received.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(receivedIds(service).filter((id) => id === said)).toHaveLength(1);
    expect(receivedIds(service)).toEqual(expectedIds(world, room));
    expectRetriesFaithful(world);
  });

  it("held copies of a retried transaction are acknowledged but processed once when released", () => {
    const { world, alice, service, room } = setup();
    world.run(() => world.quiescent());
    world.sim.hold(["hs1"], ["irc-bridge"]);
    for (let i = 0; i < 3; i++) alice.sendMessage(room, `held ${i}`);
    world.sim.runFor(10 * 60_000);
    world.sim.release();
    world.run(() => world.quiescent());
    expect(records(world, "as.txn.received").some((r) => r.duplicate)).toBe(true);
    expect(receivedIds(service)).toEqual(expectedIds(world, room));
    expectRetriesFaithful(world);
  });

  it("survive a crash of the homeserver: the queue was persisted, the retry resumes after the restart", () => {
    const { world, alice, service, room } = setup();
    world.run(() => world.quiescent());
    world.sim.isolate("irc-bridge", ["hs1", "hs2"]);
    for (let i = 0; i < 5; i++) alice.sendMessage(room, `before the crash ${i}`);
    world.sim.runFor(60_000 + 10_000);
    const txnBefore = records(world, "as.txn.sent").at(-1)!;
    world.crash("hs1");
    world.sim.repair();
    world.sim.runFor(60_000);
    expect(service.received.some((e) => e.content.body === "before the crash 0")).toBe(false);
    world.restart("hs1");
    world.run(() => world.quiescent());
    const resent = records(world, "as.txn.sent").filter((r) => r.txnId === txnBefore.txnId);
    expect(resent.at(-1)!.events).toEqual(txnBefore.events);
    expect(receivedIds(service)).toEqual(expectedIds(world, room));
    expectRetriesFaithful(world);
  });

  it("survive a crash of the service: pushes to it are lost on arrival and retried", () => {
    const { world, alice, service, room } = setup();
    world.run(() => world.quiescent());
    service.crash();
    alice.sendMessage(room, "while the bridge is down").value();
    world.sim.runFor(5 * 60_000);
    expect(
      world.trace.all().some((r) => r.kind === "net.dropped" && r.to === "irc-bridge" && r.fault === "crashed"),
    ).toBe(true);
    expect(world.quiescent()).toBe(false);
    service.restart();
    world.run(() => world.quiescent());
    expect(receivedIds(service)).toEqual(expectedIds(world, room));
    expectRetriesFaithful(world);
  });

  it("the service refuses a wrong hs_token with 403 M_FORBIDDEN", () => {
    const { service } = setup();
    const path = "/_matrix/app/v1/transactions/99";
    expect(
      service.handle("hs1", { method: "PUT", path, body: { events: [] }, headers: { Authorization: "Bearer wrong" } }),
    ).toMatchObject({ status: 403, body: { errcode: "M_FORBIDDEN" } });
    expect(service.handle("hs1", { method: "PUT", path, body: { events: [] } })).toMatchObject({ status: 403 });
    const ok = { Authorization: "Bearer hs-secret" };
    expect(service.handle("hs1", { method: "PUT", path, body: { events: [] }, headers: ok })).toMatchObject({
      status: 200,
    });
    expect(service.handle("hs1", { method: "GET", path, headers: ok })).toMatchObject({
      status: 405,
      body: { errcode: "M_UNRECOGNIZED" },
    });
    expect(service.handle("hs1", { method: "GET", path: "/_matrix/app/v1/nothing", headers: ok })).toMatchObject({
      status: 404,
      body: { errcode: "M_UNRECOGNIZED" },
    });
  });

  it("a full queue refuses new events visibly (as.dropped) instead of growing without bound", () => {
    const { world, alice, room, service } = setup(1, { queueEventsMax: 5 });
    world.run(() => world.quiescent());
    world.sim.isolate("irc-bridge", ["hs1", "hs2"]);
    for (let i = 0; i < 10; i++) alice.sendMessage(room, `m${i}`);
    // The first went in flight; five wait; four are refused.
    expect(records(world, "as.dropped")).toHaveLength(4);
    expect(service.pushes!.pendingCount).toBe(6);
  });

  it("deliver every interesting event exactly once, in order, whatever the outages (property, pinned seed)", () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant("send" as const), n: fc.integer({ min: 1, max: 4 }) }),
      fc.record({
        kind: fc.constant("cut" as const),
        mode: fc.constantFrom("drop" as const, "hold" as const),
        oneWay: fc.boolean(),
      }),
      fc.record({ kind: fc.constant("repair" as const) }),
      fc.record({ kind: fc.constant("crashHs" as const) }),
      fc.record({ kind: fc.constant("crashService" as const) }),
      fc.record({ kind: fc.constant("wait" as const), ms: fc.integer({ min: 100, max: 600_000 }) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 12 }), fc.integer({ min: 1, max: 1000 }), (steps, seed) => {
        const { world, alice, service, room } = setup(seed);
        let n = 0;
        for (const s of steps) {
          if (s.kind === "send" && world.server("hs1").up)
            for (let i = 0; i < s.n; i++) alice.sendMessage(room, `m${n++}`);
          else if (s.kind === "cut") {
            if (s.oneWay) world.sim.partitionOneWay("irc-bridge", "hs1", s.mode);
            else world.sim.partition(["hs1"], ["irc-bridge"], s.mode);
          } else if (s.kind === "repair") world.sim.repair();
          else if (s.kind === "crashHs" && world.server("hs1").up) world.crash("hs1");
          else if (s.kind === "crashService") service.crash();
          else if (s.kind === "wait") world.sim.runFor(s.ms);
        }
        world.sim.repair();
        if (!world.server("hs1").up) world.restart("hs1");
        service.restart();
        const done = world.run(() => world.quiescent(), { virtualTimeMsMax: world.sim.nowMs + 24 * 3600_000 });
        expect(done.reason).toBe("done");
        expect(receivedIds(service)).toEqual(expectedIds(world, room));
        expectRetriesFaithful(world);
      }),
      { seed: 20260721, numRuns: 40 },
    );
  });
});
