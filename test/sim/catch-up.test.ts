// Issue 14, item 5: Synapse's catch-up goes room by room, one room per transaction, and
// sends the room's forward extremities newer than the destination's last successful
// transaction that it may see; netsplit 0.1 sent every extremity of every owed room at once.
import { describe, expect, it } from "vitest";
import { nodeCrypto } from "../../cli/node-crypto.ts";
import { eventVisibleToServer } from "../../sim/homeserver/server-visibility.ts";
import {
  DEFAULT_FEDERATION_PARAMS,
  NETSPLIT_0_1_FEDERATION_PARAMS,
  type FederationParams,
} from "../../sim/homeserver/federation-params.ts";
import type { TraceRecord } from "../../sim/trace.ts";
import { World } from "../../sim/world.ts";

function twoRooms(params: FederationParams) {
  const world = new World({ seed: 3, crypto: nodeCrypto });
  for (const name of ["hs1", "hs2"]) world.addServer(name, { params });
  const alice = world.addClient("@alice:hs1");
  const bob = world.addClient("@bob:hs2");
  const rooms = ["A", "B"].map((name) => alice.createRoom({ preset: "public_chat", name }).value());
  for (const r of rooms) bob.join(r, ["hs1"]);
  world.run(() => world.quiescent());
  return { world, alice, bob, rooms };
}

const catchUpTxns = (world: World) =>
  world.trace
    .all()
    .filter(
      (r): r is Extract<TraceRecord, { kind: "fed.txn.sent" }> =>
        r.kind === "fed.txn.sent" && r.server === "hs1" && r.catchUp,
    );

function splitLongThenHeal(params: FederationParams) {
  const t = twoRooms(params);
  const { world, alice, rooms } = t;
  world.sim.partition(["hs1"], ["hs2"]);
  const sent: string[][] = [[], []];
  for (let i = 0; i < 4; i++) rooms.forEach((r, k) => sent[k]!.push(alice.sendMessage(r, `room ${k} #${i}`).value()));
  // Until hs1 has backed off past an hour and switched hs2 to catch-up.
  world.run(() => world.server("hs1").federationSender.stateOf("hs2") === "catchingUp", {
    virtualTimeMsMax: 12 * 3600_000,
  });
  expect(world.server("hs1").federationSender.stateOf("hs2")).toBe("catchingUp");
  world.sim.repair();
  world.run(() => world.quiescent() && world.divergentServers(rooms[1]!).length === 0, {
    virtualTimeMsMax: world.sim.nowMs + 24 * 3600_000,
  });
  return { ...t, sent };
}

describe("catch-up (issue 14, item 5)", () => {
  it("Synapse: one room per transaction, only each room's newest extremity, and the rooms converge", () => {
    const { world, rooms, sent } = splitLongThenHeal(DEFAULT_FEDERATION_PARAMS);
    const txns = catchUpTxns(world).filter(
      (t) => !world.trace.all().some((r) => r.kind === "fed.txn.failed" && r.txnId === t.txnId),
    );
    expect(txns.map((t) => t.pdus)).toEqual([[sent[0]!.at(-1)], [sent[1]!.at(-1)]]);
    for (const r of rooms) expect(world.divergentServers(r)).toEqual([]);
  });

  it("netsplit 0.1: every extremity of every owed room in one transaction", () => {
    const { world, sent } = splitLongThenHeal(NETSPLIT_0_1_FEDERATION_PARAMS);
    const txns = catchUpTxns(world);
    expect(txns.at(-1)!.pdus.slice().sort()).toEqual([sent[0]!.at(-1)!, sent[1]!.at(-1)!].sort());
  });
});

describe("which events a server may see (filter_events_for_server)", () => {
  it("with 'joined' history, events after a server's last member left are hidden from it; 'shared' shows all", () => {
    const { world, alice, bob, rooms } = twoRooms(DEFAULT_FEDERATION_PARAMS);
    const [roomA] = rooms;
    alice.setState(roomA!, "m.room.history_visibility", "", { history_visibility: "joined" }).value();
    const seen = alice.sendMessage(roomA!, "bob is here").value();
    world.run(() => world.quiescent());
    bob.leave(roomA!).value();
    world.run(() => world.quiescent());
    const hidden = alice.sendMessage(roomA!, "bob has gone").value();
    world.run(() => world.quiescent());
    const room = world.server("hs1").room(roomA!)!;
    expect(eventVisibleToServer(room, seen, "hs2")).toBe(true);
    expect(eventVisibleToServer(room, hidden, "hs2")).toBe(false);
    expect(eventVisibleToServer(room, hidden, "hs1")).toBe(true);
    alice.setState(roomA!, "m.room.history_visibility", "", { history_visibility: "shared" }).value();
    const shared = alice.sendMessage(roomA!, "anyone may read this").value();
    expect(eventVisibleToServer(room, shared, "hs2")).toBe(true);
  });
});
