// Knocking and rejecting a remote invite over HTTP (issue 14, item 11): POST /knock across
// servers puts the room under sync's `knock` with its knock_state; POST /rooms/{r}/leave
// on an invite from another server rejects it over federation and shows it under `leave`.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rawClient, serve, type LooseJson as Json, type Served } from "./harness.ts";

describe("knock and invite rejection over HTTP", () => {
  let served: Served;
  const home: Record<string, string> = { alice: "hs1", bob: "hs2" };

  const raw = rawClient((user) => served.url(home[user]!));
  const call = raw.call;

  beforeAll(async () => {
    served = await serve({ mode: "lockstep" });
    for (const name of ["alice", "bob"]) await raw.register(name);
  });
  afterAll(async () => served?.close());

  it("POST /knock: the room is under rooms.knock with the stripped state the resident answered", async () => {
    const { room_id: roomId } = await call("alice", "POST", "/createRoom", {
      name: "knock here",
      initial_state: [{ type: "m.room.join_rules", state_key: "", content: { join_rule: "knock" } }],
    });
    const knocked = await call("bob", "POST", `/knock/${encodeURIComponent(roomId)}?via=hs1`, { reason: "hi" });
    expect(knocked).toEqual({ room_id: roomId });
    const sync = await call("bob", "GET", "/sync");
    const events = sync.rooms.knock[roomId].knock_state.events as Json[];
    expect(events.find((e) => e.type === "m.room.name")?.content).toEqual({ name: "knock here" });
    expect(events.find((e) => e.type === "m.room.member")).toMatchObject({
      state_key: "@bob:hs2",
      content: { membership: "knock", reason: "hi" },
    });
  });

  it("POST /rooms/{r}/leave on a remote invite rejects it; the room moves from invite to leave", async () => {
    const { room_id: roomId } = await call("alice", "POST", "/createRoom", { invite: ["@bob:hs2"] });
    const invited = await call("bob", "GET", "/sync");
    expect(Object.keys(invited.rooms.invite)).toContain(roomId);
    expect(await call("bob", "POST", `/rooms/${encodeURIComponent(roomId)}/leave`, {})).toEqual({});
    const after = await call("bob", "GET", `/sync?since=${invited.next_batch}`);
    expect(after.rooms.invite[roomId]).toBeUndefined();
    expect((after.rooms.leave[roomId].timeline.events as Json[]).at(-1)).toMatchObject({
      type: "m.room.member",
      state_key: "@bob:hs2",
      content: { membership: "leave" },
    });
    const members = await call(
      "alice",
      "GET",
      `/rooms/${encodeURIComponent(roomId)}/state/m.room.member/${encodeURIComponent("@bob:hs2")}`,
    );
    expect(members).toEqual({ membership: "leave" });
  });
});
