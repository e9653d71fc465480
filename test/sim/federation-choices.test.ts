// The parameters researchers vary (issue 16): which forward extremities an event cites
// (newest / random / all) and how dummy events merge them (inline / periodic / off; Synapse's
// job, the default, in test/sim/federation/dummy-events.test.ts).
// Everyone speaks at once with more servers than an event may cite, so the choices show.
import { describe, expect, it } from "vitest";
import { nodeCrypto } from "../../cli/node-crypto.ts";
import { PDU_LIMITS } from "../../core/index.ts";
import { DEFAULT_FEDERATION_PARAMS, World, type FederationParams } from "../../sim/index.ts";
import type { TraceRecord } from "../../sim/trace.ts";

const DUMMY = "org.matrix.dummy_event";
const SERVERS = 2 * DEFAULT_FEDERATION_PARAMS.prevEventsMax + 4;
type Created = Extract<TraceRecord, { kind: "pdu.created" }>;

function everyoneAtOnce(params: Partial<FederationParams>, rounds = 3, seed = 7) {
  const world = new World({ seed, crypto: nodeCrypto, signing: false });
  const names = Array.from({ length: SERVERS }, (_, i) => `hs${i + 1}`);
  for (const n of names) world.addServer(n, { params });
  const clients = names.map((n) => world.addClient(`@user:${n}`));
  const roomId = clients[0]!.createRoom({ preset: "public_chat" }).value();
  for (const c of clients.slice(1)) {
    c.join(roomId, ["hs1"]);
    world.run(() => world.quiescent());
  }
  const first = world.trace.length;
  for (let r = 0; r < rounds; r++) {
    for (const c of clients) c.sendMessage(roomId, `round ${r}`);
    expect(world.run(() => world.quiescent()).reason).toBe("done");
  }
  const created = world.trace
    .all()
    .slice(first)
    .filter((r): r is Created => r.kind === "pdu.created");
  const widths = names.map((n) => world.server(n).room(roomId)!.extremityIds().length);
  return { world, roomId, created, widths };
}

const largest = (xs: number[]) => xs.reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY);
const most = (created: Created[]) => largest(created.map((c) => c.prevEvents.length));

describe("prev_events selection", () => {
  it("newest and random cite at most prevEventsMax; all cites every head up to the spec's 20", () => {
    const cap = DEFAULT_FEDERATION_PARAMS.prevEventsMax;
    expect(most(everyoneAtOnce({ dummyEvents: "off" }).created)).toBe(cap);
    expect(most(everyoneAtOnce({ dummyEvents: "off", prevEventsSelection: "random" }).created)).toBe(cap);
    const all = everyoneAtOnce({ dummyEvents: "off", prevEventsSelection: "all" });
    expect(most(all.created)).toBe(PDU_LIMITS.prevEventsMax);
    expect(all.created.every((c) => c.type === "m.room.message")).toBe(true);
  });

  it("random picks other heads than newest-first (and the same ones for the same seed)", () => {
    const newest = everyoneAtOnce({ dummyEvents: "off" }).created.map((c) => c.prevEvents.join());
    const random = everyoneAtOnce({ dummyEvents: "off", prevEventsSelection: "random" }).created.map((c) =>
      c.prevEvents.join(),
    );
    const again = everyoneAtOnce({ dummyEvents: "off", prevEventsSelection: "random" }).created.map((c) =>
      c.prevEvents.join(),
    );
    expect(random).not.toEqual(newest);
    expect(again).toEqual(random);
  });
});

describe("dummy-event policy", () => {
  it("off: no dummy events, and the room stays wider than the threshold", () => {
    const { created, widths } = everyoneAtOnce({ dummyEvents: "off" });
    expect(created.filter((c) => c.type === DUMMY)).toEqual([]);
    expect(largest(widths)).toBeGreaterThan(DEFAULT_FEDERATION_PARAMS.extremitiesBeforeDummyMax);
  });

  it("periodic: dummies only on each server's tick of the period, until no room is wider than the threshold", () => {
    const everyMs = 5 * 60_000;
    const { created, widths, world } = everyoneAtOnce({ dummyEvents: "periodic", dummyEventsEveryMs: everyMs });
    const dummies = created.filter((c) => c.type === DUMMY);
    expect(dummies.length).toBeGreaterThan(0);
    const phase = new Map<string, number>();
    for (const d of dummies) {
      expect(phase.get(d.server) ?? d.atMs % everyMs).toBe(d.atMs % everyMs);
      phase.set(d.server, d.atMs % everyMs);
    }
    // The job ran on after the talk (the world was not quiet until it was done).
    expect(largest(dummies.map((d) => d.atMs))).toBeGreaterThan(
      largest(created.filter((c) => c.type !== DUMMY).map((c) => c.atMs)),
    );
    for (const w of widths) expect(w).toBeLessThanOrEqual(DEFAULT_FEDERATION_PARAMS.extremitiesBeforeDummyMax);
    expect(world.sim.scheduler.size).toBe(0);
  });

  it("inline (netsplit 0.1): a dummy right after the message that made the room wide", () => {
    const { created } = everyoneAtOnce({ dummyEvents: "inline" });
    const dummies = created.filter((c) => c.type === DUMMY);
    expect(dummies.length).toBeGreaterThan(0);
    const byId = new Map(created.map((c) => [c.event, c]));
    for (const d of dummies) expect(byId.get(d.prevEvents[0]!)?.atMs).toBe(d.atMs);
  });
});
