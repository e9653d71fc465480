// The picture from Matrix's introduction: three homeservers, one client each, one room
// shared by all three; every client's sync shows every message in the same causal order.
import { describe, expect, it } from "vitest";
import { nodeCrypto } from "../../cli/node-crypto.ts";
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
      c.sync().join[roomId]!.timeline.filter((e) => e.type === "m.room.message").map((e) => e.content.body);
    const expected = ["hello from alice", "hi alice, bob here", "carol joining in"];
    expect(bodies(alice)).toEqual(expected);
    expect(bodies(bob)).toEqual(expected);
    expect(bodies(carol)).toEqual(expected);
    expect(world.divergentServers(roomId)).toEqual([]);
    for (const hs of ["hs1", "hs2", "hs3"]) expect(world.server(hs).serversInRoom(world.server(hs).room(roomId)!)).toEqual(["hs1", "hs2", "hs3"]);
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
  it("both sides change topic and power levels, then all three agree", () => {
    const { world, alice, bob, carol, roomId } = threeServers(3);
    alice.setPowerLevel(roomId, "@bob:hs2", 50);
    world.run(() => world.quiescent());
    world.sim.partition(["hs1", "hs2"], ["hs3"]);
    alice.setTopic(roomId, "topic from the majority");
    bob.sendMessage(roomId, "majority side");
    carol.setTopic(roomId, "topic from the minority");
    carol.sendMessage(roomId, "minority side");
    world.sim.runFor(5_000);
    // Forked: hs3 holds its own topic.
    const topicOn = (hs: string) => world.server(hs).room(roomId)!.currentState;
    expect(topicOn("hs1")).not.toEqual(topicOn("hs3"));
    expect(world.divergentServers(roomId).length).toBeGreaterThan(0);
    world.sim.repair();
    // Wake the senders (a message after healing), then let backoff and catch-up run.
    alice.sendMessage(roomId, "healed?");
    carol.sendMessage(roomId, "healed!");
    const result = world.run(() => world.quiescent() && world.divergentServers(roomId).length === 0, { virtualTimeMsMax: world.sim.nowMs + 48 * 3600_000 });
    expect(result.reason).toBe("done");
    expect(world.divergentServers(roomId)).toEqual([]);
    expect(world.trace.count("state.resolved")).toBeGreaterThan(0);
  });
});
