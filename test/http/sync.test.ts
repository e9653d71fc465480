// /sync over a real socket, field by field: opaque tokens, stripped invite_state, a
// long-poll that returns when something happens, state as a difference from what the
// client holds (with use_state_after), and a room left since the token.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rawClient, serve, type LooseJson as Json, type Served } from "./harness.ts";

describe("/sync", () => {
  let served: Served;
  let base: string;

  const raw = rawClient(() => base);
  const call = raw.call;

  beforeAll(async () => {
    served = await serve({ mode: "lockstep" });
    base = served.url("hs1");
    for (const name of ["alice", "carol"]) await raw.register(name);
  });
  afterAll(async () => served?.close());

  it("shows an invite with its stripped state, a join's state diff, a long-poll woken by a message, and a leave", async () => {
    const first = await call("carol", "GET", "/sync?use_state_after=true");
    expect(typeof first.next_batch).toBe("string");
    const { room_id: roomId } = await call("alice", "POST", "/createRoom", { name: "synced", invite: ["@carol:hs1"] });

    const invited = await call("carol", "GET", `/sync?use_state_after=true&since=${first.next_batch}`);
    const inviteState = invited.rooms.invite[roomId].invite_state.events as Json[];
    expect(inviteState.map((e) => e.type)).toEqual(
      expect.arrayContaining(["m.room.create", "m.room.join_rules", "m.room.name", "m.room.member"]),
    );
    expect(inviteState.find((e) => e.type === "m.room.member")).toMatchObject({
      state_key: "@carol:hs1",
      content: { membership: "invite" },
    });

    await call("carol", "POST", `/join/${encodeURIComponent(roomId)}`, {});
    const joined = await call("carol", "GET", `/sync?use_state_after=true&since=${invited.next_batch}`);
    const room = joined.rooms.join[roomId];
    const stateAfter = room.state_after.events as Json[];
    expect(stateAfter.find((e) => e.type === "m.room.name")?.content).toEqual({ name: "synced" });
    expect(room.state.events).toEqual([]);
    expect(typeof room.timeline.prev_batch).toBe("string");

    // Nothing new: the long-poll waits until Alice speaks.
    const polled = call("carol", "GET", `/sync?use_state_after=true&timeout=30000&since=${joined.next_batch}`);
    await new Promise((r) => setTimeout(r, 100));
    await call("alice", "PUT", `/rooms/${encodeURIComponent(roomId)}/send/m.room.message/1`, {
      msgtype: "m.text",
      body: "wake up",
    });
    const woken = await polled;
    const again = woken.rooms.join[roomId];
    expect((again.timeline.events as Json[]).map((e) => e.content.body)).toEqual(["wake up"]);
    // The state did not change since the token: no state is sent again.
    expect(again.state_after.events).toEqual([]);

    await call("alice", "POST", `/rooms/${encodeURIComponent(roomId)}/kick`, { user_id: "@carol:hs1" });
    const kicked = await call("carol", "GET", `/sync?use_state_after=true&since=${woken.next_batch}`);
    expect(Object.keys(kicked.rooms.join)).toEqual([]);
    const left = kicked.rooms.leave[roomId].timeline.events as Json[];
    expect(left.at(-1)).toMatchObject({
      type: "m.room.member",
      state_key: "@carol:hs1",
      content: { membership: "leave" },
    });
  });

  it("answers an empty long-poll when its timeout passes, with a token that works", async () => {
    const start = await call("alice", "GET", "/sync");
    const empty = await call("alice", "GET", `/sync?timeout=50&since=${start.next_batch}`);
    expect(empty.rooms).toEqual({ join: {}, invite: {}, leave: {}, knock: {} });
    expect(empty.next_batch).not.toBe(start.next_batch);
  });
});
