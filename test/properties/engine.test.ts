// Random client actions, partitions, repairs, crashes and restarts over 3–6 servers;
// after a final heal every run must converge and the checkers must pass.
// fast-check with a pinned seed: a failure prints the seed and the shrunk action list.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nodeCrypto } from "../../cli/node-crypto.ts";
import { checkAcyclic, checkAuthSafety, checkSignatureSafety } from "../../sim/checkers.ts";
import { World } from "../../sim/world.ts";

type Action =
  | { kind: "message"; server: number }
  | { kind: "topic"; server: number }
  | { kind: "promote"; server: number; target: number }
  | { kind: "partition"; cut: number[] }
  | { kind: "repair" }
  | { kind: "crash"; server: number }
  | { kind: "restart"; server: number }
  | { kind: "wait"; ms: number };

const action = (servers: number): fc.Arbitrary<Action> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant("message" as const), server: fc.nat(servers - 1) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("topic" as const), server: fc.nat(servers - 1) }) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant("promote" as const),
        server: fc.nat(servers - 1),
        target: fc.nat(servers - 1),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant("partition" as const),
        cut: fc.subarray([...Array(servers).keys()], { minLength: 1, maxLength: servers - 1 }),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("repair" as const) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("crash" as const), server: fc.nat(servers - 1) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("restart" as const), server: fc.nat(servers - 1) }) },
    {
      weight: 2,
      arbitrary: fc.record({ kind: fc.constant("wait" as const), ms: fc.integer({ min: 10, max: 120_000 }) }),
    },
  );

const scenario = fc.integer({ min: 3, max: 6 }).chain((servers) =>
  fc.record({
    servers: fc.constant(servers),
    seed: fc.nat(),
    roomVersion: fc.constantFrom("10", "11", "12"),
    actions: fc.array(action(servers), { maxLength: 25 }),
  }),
);

function runScenario(s: { servers: number; seed: number; roomVersion: string; actions: Action[] }) {
  const names = Array.from({ length: s.servers }, (_, i) => `hs${i + 1}`);
  const world = new World({ seed: s.seed, crypto: nodeCrypto, signing: s.seed % 10 === 0 });
  for (const n of names) world.addServer(n);
  const clients = names.map((n) => world.addClient(`@u:${n}`));
  const roomId = clients[0]!.createRoom({ preset: "public_chat", roomVersion: s.roomVersion }).value();
  for (const c of clients.slice(1)) {
    c.join(roomId, ["hs1"]);
    world.run(() => world.quiescent());
  }
  const crashed = new Set<number>();
  for (const a of s.actions) {
    switch (a.kind) {
      case "message":
        if (!crashed.has(a.server)) clients[a.server]!.sendMessage(roomId, `m${world.sim.nowMs}`);
        break;
      case "topic":
        if (!crashed.has(a.server)) clients[a.server]!.setTopic(roomId, `t${world.sim.nowMs}@${a.server}`);
        break;
      case "promote":
        if (!crashed.has(a.server)) clients[a.server]!.setPowerLevel(roomId, clients[a.target]!.userId, 50);
        break;
      case "partition":
        world.sim.partition(
          a.cut.map((i) => names[i]!),
          names.filter((_, i) => !a.cut.includes(i)),
        );
        break;
      case "repair":
        world.sim.repair();
        break;
      case "crash":
        if (!crashed.has(a.server)) world.crash(names[a.server]!);
        crashed.add(a.server);
        break;
      case "restart":
        if (crashed.delete(a.server)) world.restart(names[a.server]!);
        break;
      case "wait":
        world.sim.runFor(a.ms);
        break;
    }
  }
  // Heal: repair, restart, and let every server speak once so that senders wake up.
  world.sim.repair();
  for (const i of [...crashed].sort()) world.restart(names[i]!);
  for (const c of clients) c.sendMessage(roomId, "after the heal");
  const result = world.run(() => world.quiescent() && world.divergentServers(roomId).length === 0, {
    virtualTimeMsMax: world.sim.nowMs + 3 * 24 * 3600_000,
  });
  return { world, roomId, result };
}

describe("engine under random faults", () => {
  it("converges after a final heal, and no accepted event fails auth against its auth events", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { world, roomId, result } = runScenario(s);
        expect(result.reason, `did not converge: ${world.divergentServers(roomId).join(", ")}`).toBe("done");
        expect(checkAuthSafety(world)).toEqual([]);
        expect(checkSignatureSafety(world)).toEqual([]);
        expect(checkAcyclic(world)).toEqual([]);
      }),
      { seed: 424242, numRuns: 200 },
    );
  });
});
