// Backfill (issue 14, item 10): Synapse asks for 100 events from the servers that have
// been in the room longest, and stores what comes back with its state, promoting events
// it held as outliers; netsplit 0.1 asked for the page size from servers in name order
// and kept the history as outliers.
import { describe, expect, it } from "vitest";
import type { RoomId } from "../../../core/index.ts";
import { presetWorld, requestsFrom, settle, type PresetName } from "./helpers.ts";

/**
 * zz (Alice) creates the room, aa (Bob) joins: zz has been in it longest though aa comes
 * first by name. After 30 messages Carol joins from mm and pages back through 40 events.
 */
function lateJoiner(preset: PresetName) {
  const world = presetWorld(preset, ["aa", "mm", "zz"]);
  const alice = world.addClient("@alice:zz");
  const roomId = alice.createRoom({ preset: "public_chat" }).value() as RoomId;
  world.addClient("@bob:aa").join(roomId, ["zz"]);
  settle(world);
  for (let i = 0; i < 30; i++) alice.sendMessage(roomId, `early #${i}`);
  settle(world);
  const carol = world.addClient("@carol:mm");
  carol.join(roomId, ["zz"]);
  settle(world);
  const room = world.server("mm").room(roomId)!;
  const before = {
    outliers: room
      .inStreamOrder()
      .filter((e) => e.status === "outlier")
      .map((e) => e.id),
    extremities: room.extremityIds(),
    current: room.currentState,
    synced: carol.sync().join[roomId]!.timeline.length,
  };
  const history = carol.messages(roomId, 40);
  settle(world);
  const backfills = requestsFrom(world, "mm").filter((p) => p.includes("/federation/v1/backfill/"));
  return { world, room, roomId, before, history: history.value(), backfills, carol };
}

describe("backfill", () => {
  it("as Synapse: 100 events from the server longest in the room, stored with state, outliers promoted", () => {
    const { world, room, before, history, backfills } = lateJoiner("synapse");
    expect(history.map((e) => e.content.body)).toContain("early #0");
    expect(backfills).toHaveLength(1);
    expect(backfills[0]).toMatch(/limit=100$/);
    const asked = world.trace.all().find((r) => r.kind === "rpc.request" && r.path === backfills[0]);
    expect(asked).toMatchObject({ to: "zz" });
    const early = room.inStreamOrder().filter((e) => e.pdu.content.body === "early #0");
    expect(early.map((e) => [e.status, e.backfilled, e.stateBefore !== undefined])).toEqual([["accepted", true, true]]);
    // The outliers the join brought (its state and auth chain) are in the history now: promoted.
    expect(before.outliers.length).toBeGreaterThan(0);
    expect(before.outliers.map((id) => room.get(id)!.status)).not.toContain("outlier");
  });

  it("as Synapse: history moves neither the forward extremities nor the current state, nor comes down /sync", () => {
    const { room, roomId, before, carol } = lateJoiner("synapse");
    expect(room.extremityIds()).toEqual(before.extremities);
    expect(room.currentState).toBe(before.current);
    const timeline = carol.sync().join[roomId]!.timeline;
    expect(timeline.some((e) => String(e.content.body).startsWith("early"))).toBe(false);
    expect(timeline).toHaveLength(before.synced);
  });

  it("netsplit 0.1 asked for the page size from the first server by name and kept outliers", () => {
    const { world, room, before, history, backfills } = lateJoiner("netsplit-0.1");
    expect(history.map((e) => e.content.body)).toContain("early #0");
    expect(backfills[0]).toMatch(/limit=40$/);
    expect(world.trace.all().find((r) => r.kind === "rpc.request" && r.path === backfills[0])).toMatchObject({
      to: "aa",
    });
    const early = room.inStreamOrder().filter((e) => e.pdu.content.body === "early #0");
    expect(early.map((e) => e.status)).toEqual(["outlier"]);
    expect(before.outliers.map((id) => room.get(id)!.status)).toContain("outlier");
  });
});
