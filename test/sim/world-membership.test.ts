// Who hears of a new event (the servers in the room before it as well as after it), and registration.
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

describe("registration", () => {
  it("POST /register gives a logged-in client, or a Matrix error (never a throw)", () => {
    const world = new World({ seed: 1, crypto: nodeCrypto });
    world.addServer("hs1");
    const first = world.register("hs1", "alice");
    expect(first.ok).toBe(true);
    expect(first.ok && first.value.userId).toBe("@alice:hs1");
    const again = world.register("hs1", "alice");
    expect(again.ok ? "ok" : again.error.errcode).toBe("M_USER_IN_USE");
    const bad = world.register("hs1", "no spaces allowed");
    expect(bad.ok ? "ok" : bad.error.errcode).toBe("M_INVALID_USERNAME");
    // The new client works at once.
    expect(first.ok && first.value.createRoom({ preset: "public_chat" }).done).toBe(true);
  });
});

describe("events for a room still being joined", () => {
  it("are held until the join completes, not dropped (five servers joining 200 ms apart)", () => {
    const world = new World({ seed: 0, crypto: nodeCrypto });
    const names = ["hs1", "hs2", "hs3", "hs4", "hs5"];
    for (const n of names) world.addServer(n);
    const clients = names.map((n) => world.addClient(`@u:${n}`));
    const roomId = clients[0]!.createRoom({ preset: "public_chat" }).value();
    clients.slice(1).forEach((c, i) => world.sim.at(200 * (i + 1), "join", () => void c.join(roomId, ["hs1"])));
    world.run(() => world.sim.nowMs > 1_000 && world.quiescent());
    for (const n of names) {
      const hs = world.server(n);
      for (const other of names)
        expect(`${n}: ${other} ${hs.membership(hs.room(roomId)!, `@u:${other}`)}`).toBe(`${n}: ${other} join`);
    }
  });
});
