// Knocking and rejecting a remote invite over HTTP (issue 14, item 11): POST /knock across
// servers puts the room under sync's `knock` with its knock_state; POST /rooms/{r}/leave
// on an invite from another server rejects it over federation and shows it under `leave`.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serve, type Served } from "./harness.ts";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- sync bodies are read field by field

describe("knock and invite rejection over HTTP", () => {
  let served: Served;
  const tokens: Record<string, string> = {};
  const home: Record<string, string> = { alice: "hs1", bob: "hs2" };

  async function call(user: string, method: string, path: string, body?: unknown): Promise<Json> {
    const r = await fetch(`${served.url(home[user]!)}/_matrix/client/v3${path}`, {
      method,
      headers: { Authorization: `Bearer ${tokens[user]}` },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return (await r.json()) as Json;
  }

  beforeAll(async () => {
    served = await serve({ mode: "lockstep" });
    for (const name of ["alice", "bob"]) {
      const r = await fetch(`${served.url(home[name]!)}/_matrix/client/v3/register`, {
        method: "POST",
        body: JSON.stringify({ username: name, password: "pw", auth: { type: "m.login.dummy" } }),
      });
      tokens[name] = String(((await r.json()) as Json).access_token);
    }
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
