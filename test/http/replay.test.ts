// A recorded session replays to the same trace hash without any client: the requests of
// two matrix-js-sdk users (chat, a partition, a heal), each applied at its recorded step
// and virtual time, rebuild the run record for record.

import { afterAll, describe, expect, it } from "vitest";
import { nodeCrypto } from "../../cli/node-crypto.ts";
import {
  EMPTY_SCENARIO,
  endLine,
  FrontEnd,
  headerLine,
  parseRecording,
  replayRecording,
  requestLine,
  servedWorld,
} from "../../http/index.ts";
import { bodies, eventually, serve, startUser, type Served } from "./harness.ts";

describe("recording and replay", () => {
  let served: Served | undefined;
  afterAll(async () => served?.close());

  it("replays a served session to the same trace hash, and a cut recording to another", async () => {
    served = await serve({ mode: "lockstep", seed: 5 });
    const alice = await startUser(served.url("hs1"), "alice");
    const bob = await startUser(served.url("hs2"), "bob");
    const { room_id: roomId } = await alice.createRoom({ name: "recorded" });
    await alice.invite(roomId, "@bob:hs2");
    await bob.joinRoom(roomId);
    await served.control("partition", { groups: [["hs1"], ["hs2"]] });
    await alice.sendTextMessage(roomId, "during the partition");
    await served.control("heal", {});
    await eventually("bob gets the message after the heal", () => bodies(bob, roomId).includes("during the partition"));
    alice.stopClient();
    bob.stopClient();
    await served.close();
    const world = served.frontEnd.world;
    const text =
      headerLine({ netsplit: "recording", version: 1, scenario: "empty", seed: 5, mode: "lockstep" }) +
      served.applied.map(requestLine).join("") +
      endLine({ step: world.sim.steps, atMs: world.sim.nowMs, traceHash: world.trace.hash() ?? null });
    const recording = parseRecording(text, "session.jsonl");
    expect(recording.requests.length).toBeGreaterThan(10);
    expect(world.trace.all().some((r) => r.kind === "client.action" && r.action === "http send m.room.message")).toBe(
      true,
    );

    const again = new FrontEnd(servedWorld(EMPTY_SCENARIO, 5, nodeCrypto));
    replayRecording(again, recording, "session.jsonl");
    expect(again.world.sim.steps).toBe(world.sim.steps);
    expect(again.world.trace.hash()).toBe(world.trace.hash());

    // Without its last requests (the heal among them) the replay stops elsewhere: the hash is no constant.
    const healAt = recording.requests.findIndex((r) => r.url.startsWith("/_netsplit/heal"));
    const cut = new FrontEnd(servedWorld(EMPTY_SCENARIO, 5, nodeCrypto));
    replayRecording(cut, { header: recording.header, requests: recording.requests.slice(0, healAt) }, "cut.jsonl");
    expect(cut.world.trace.hash()).not.toBe(world.trace.hash());
  });
});
