// The second half of `npm run demo`: three homeservers, one room, a netsplit and a heal.

import { stateKey } from "../core/index.ts";
import { runToConvergence, traceHash, World } from "../sim/index.ts";
import { nodeCrypto } from "./node-crypto.ts";

export function runNetsplitDemo(seed = 1): void {
  const world = new World({ seed, crypto: nodeCrypto });
  for (const name of ["hs1", "hs2", "hs3"]) world.addServer(name);
  const [alice, bob, carol] = ["@alice:hs1", "@bob:hs2", "@carol:hs3"].map((u) => world.addClient(u));
  const roomId = alice!.createRoom({ preset: "public_chat", name: "netsplit demo" }).value();
  for (const c of [bob!, carol!]) {
    c.join(roomId, ["hs1"]);
    world.run(() => world.quiescent());
  }
  alice!.setPowerLevel(roomId, "@carol:hs3", 50).value();
  world.run(() => world.quiescent());
  const topic = (hs: string) => {
    const room = world.server(hs).room(roomId)!;
    const id = room.currentState.get(stateKey("m.room.topic", ""));
    return id ? JSON.stringify(room.get(id)!.pdu.content.topic) : "(none)";
  };
  const show = (when: string) =>
    console.log(`${when.padEnd(28)} ${["hs1", "hs2", "hs3"].map((hs) => `${hs}: ${topic(hs)}`).join("   ")}`);

  console.log(`\nA netsplit: three servers, one room (${roomId}), seed ${seed}\n`);
  world.sim.partition(["hs1", "hs2"], ["hs3"]);
  alice!.setPowerLevel(roomId, "@carol:hs3", 0).value();
  alice!.setTopic(roomId, "majority topic").value();
  carol!.setTopic(roomId, "minority topic").value();
  world.sim.runFor(5_000);
  show("split hs1+hs2 | hs3:");
  world.sim.repair();
  alice!.sendMessage(roomId, "are we back?");
  const result = runToConvergence(world, roomId, 24 * 3600_000);
  show("healed, resolved:");
  const s = world.summary();
  console.log(
    `\nconverged: ${result.converged} after ${(result.virtualTimeToConvergeMs / 60_000).toFixed(1)} virtual minutes ` +
      `(federation senders retry a failed destination after a 10-minute backoff)`,
  );
  console.log(
    `PDUs sent ${s.pdusSent}, accepted ${s.pdus.accepted}, messages dropped by the partition ${s.network.dropped.partition}`,
  );
  console.log(`trace: ${world.trace.length} records, hash ${traceHash(world.trace.all(), nodeCrypto)}`);
  console.log("Carol's topic lost: Alice's demotion of Carol is a power event, applied first in state resolution.");
}
