// The chain cover behind AuthChainIndex (core/state-res/chain-cover.ts), seen through
// the index: which chain an event continues decides how many chains there are, and the
// index's size is about events × chains. Answers are checked against the definitions
// in auth-chain-index.test.ts; here we check the counts that keep the index linear.
import { describe, expect, it } from "vitest";
import type { EventId } from "../../../core/index.ts";
import { AuthChainIndex, parseRoomVersion } from "../../../core/index.ts";
import { generateForkedRoom, mulberry32 } from "../../../scenarios/generators/forked-room.ts";
import { ALICE, BOB, Dag } from "./dag.ts";

const ids = (...names: string[]) => names as EventId[];

function indexOf(dag: Dag, reachBlockLength?: number): AuthChainIndex {
  return new AuthChainIndex({
    roomVersion: dag.version,
    fetchEvent: dag.fetch,
    ...(reachBlockLength ? { reachBlockLength } : {}),
  });
}

/** Events that all share one state key, `links` giving each one's auth events. */
function sameKey(links: Record<string, string[]>): Dag {
  const dag = new Dag(parseRoomVersion("10"));
  for (const [id, auth] of Object.entries(links))
    dag.add({ id, type: "m.room.member", stateKey: ALICE, sender: ALICE, auth });
  return dag;
}

describe("chain cover", () => {
  it("a join-rules event continues the join-rules chain through its auth chain", () => {
    // The second join rules cite the PL event, not the first join rules; they reach them
    // through the PL event's sender's join.
    const dag = new Dag(parseRoomVersion("10"));
    dag.add({ id: "$00-create", type: "m.room.create", stateKey: "", sender: ALICE });
    dag.add({ id: "$01-jr", type: "m.room.join_rules", stateKey: "", sender: ALICE, auth: ["$00-create"] });
    dag.add({ id: "$02-bob", type: "m.room.member", stateKey: BOB, sender: BOB, auth: ["$00-create", "$01-jr"] });
    dag.add({ id: "$03-pl", type: "m.room.power_levels", stateKey: "", sender: BOB, auth: ["$00-create", "$02-bob"] });
    dag.add({ id: "$04-jr", type: "m.room.join_rules", stateKey: "", sender: ALICE, auth: ["$00-create", "$03-pl"] });
    const index = indexOf(dag);
    expect(index.authChain("$04-jr" as EventId)).toEqual(ids("$00-create", "$01-jr", "$02-bob", "$03-pl"));
    // create, join rules (both), Bob's membership, PL.
    expect(index.chainCount).toBe(4);
  });

  it("of several chains whose tips an event reaches, it continues the newest", () => {
    // $A and $B start chains; $C reaches both tips and takes $B's, which leaves $A's open
    // for $D: two chains. Taking $A's would leave $D a chain of its own.
    const index = indexOf(sameKey({ $A: [], $B: [], $C: ["$A", "$B"], $D: ["$A"] }));
    expect(index.authChain("$C" as EventId)).toEqual(ids("$A", "$B"));
    expect(index.authChain("$D" as EventId)).toEqual(ids("$A"));
    expect(index.chainCount).toBe(2);
  });

  it("stores reach right whether it sorts the chains an event touches or scans them all", () => {
    // 40 chains; $few touches 3 of them (sorted), $all every one (scanned), $mix merges
    // $few's stored reach with two chains of its own. Small reach blocks make runs share
    // a block, overflow into the next, or take a block of their own.
    const dag = new Dag(parseRoomVersion("10"));
    const singles = Array.from({ length: 40 }, (_, i) => `$s${String(i).padStart(2, "0")}`);
    for (const id of singles) dag.add({ id, type: "m.room.member", stateKey: id, sender: ALICE });
    dag.add({ id: "$few", type: "m.room.topic", stateKey: "", sender: ALICE, auth: ["$s30", "$s02", "$s17"] });
    dag.add({ id: "$all", type: "m.room.topic", stateKey: "", sender: ALICE, auth: singles });
    dag.add({ id: "$mix", type: "m.room.name", stateKey: "", sender: ALICE, auth: ["$s05", "$few"] });
    for (const reachBlockLength of [undefined, 5, 90, 100]) {
      const index = indexOf(dag, reachBlockLength);
      expect(index.authChain("$all" as EventId)).toEqual(singles);
      expect(index.authChain("$few" as EventId)).toEqual(ids("$s02", "$s17", "$s30"));
      expect(index.authChain("$mix" as EventId)).toEqual(ids("$few", "$s02", "$s05", "$s17", "$s30"));
      expect(index.reachEntryCount).toBe(40 + 3 + 5);
    }
  });

  it("does not grow with the room's join-rules history", () => {
    // Before chains followed auth chains, each join-rules event was a chain of its own
    // (447 chains here), and every later event held an entry for each.
    const room = generateForkedRoom({
      roomVersion: parseRoomVersion("11"),
      random: mulberry32(7),
      users: 8,
      historyEvents: 8_000,
      branches: 2,
      eventsPerBranch: 50,
    });
    const index = new AuthChainIndex({ roomVersion: parseRoomVersion("11"), fetchEvent: room.fetch });
    for (const set of room.stateSets) for (const id of set.values()) index.indexOf(id);
    let joinRules = 0;
    for (let i = 0; i < index.size; i++) if (room.fetch(index.idOf(i))!.type === "m.room.join_rules") joinRules++;
    expect(joinRules).toBeGreaterThan(400);
    expect(index.chainCount).toBeLessThan(joinRules / 4);
  });
});
