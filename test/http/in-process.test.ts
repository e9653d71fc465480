// The in-process mode: matrix-js-sdk clients whose fetch goes straight into the front end
// and whose timers run on the simulation's clock. A whole SDK session — register, sync,
// a room over federation, a partition and a heal — is then part of a seeded run: done
// twice with one seed it gives the same trace hash, and another seed gives another.

import * as sdk from "matrix-js-sdk";
import { describe, expect, it } from "vitest";
import { nodeCrypto } from "../../cli/node-crypto.ts";
import { EMPTY_SCENARIO, FrontEnd, InProcessSession, servedWorld } from "../../http/index.ts";
import { bodies, inProcessUser as user } from "./harness.ts";

/** One scripted session; returns the trace hash and the virtual time it took. */
async function sessionAtSeed(seed: number): Promise<{ hash: string | undefined; nowMs: number; texts: string[] }> {
  const frontEnd = new FrontEnd(servedWorld(EMPTY_SCENARIO, seed, nodeCrypto));
  const session = new InProcessSession(frontEnd);
  session.start();
  try {
    const alice = await user(session, "hs1", "alice");
    const bob = await user(session, "hs2", "bob");
    const { room_id: roomId } = await session.settled(alice.createRoom({ preset: sdk.Preset.PublicChat }));
    await session.settled(bob.joinRoom(roomId, { viaServers: ["hs1"] }));
    const control = (path: string, body: unknown) =>
      session.settled(
        session.fetch(`${session.baseUrl("hs1")}/_netsplit/${path}`, { method: "POST", body: JSON.stringify(body) }),
      );
    await control("partition", { groups: [["hs1"], ["hs2"]] });
    await session.settled(alice.sendTextMessage(roomId, "from alice, cut off"));
    await session.settled(bob.sendTextMessage(roomId, "from bob, cut off"));
    await control("heal", {});
    await session.runUntil(() =>
      ["from alice, cut off", "from bob, cut off"].every(
        (b) => bodies(alice, roomId).includes(b) && bodies(bob, roomId).includes(b),
      ),
    );
    const texts = bodies(bob, roomId);
    alice.stopClient();
    bob.stopClient();
    return { hash: frontEnd.world.trace.hash(), nowMs: frontEnd.world.sim.nowMs, texts };
  } finally {
    session.stop();
  }
}

describe("in-process SDK sessions on the simulation clock", () => {
  it("a matrix-js-sdk session is reproducible: same seed, same trace hash", async () => {
    const first = await sessionAtSeed(7);
    const second = await sessionAtSeed(7);
    expect(first.texts).toEqual(expect.arrayContaining(["from alice, cut off", "from bob, cut off"]));
    expect(first.hash).toMatch(/^[\w+/]{43}$/);
    expect(first.nowMs).toBeGreaterThan(0);
    expect(second).toEqual(first);
    const other = await sessionAtSeed(8);
    expect(other.hash).not.toBe(first.hash);
  });
});
