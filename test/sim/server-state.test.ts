// A homeserver's two records: a crash keeps what is persisted and replaces what is in memory.
import { describe, expect, it } from "vitest";
import { nodeCrypto } from "../../cli/node-crypto.ts";
import { World } from "../../sim/world.ts";

describe("persisted and memory records", () => {
  it("a crash keeps rooms, users and tokens, and starts memory afresh (sender, verification cache)", () => {
    const world = new World({ seed: 1, crypto: nodeCrypto });
    const hs = world.addServer("hs1");
    const alice = world.addClient("@alice:hs1");
    const roomId = alice.createRoom({}).value();
    const [sender, crypto] = [hs.federationSender, hs.crypto];
    world.crash("hs1");
    expect(hs.federationSender).not.toBe(sender);
    expect(hs.crypto).not.toBe(crypto);
    world.restart("hs1");
    expect(hs.room(roomId)).toBeDefined();
    expect(hs.users.has(alice.userId)).toBe(true);
    expect(alice.sendMessage(roomId, "still here").result?.ok).toBe(true);
  });
});
