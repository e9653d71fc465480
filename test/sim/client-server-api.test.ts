// The server side of the Client-Server API called directly, as an HTTP front end would:
// a session from a token, then requests that answer with a value or a Matrix error.
import { describe, expect, it } from "vitest";
import { nodeCrypto } from "../../cli/node-crypto.ts";
import { parseUserId, type EventId } from "../../core/index.ts";
import * as api from "../../sim/homeserver/client-server-api.ts";
import type { Result } from "../../sim/matrix-error.ts";
import { World } from "../../sim/world.ts";

function setUp() {
  const world = new World({ seed: 1, crypto: nodeCrypto });
  const hs = world.addServer("hs1");
  const alice = parseUserId("@alice:hs1");
  expect(hs.registerUser("alice").ok).toBe(true);
  const token = hs.issueToken(alice);
  const session = api.authenticateUser(hs, token, alice);
  if (!session.ok) throw new Error("alice's own token must authenticate her");
  return { world, hs, alice, token, session: session.value };
}

describe("client-server-api", () => {
  it("authenticates a user's token for that user only, and not after logout", () => {
    const { hs, alice, token } = setUp();
    expect(api.authenticateUser(hs, token, parseUserId("@bob:hs1"))).toMatchObject({
      ok: false,
      error: { errcode: "M_UNKNOWN_TOKEN", status: 401 },
    });
    api.logout(hs, token);
    expect(api.authenticateUser(hs, token, alice)).toMatchObject({ ok: false, error: { errcode: "M_UNKNOWN_TOKEN" } });
  });

  it("refuses an as_token no service holds", () => {
    const { hs, alice } = setUp();
    expect(api.authenticateService(hs, "not-a-service-token", alice)).toMatchObject({
      ok: false,
      error: { errcode: "M_UNKNOWN_TOKEN" },
    });
  });

  it("createRoom: initial_state takes precedence over the preset, which then sends no event of that type (Synapse)", () => {
    const { hs, session } = setUp();
    const created = api.createRoom(hs, session, {
      preset: "private_chat",
      initialState: [{ type: "m.room.join_rules", content: { join_rule: "public" } }],
    });
    if (!created.ok) throw new Error(created.error.error);
    const events = [...hs.room(created.value)!.events.values()];
    expect(events.filter((e) => e.pdu.type === "m.room.join_rules").map((e) => e.pdu.content)).toEqual([
      { join_rule: "public" },
    ]);
    // The preset's other events are still sent.
    expect(events.filter((e) => e.pdu.type === "m.room.history_visibility")).toHaveLength(1);
  });

  it("creates a room, sends state into it and reads it back", () => {
    const { hs, session } = setUp();
    const created = api.createRoom(hs, session, { preset: "private_chat" });
    if (!created.ok) throw new Error(created.error.error);
    const sent = api.sendEvent(hs, session, {
      roomId: created.value,
      type: "m.room.topic",
      stateKey: "",
      content: { topic: "hello" },
    });
    expect(sent.ok).toBe(true);
    expect(api.stateContent(hs, session, created.value, "m.room.topic", "")).toEqual({
      ok: true,
      value: { topic: "hello" },
    });
    expect(api.stateContent(hs, session, created.value, "m.room.name", "")).toEqual({ ok: true, value: undefined });
    expect(api.stateContent(hs, session, "!elsewhere:hs1", "m.room.topic", "")).toMatchObject({
      ok: false,
      error: { errcode: "M_NOT_FOUND" },
    });
  });

  it("answers a malformed id with M_INVALID_PARAM (ids are parsed at the boundary)", () => {
    const { hs, session } = setUp();
    const created = api.createRoom(hs, session, {});
    if (!created.ok) throw new Error(created.error.error);
    const answers: Array<Result<EventId>> = [];
    api.join(hs, session, "no-sigil", [], (r) => answers.push(r));
    api.invite(hs, session, created.value, "bob", (r) => answers.push(r));
    expect(answers.map((r) => (r.ok ? "ok" : r.error.errcode))).toEqual(["M_INVALID_PARAM", "M_INVALID_PARAM"]);
  });

  it("gives a sync of the joined room with the user's events", () => {
    const { hs, session } = setUp();
    const created = api.createRoom(hs, session, { name: "lobby" });
    if (!created.ok) throw new Error(created.error.error);
    const sync = api.sync(hs, session, 0, { quiet: true });
    expect(Object.keys(sync.join)).toEqual([created.value]);
    expect(sync.join[created.value]!.timeline.map((e) => e.type)).toContain("m.room.name");
    expect(sync.nextBatch).toBe(hs.streamPosition);
  });
});
