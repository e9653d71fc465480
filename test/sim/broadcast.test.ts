// Who hears of a new event: the servers in the room before it as well as after it.
import { describe, expect, it } from "vitest";
import { nodeCrypto } from "../../cli/node-crypto.ts";
import { World } from "../../sim/world.ts";

describe("broadcast", () => {
  it("a ban of a server's last user reaches that server (the residents before the event)", () => {
    const world = new World({ seed: 1, crypto: nodeCrypto });
    world.addServer("hs1");
    world.addServer("hs2");
    const alice = world.addClient("@alice:hs1");
    const bob = world.addClient("@bob:hs2");
    const roomId = alice.createRoom({ preset: "public_chat" }).value();
    bob.join(roomId, ["hs1"]);
    world.run(() => world.quiescent());
    const ban = alice.ban(roomId, "@bob:hs2", "bye").value();
    world.run(() => world.quiescent());
    const hs2 = world.server("hs2");
    expect(hs2.room(roomId)!.get(ban)?.status).toBe("accepted");
    expect(hs2.membership(hs2.room(roomId)!, "@bob:hs2")).toBe("ban");
    expect(world.divergentServers(roomId, ["hs1", "hs2"])).toEqual([]);
  });
});
