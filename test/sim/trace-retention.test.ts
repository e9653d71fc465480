// Trace retention (issue 12): a long run need not keep its records to have a trace hash.
// The streaming hash (hash-only) must equal the hash of the kept records (full), the
// counts and the run summary must not depend on what is kept, and a trace that keeps no
// records must say so rather than answer with an empty list.
import { describe, expect, it } from "vitest";
import { nodeCrypto } from "../../cli/node-crypto.ts";
import { nobleCrypto, type CryptoBackend } from "../../core/index.ts";
import { SCENARIOS, ScenarioRun } from "../../scenarios/index.ts";
import { TRACE_RETENTIONS, World, traceHash, traceToJsonLines, type TraceRetention } from "../../sim/index.ts";
import { TraceHasher, type TraceRecord } from "../../sim/trace.ts";
import { BACKENDS } from "../backends.ts";

/** Three servers, a split, messages on both sides, a heal: a run with faults, retries and resolution. */
function splitAndHeal(traceRetention: TraceRetention, crypto: CryptoBackend = nodeCrypto): World {
  const world = new World({ seed: 3, crypto, traceRetention });
  for (const n of ["hs1", "hs2", "hs3"]) world.addServer(n);
  const [a, b, c] = ["@a:hs1", "@b:hs2", "@c:hs3"].map((u) => world.addClient(u));
  const roomId = a!.createRoom({ preset: "public_chat" }).value();
  b!.join(roomId, ["hs1"]);
  c!.join(roomId, ["hs1"]);
  world.run(() => world.quiescent());
  world.sim.partition(["hs1"], ["hs2", "hs3"]);
  a!.sendMessage(roomId, "left side");
  b!.sendMessage(roomId, "right side");
  world.sim.runFor(5_000);
  world.sim.repair();
  c!.sendMessage(roomId, "after the heal");
  world.run(() => world.quiescent());
  return world;
}

describe("trace retention", () => {
  it("gives the same trace hash, counts and summary whether records are kept or only hashed", () => {
    const full = splitAndHeal("full");
    const hashOnly = splitAndHeal("hash-only");
    const records = full.trace.all();
    expect(records.length).toBeGreaterThan(100);
    // The reference: SHA-256 of the whole JSON Lines text, computed in one piece.
    const reference = traceHash(records);
    expect(nobleCrypto.sha256(new TextEncoder().encode(traceToJsonLines(records)))).toEqual(
      nodeCrypto.sha256(new TextEncoder().encode(traceToJsonLines(records))),
    );
    expect(full.trace.hash()).toBe(reference);
    expect(hashOnly.trace.hash()).toBe(reference);
    expect(hashOnly.trace.length).toBe(records.length);
    for (const kind of ["pdu.accepted", "net.sent", "fault.partition", "rpc.request"] as const) {
      expect(hashOnly.trace.count(kind)).toBe(records.filter((r) => r.kind === kind).length);
    }
    expect(hashOnly.summary()).toEqual(full.summary());
  });

  it("keeps nothing and has no hash under none, yet counts and summarises the same run", () => {
    const full = splitAndHeal("full");
    const none = splitAndHeal("none");
    expect(none.trace.hash()).toBeUndefined();
    expect(none.trace.count("pdu.accepted")).toBe(full.trace.count("pdu.accepted"));
    expect(none.summary()).toEqual(full.summary());
  });

  it.each(TRACE_RETENTIONS.filter((r) => r !== "full"))("refuses to list records it did not keep (%s)", (retention) => {
    const world = splitAndHeal(retention);
    expect(() => world.trace.all()).toThrow(/keeps no records/);
  });

  it.each(BACKENDS)(
    "hashes record by record as one SHA-256 of the whole text, and can be read mid-way ($name)",
    (backend) => {
      const records = splitAndHeal("full").trace.all();
      const streaming = new TraceHasher(backend);
      const half = Math.floor(records.length / 2);
      records.slice(0, half).forEach((r) => streaming.add(r));
      expect(streaming.hash()).toBe(traceHash(records.slice(0, half), nobleCrypto));
      records.slice(half).forEach((r) => streaming.add(r));
      expect(streaming.hash()).toBe(traceHash(records, nobleCrypto));
    },
  );

  // Hash-only hashes a record when it is added; full hashes the kept records at the end.
  // They agree only if nothing changes a record after adding it: checked on every
  // shipped scenario by hashing each record as it is added.
  it.each(SCENARIOS.map((s) => [s.name, s] as const))("no record changes after it is added (%s)", (_name, scenario) => {
    const run = new ScenarioRun(scenario, { seed: 1, crypto: nodeCrypto, signing: false });
    const asAdded = new TraceHasher(nodeCrypto);
    for (const r of run.world.trace.all()) asAdded.add(r);
    run.world.trace.subscribe((r: TraceRecord) => asAdded.add(r));
    const report = run.runToEnd();
    expect(asAdded.hash()).toBe(report.traceHash);
  });
});
