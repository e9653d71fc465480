// The servers in a room, kept per state snapshot (sim/homeserver/room-residents.ts).
import { expect, it } from "vitest";
import { nodeCrypto } from "../../cli/node-crypto.ts";
import { World } from "../../sim/world.ts";

function twoServers(roomVersion: string) {
  const world = new World({ seed: 1, crypto: nodeCrypto, signing: false });
  world.addServer("hs1");
  world.addServer("hs2");
  const alice = world.addClient("@alice:hs1");
  const bob = world.addClient("@bob:hs2");
  const roomId = alice.createRoom({ preset: "public_chat", roomVersion }).value();
  bob.join(roomId, ["hs1"]);
  world.run(() => world.quiescent());
  return { world, bob, roomId, hs1: world.server("hs1"), room: world.server("hs1").room(roomId)! };
}

it.each(["1", "11"])(
  "answers for the state asked about, and a caller changing its answer changes no other (v%s)",
  (v) => {
    const { world, bob, roomId, hs1, room } = twoServers(v);
    const joined = room.currentState;
    const first = hs1.serversInRoom(room);
    expect(first).toEqual(["hs1", "hs2"]);
    first.push("hs9");
    expect(hs1.serversInRoom(room, joined)).toEqual(["hs1", "hs2"]);
    bob.leave(roomId);
    world.run(() => world.quiescent());
    expect(hs1.serversInRoom(room)).toEqual(["hs1"]);
    // The state before the leave still has bob joined.
    expect(hs1.serversInRoom(room, joined)).toEqual(["hs1", "hs2"]);
  },
);
