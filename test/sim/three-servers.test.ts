// The picture from Matrix's introduction: three homeservers, one client each, one room
// shared by all three; every client's sync shows every message in the same causal order.
import { describe, expect, it } from "vitest";
import { nodeCrypto } from "../../cli/node-crypto.ts";
import { authEventIds, stateKey, type Pdu } from "../../core/index.ts";
import { checkAcyclic, checkAuthSafety, checkSignatureSafety, runToConvergence } from "../../sim/checkers.ts";
import { traceHash } from "../../sim/trace.ts";
import { World } from "../../sim/world.ts";

function threeServers(seed: number, roomVersion = "11") {
  const world = new World({ seed, crypto: nodeCrypto });
  for (const name of ["hs1", "hs2", "hs3"]) world.addServer(name);
  const alice = world.addClient("@alice:hs1");
  const bob = world.addClient("@bob:hs2");
  const carol = world.addClient("@carol:hs3");
  const roomId = alice.createRoom({ preset: "public_chat", name: "Federation", roomVersion }).value();
  bob.join(roomId, ["hs1"]);
  world.run(() => world.quiescent());
  carol.join(roomId, ["hs1"]);
  world.run(() => world.quiescent());
  return { world, alice, bob, carol, roomId };
}

describe("three servers, one room", () => {
  it.each(["10", "11", "12"])("everyone joins, talks, and sees the same messages in causal order (v%s)", (v) => {
    const { world, alice, bob, carol, roomId } = threeServers(1, v);
    expect(world.divergentServers(roomId)).toEqual([]);
    alice.sendMessage(roomId, "hello from alice");
    world.run(() => world.quiescent());
    bob.sendMessage(roomId, "hi alice, bob here");
    world.run(() => world.quiescent());
    carol.sendMessage(roomId, "carol joining in");
    world.run(() => world.quiescent());
    const bodies = (c: typeof alice) =>
      c
        .sync()
        .join[roomId]!.timeline.filter((e) => e.type === "m.room.message")
        .map((e) => e.content.body);
    const expected = ["hello from alice", "hi alice, bob here", "carol joining in"];
    expect(bodies(alice)).toEqual(expected);
    expect(bodies(bob)).toEqual(expected);
    expect(bodies(carol)).toEqual(expected);
    expect(world.divergentServers(roomId)).toEqual([]);
    for (const hs of ["hs1", "hs2", "hs3"])
      expect(world.server(hs).serversInRoom(world.server(hs).room(roomId)!)).toEqual(["hs1", "hs2", "hs3"]);
  });

  it("same seed, same trace hash; different seed, different hash", () => {
    const hash = (seed: number) => {
      const { world, alice, roomId } = threeServers(seed);
      alice.sendMessage(roomId, "x");
      world.run(() => world.quiescent());
      return traceHash(world.trace.all());
    };
    expect(hash(7)).toBe(hash(7));
    expect(hash(7)).not.toBe(hash(8));
  });
});

describe("a 2–1 partition heals and converges", () => {
  it("both sides change topic and power levels, then all three agree on the majority's topic", () => {
    const { world, alice, bob, carol, roomId } = threeServers(3);
    alice.setPowerLevel(roomId, "@bob:hs2", 50);
    world.run(() => world.quiescent());
    alice.setPowerLevel(roomId, "@carol:hs3", 50);
    world.run(() => world.quiescent());
    world.sim.partition(["hs1", "hs2"], ["hs3"]);
    // Majority: Alice demotes Carol, then sets the topic. Minority: Carol sets the topic.
    alice.setPowerLevel(roomId, "@carol:hs3", 0).value();
    const majorityTopic = alice.setTopic(roomId, "topic from the majority").value();
    bob.sendMessage(roomId, "majority side").value();
    const minorityTopic = carol.setTopic(roomId, "topic from the minority").value();
    carol.sendMessage(roomId, "minority side").value();
    world.sim.runFor(5_000);
    const topicOn = (hs: string) => world.server(hs).room(roomId)!.currentState.get(stateKey("m.room.topic", ""));
    expect([topicOn("hs1"), topicOn("hs2"), topicOn("hs3")]).toEqual([majorityTopic, majorityTopic, minorityTopic]);
    world.sim.repair();
    alice.sendMessage(roomId, "healed?");
    carol.sendMessage(roomId, "healed!");
    const result = world.run(() => world.quiescent() && world.divergentServers(roomId).length === 0, {
      virtualTimeMsMax: world.sim.nowMs + 48 * 3600_000,
    });
    expect(result.reason).toBe("done");
    // State resolution v2: the demotion is a power event and is applied first; Carol's
    // topic (mainline position 1, under the PL that promoted her) then fails against it,
    // and Alice's topic (position 0) is applied.
    expect([topicOn("hs1"), topicOn("hs2"), topicOn("hs3")]).toEqual([majorityTopic, majorityTopic, majorityTopic]);
    expect(
      world.trace
        .all()
        .some(
          (r) => r.kind === "state.resolved" && r.server === "hs3" && r.changed.some((c) => c.type === "m.room.topic"),
        ),
    ).toBe(true);
    expect(checkAuthSafety(world)).toEqual([]);
    expect(checkAcyclic(world)).toEqual([]);
    expect(checkSignatureSafety(world)).toEqual([]);
  });
});

describe("a late joiner", () => {
  it("backfills the history from before it joined", () => {
    const world = new World({ seed: 5, crypto: nodeCrypto });
    for (const name of ["hs1", "hs2"]) world.addServer(name);
    const alice = world.addClient("@alice:hs1");
    const roomId = alice.createRoom({ preset: "public_chat" }).value();
    for (let i = 0; i < 5; i++) alice.sendMessage(roomId, `early ${i}`);
    const late = world.addClient("@late:hs2");
    late.join(roomId, ["hs1"]);
    world.run(() => world.quiescent());
    // hs2 holds the state and the join, not the messages before it.
    expect(late.sync().join[roomId]!.timeline.filter((e) => e.type === "m.room.message")).toEqual([]);
    const page = late.messages(roomId, 30);
    world.run(() => page.done);
    const bodies = page
      .value()
      .filter((e) => e.type === "m.room.message")
      .map((e) => e.content.body);
    expect(bodies).toEqual(["early 4", "early 3", "early 2", "early 1", "early 0"]);
    expect(world.trace.all().some((r) => r.kind === "rpc.request" && r.path.includes("/backfill/"))).toBe(true);
  });
});

describe("redactions", () => {
  it("reach every server and hide the content from clients, while the signed original stays", () => {
    const { world, alice, bob, carol, roomId } = threeServers(9);
    const id = bob.sendMessage(roomId, "oops, my password").value();
    world.run(() => world.quiescent());
    alice.redact(roomId, id, "password").value(); // Alice (100) ≥ redact level 50
    world.run(() => world.quiescent());
    for (const c of [alice, bob, carol]) {
      const event = c.sync().join[roomId]!.timeline.find((e) => e.eventId === id)!;
      expect(event.content).toEqual({});
    }
    expect(world.server("hs3").room(roomId)!.get(id)!.pdu.content.body).toBe("oops, my password");
  });

  it("are not applied when the sender may not redact (v3+: not an auth rule)", () => {
    const { world, alice, carol, roomId } = threeServers(10);
    const id = alice.sendMessage(roomId, "mine").value();
    world.run(() => world.quiescent());
    carol.redact(roomId, id).value(); // accepted as an event, but Carol has 0 < 50 and another server
    world.run(() => world.quiescent());
    expect(alice.sync().join[roomId]!.timeline.find((e) => e.eventId === id)!.content.body).toBe("mine");
  });
});

describe("faults must fire, and clocks may disagree", () => {
  it("a repair reports what each cut did; a cut that carried nothing reports zeros", () => {
    const { world, alice, roomId } = threeServers(12);
    world.sim.partition(["hs1"], ["hs3"]);
    alice.sendMessage(roomId, "into the void");
    world.sim.runFor(1_000);
    world.sim.repair();
    const repair = world.trace.all().find((r) => r.kind === "fault.repair");
    expect(repair?.kind === "fault.repair" && repair.cuts).toEqual([
      { from: "hs1", to: "hs3", dropped: 1, held: 0, slowed: 0 },
      { from: "hs3", to: "hs1", dropped: 0, held: 0, slowed: 0 },
    ]);
    const convergence = runToConvergence(world, roomId, 24 * 3600_000);
    expect(convergence).toMatchObject({ converged: true, divergentServers: [], seed: "12" });
    const summary = world.summary();
    expect(summary.network.dropped.partition).toBe(1);
    expect(summary.pdusSent).toBeGreaterThan(summary.pdus.accepted / 2);
  });

  it("each server stamps origin_server_ts with its own skewed clock", () => {
    const world = new World({ seed: 1, crypto: nodeCrypto });
    world.addServer("slow", { skew: { offsetMs: -60_000, driftPpm: 0 } });
    world.addServer("fast", { skew: { offsetMs: 3_600_000, driftPpm: 100_000 } });
    world.sim.runFor(10_000);
    expect(world.server("fast").localNowMs() - world.server("slow").localNowMs()).toBe(3_600_000 + 60_000 + 1_000);
    const roomId = world.addClient("@a:fast").createRoom().value();
    expect(world.server("fast").room(roomId)!.createEvent()!.origin_server_ts).toBe(world.server("fast").localNowMs());
  });
});

describe("checkAuthSafety", () => {
  // It checks an event once for all the servers that hold the same objects: a server whose
  // copy of an auth event differs must still be checked, and blamed, on its own.
  it("names the one server whose auth event no longer allows an accepted message", () => {
    const { world, bob, roomId } = threeServers(4);
    const message = bob.sendMessage(roomId, "hello").value();
    world.run(() => world.quiescent());
    expect(checkAuthSafety(world)).toEqual([]);
    const room = world.server("hs3").room(roomId)!;
    const bobJoin = authEventIds(room.get(message)!.pdu).find((id) => room.get(id)!.pdu.type === "m.room.member")!;
    const stored = room.get(bobJoin)! as { pdu: Pdu };
    // hs3 now holds Bob's membership as a leave: his message fails the sender's-membership rule there only.
    stored.pdu = { ...stored.pdu, content: { membership: "leave" } };
    const problems = checkAuthSafety(world);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^hs3 \\${message}: accepted but fails`));
  });
});

describe("checkSignatureSafety", () => {
  // It checks an event object once for all the servers that hold it: every server holding a
  // forged copy must still be named, each once, and a server holding the original must not.
  it("names each server that holds a forged copy of an accepted event, and no other", () => {
    const { world, bob, roomId } = threeServers(5);
    const message = bob.sendMessage(roomId, "hello").value();
    world.run(() => world.quiescent());
    expect(checkSignatureSafety(world)).toEqual([]);
    const original = world.server("hs1").room(roomId)!.get(message)!.pdu;
    // origin_server_ts is covered by the signature (and not by redaction): the copy no longer verifies.
    const forged: Pdu = { ...original, origin_server_ts: original.origin_server_ts + 1 };
    for (const name of ["hs2", "hs3"]) (world.server(name).room(roomId)!.get(message)! as { pdu: Pdu }).pdu = forged;
    const problems = checkSignatureSafety(world);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(new RegExp(`^hs2 \\${message}: accepted with `));
    expect(problems[1]).toMatch(new RegExp(`^hs3 \\${message}: accepted with `));
    // The same call again gives the same answer (nothing is remembered between calls).
    expect(checkSignatureSafety(world)).toEqual(problems);
  });
});
