// Same scenario + same seed = the same trace, whichever crypto backend runs it: the
// browser uses the pure-JS backend, Node the node:crypto one, and both must agree to
// the byte. Client calls that break the rules come back as Matrix errors.
import { describe, expect, it } from "vitest";
import { nodeCrypto } from "../../cli/node-crypto.ts";
import { nobleCrypto, type CryptoBackend } from "../../core/index.ts";
import { traceHash, traceToJsonLines } from "../../sim/trace.ts";
import { World } from "../../sim/world.ts";

function run(crypto: CryptoBackend, seed: number) {
  const world = new World({ seed, crypto });
  for (const n of ["hs1", "hs2", "hs3"]) world.addServer(n);
  const [a, b, c] = ["@a:hs1", "@b:hs2", "@c:hs3"].map((u) => world.addClient(u));
  world.sim.network.links.setGlobal({ loss: 0.05, duplication: 0.05, reorder: 0.1 });
  const roomId = a!.createRoom({ preset: "public_chat", roomVersion: "12" }).value();
  b!.join(roomId, ["hs1"]);
  c!.join(roomId, ["hs1"]);
  world.run(() => world.quiescent());
  world.sim.partition(["hs1"], ["hs2", "hs3"]);
  a!.setTopic(roomId, "one side");
  b!.sendMessage(roomId, "other side");
  world.sim.runFor(30_000);
  world.sim.repair();
  a!.sendMessage(roomId, "back");
  world.run(() => world.quiescent() && world.divergentServers(roomId).length === 0, {
    virtualTimeMsMax: world.sim.nowMs + 86_400_000,
  });
  return world;
}

describe("determinism", () => {
  it("node:crypto and the pure-JS backend produce the same trace, byte for byte", () => {
    const node = run(nodeCrypto, 21);
    const js = run(nobleCrypto, 21);
    expect(traceToJsonLines(js.trace.all())).toBe(traceToJsonLines(node.trace.all()));
    expect(traceHash(js.trace.all())).toBe(traceHash(node.trace.all()));
  });
});

describe("client errors", () => {
  it("are Matrix errors, never exceptions", () => {
    const world = new World({ seed: 1, crypto: nodeCrypto });
    world.addServer("hs1");
    const a = world.addClient("@a:hs1");
    const b = world.addClient("@b:hs1");
    const roomId = a.createRoom({ preset: "private_chat" }).value();
    expect(b.join(roomId).result).toMatchObject({ ok: false, error: { errcode: "M_FORBIDDEN", status: 403 } });
    expect(b.sendMessage("!nowhere:hs1", "x").result).toMatchObject({ ok: false, error: { errcode: "M_NOT_FOUND" } });
    expect(a.createRoom({ roomVersion: "99" }).result).toMatchObject({
      ok: false,
      error: { errcode: "M_UNSUPPORTED_ROOM_VERSION" },
    });
    expect(b.ban(roomId, "@a:hs1").result).toMatchObject({ ok: false, error: { errcode: "M_FORBIDDEN" } });
    expect(world.server("hs1").registerUser("a").ok).toBe(false);
    b.logout();
    expect(b.sendMessage(roomId, "x").result).toMatchObject({
      ok: false,
      error: { errcode: "M_UNKNOWN_TOKEN", status: 401 },
    });
    expect(b.sync().error?.errcode).toBe("M_UNKNOWN_TOKEN");
  });
});
