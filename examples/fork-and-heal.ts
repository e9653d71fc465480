// netsplit as a library: three homeservers share a room, the network splits, each side
// changes the topic, and the room forks; the network heals, state resolution runs on
// every server, and they agree again. Run it with `npx tsx examples/fork-and-heal.ts`;
// test/examples/fork-and-heal.test.ts runs it too, so that it keeps working.
//
// Everything here goes through the simulated Client-Server API (`Client`) and the
// network's fault verbs (`world.sim`), the same calls a scenario's timeline makes.

import { World, type Client } from "../sim/index.ts";

const SERVERS = ["hs1", "hs2", "hs3"];

/** The room's topic as each client sees it (an initial sync: the state after the timeline, whose events hold the content). */
function topics(clients: readonly Client[], roomId: string): string {
  return clients
    .map((client) => {
      const room = client.sync(0, { quiet: true }).join[roomId]!;
      const topicId = room.stateAfter["m.room.topic"]?.[""];
      const topic = room.timeline.find((e) => e.eventId === topicId)?.content.topic;
      return `${client.hs.name}: ${JSON.stringify(topic ?? null)}`;
    })
    .join(", ");
}

/** One line: each server's topic, and the servers whose whole state of the room differs from hs1's. */
function show(label: string, world: World, clients: readonly Client[], roomId: string): void {
  const differ = world.divergentServers(roomId);
  console.log(`${label.padEnd(7)} ${topics(clients, roomId)}  (state differs on: ${differ.join(", ") || "none"})`);
}

const world = new World({ seed: 42 });
for (const name of SERVERS) world.addServer(name);
const alice = world.addClient("@alice:hs1");
const bob = world.addClient("@bob:hs2");
const carol = world.addClient("@carol:hs3");

// Alice creates a public room on hs1; Bob and Carol join it over federation, and Alice
// makes Carol a moderator (50: enough to set the topic).
const roomId = alice.createRoom({ preset: "public_chat" }).value();
bob.join(roomId, ["hs1"]);
carol.join(roomId, ["hs1"]);
world.run(() => world.quiescent());
alice.setPowerLevel(roomId, "@carol:hs3", 50);
world.run(() => world.quiescent());

// hs3 is cut off from hs1 and hs2; both sides change the topic, and neither hears the other.
world.sim.partition(["hs1", "hs2"], ["hs3"]);
alice.setTopic(roomId, "ours");
world.sim.runFor(1_000);
carol.setTopic(roomId, "theirs");
world.sim.runFor(60_000);
show("forked", world, [alice, bob, carol], roomId);

// The network heals. The federation senders retry after their backoff, each server
// receives the other side's topic, and state resolution picks the same one everywhere:
// both topics cite the same power levels, so the later origin_server_ts wins.
world.sim.repair();
world.run(() => world.quiescent() && world.divergentServers(roomId).length === 0);
show("healed", world, [alice, bob, carol], roomId);
console.log(`(virtual time: ${(world.sim.nowMs / 60_000).toFixed(1)} minutes)`);
