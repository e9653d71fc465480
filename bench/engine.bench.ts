// Engine throughput: a 10-server room where every server's user talks; PDUs delivered
// and processed per wall-clock second with signing on and off, and the time compression
// (virtual seconds simulated per wall second).

import { nodeCrypto } from "../cli/node-crypto.ts";
import { World } from "../sim/index.ts";
import { formatRate, millisecondsFor } from "./clock.ts";

const SERVERS = 10;
const ROUNDS = 20;

function tenServerRoom(signing: boolean) {
  const world = new World({ seed: 1, crypto: nodeCrypto, signing });
  const names = Array.from({ length: SERVERS }, (_, i) => `hs${i + 1}`);
  for (const n of names) world.addServer(n);
  const clients = names.map((n) => world.addClient(`@user:${n}`));
  const roomId = clients[0]!.createRoom({ preset: "public_chat" }).value();
  for (const c of clients.slice(1)) {
    c.join(roomId, ["hs1"]);
    world.run(() => world.quiescent());
  }
  return { world, clients, roomId };
}

export function runEngineBench(): void {
  const rows: Array<Record<string, string>> = [];
  for (const signing of [true, false]) {
    let delivered = 0;
    let processed = 0;
    let virtualMs = 0;
    const ms = millisecondsFor(() => {
      const { world, clients, roomId } = tenServerRoom(signing);
      const start = { delivered: world.sim.network.stats.delivered, processed: world.trace.count("pdu.accepted"), at: world.sim.nowMs };
      for (let round = 0; round < ROUNDS; round++) {
        for (const c of clients) c.sendMessage(roomId, `round ${round}`);
        world.sim.runFor(200);
      }
      world.run(() => world.quiescent());
      delivered = world.sim.network.stats.delivered - start.delivered;
      processed = world.trace.count("pdu.accepted") - start.processed;
      virtualMs = world.sim.nowMs - start.at;
    }, 1);
    rows.push({
      signing: signing ? "on" : "off",
      "messages delivered/s": formatRate((delivered * 1000) / ms),
      "PDUs processed/s": formatRate((processed * 1000) / ms),
      "virtual s per wall s": (virtualMs / ms).toFixed(1),
      "wall ms (incl. room setup)": ms.toFixed(0),
    });
  }
  console.log(`${SERVERS} servers, one room, ${ROUNDS} rounds of one message per server`);
  console.table(rows);
}
