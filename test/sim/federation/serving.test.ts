// What a server answers other servers (issue 14, item 7): server ACLs on every room
// request and per PDU in /send, room requests from residents only, history visibility,
// get_missing_events capped at 20, and GET /v1/state. netsplit 0.1 answered everything.
import { describe, expect, it } from "vitest";
import type { EventId, Pdu, RoomId } from "../../../core/index.ts";
import { globMatches, hostWithoutPort, serverMatchesAcl } from "../../../sim/homeserver/server-acl.ts";
import { ask, deliver, presetWorld, settle, type PresetName } from "./helpers.ts";

const FED = "/_matrix/federation/v1";

describe("server ACL rules (spec: m.room.server_acl)", () => {
  it("globs match the whole host, case-insensitively, * any run and ? one character", () => {
    expect(globMatches("*.evil.com", "a.b.EVIL.com")).toBe(true);
    expect(globMatches("*.evil.com", "evil.com")).toBe(false);
    expect(globMatches("hs?", "hs3")).toBe(true);
    expect(globMatches("hs?", "hs10")).toBe(false);
    expect(globMatches("a.b", "axb")).toBe(false);
  });

  it("ports are not considered; IPv6 literals keep their brackets", () => {
    expect(hostWithoutPort("evil.com:8448")).toBe("evil.com");
    expect(hostWithoutPort("[::1]:8448")).toBe("[::1]");
  });

  it("deny before allow, nothing allowed without an allow list, IP literals only when allowed", () => {
    expect(serverMatchesAcl({ allow: ["*"], deny: ["evil.com"] }, "evil.com:1234")).toBe(false);
    expect(serverMatchesAcl({ allow: ["*"], deny: ["evil.com"] }, "good.org")).toBe(true);
    expect(serverMatchesAcl({ deny: ["evil.com"] }, "good.org")).toBe(false);
    expect(serverMatchesAcl({ allow: ["*"], allow_ip_literals: false }, "1.2.3.4")).toBe(false);
    expect(serverMatchesAcl({ allow: ["*"], allow_ip_literals: false }, "[::1]:8448")).toBe(false);
    expect(serverMatchesAcl({ allow: ["*"] }, "1.2.3.4")).toBe(true);
    expect(serverMatchesAcl({ allow: ["*", 7], deny: [null] }, "x.org")).toBe(true);
  });
});

/** hs1 (Alice) and hs2 (Bob) in a room of 40 messages with the given history visibility; hs3 (Carol) outside it. */
function room(preset: PresetName, visibility = "shared") {
  const world = presetWorld(preset, ["hs1", "hs2", "hs3"]);
  const alice = world.addClient("@alice:hs1");
  const roomId = alice.createRoom({ preset: "public_chat" }).value() as RoomId;
  alice.setState(roomId, "m.room.history_visibility", "", { history_visibility: visibility });
  world.addClient("@bob:hs2").join(roomId, ["hs1"]);
  settle(world);
  const messages: EventId[] = [];
  for (let i = 0; i < 40; i++) messages.push(alice.sendMessage(roomId, `message #${i}`).value() as EventId);
  settle(world);
  return { world, alice, roomId, messages };
}

const roomRequests = (
  roomId: RoomId,
  at: EventId,
): Array<{
  method: "GET" | "POST";
  path: string;
  body?: { earliest_events: EventId[]; latest_events: EventId[]; limit: number };
}> => [
  { method: "GET", path: `${FED}/state_ids/${roomId}?event_id=${encodeURIComponent(at)}` },
  { method: "GET", path: `${FED}/state/${roomId}?event_id=${encodeURIComponent(at)}` },
  { method: "GET", path: `${FED}/event/${encodeURIComponent(at)}` },
  { method: "GET", path: `${FED}/event_auth/${roomId}/${encodeURIComponent(at)}` },
  { method: "GET", path: `${FED}/backfill/${roomId}?v=${encodeURIComponent(at)}&limit=5` },
  {
    method: "POST",
    path: `${FED}/get_missing_events/${roomId}`,
    body: { earliest_events: [], latest_events: [at], limit: 5 },
  },
];

describe("serving other servers", () => {
  it("as Synapse: a server outside the room gets 403 M_FORBIDDEN for its state, events, auth chains, history", () => {
    const { world, roomId, messages } = room("synapse");
    for (const request of roomRequests(roomId, messages[39]!)) {
      const answer = ask(world, "hs3", "hs1", request);
      expect([request.path, answer.status, answer.body.errcode]).toEqual([request.path, 403, "M_FORBIDDEN"]);
    }
    // A resident is answered.
    for (const request of roomRequests(roomId, messages[39]!))
      expect([request.path, ask(world, "hs2", "hs1", request).status]).toEqual([request.path, 200]);
  });

  it("netsplit 0.1 answered a server outside the room", () => {
    const { world, roomId, messages } = room("netsplit-0.1");
    for (const request of roomRequests(roomId, messages[39]!))
      expect([request.path, ask(world, "hs3", "hs1", request).status]).toEqual([request.path, 200]);
  });

  /** Carol (hs3) joins, then Alice denies hs3 by ACL. */
  function denied(preset: PresetName) {
    const r = room(preset);
    const carol = r.world.addClient("@carol:hs3");
    carol.join(r.roomId, ["hs1"]);
    settle(r.world);
    r.alice.setState(r.roomId, "m.room.server_acl", "", { allow: ["*"], deny: ["hs3"] });
    settle(r.world);
    const tip = r.world.server("hs3").room(r.roomId)!.extremityIds();
    return { ...r, tip: tip[0]! };
  }

  it("as Synapse: a server the ACL denies gets 403 for room requests and its PDUs in /send are refused", () => {
    const { world, roomId, tip } = denied("synapse");
    const answer = ask(world, "hs3", "hs1", roomRequests(roomId, tip)[0]!);
    expect([answer.status, answer.body.errcode, answer.body.error]).toEqual([
      403,
      "M_FORBIDDEN",
      "server is banned from the room",
    ]);
    const makeJoin = ask(world, "hs3", "hs1", { method: "GET", path: `${FED}/make_join/${roomId}/@dan:hs3` });
    expect(makeJoin.status).toBe(403);
    const hs3Room = world.server("hs3").room(roomId)!;
    const pushed = world.client("@carol:hs3").sendMessage(roomId, "am I heard?").value() as EventId;
    const result = deliver(world, "hs3", "hs1", [hs3Room.get(pushed)!.pdu]);
    expect(result[pushed]).toEqual({ error: "M_FORBIDDEN: server is banned from the room" });
    expect(world.server("hs1").room(roomId)!.has(pushed)).toBe(false);
  });

  it("netsplit 0.1 ignored the ACL", () => {
    const { world, roomId, tip } = denied("netsplit-0.1");
    expect(ask(world, "hs3", "hs1", roomRequests(roomId, tip)[0]!).status).toBe(200);
    const pushed = world.client("@carol:hs3").sendMessage(roomId, "am I heard?").value() as EventId;
    settle(world);
    expect(world.server("hs1").room(roomId)!.get(pushed)?.status).toBe("accepted");
  });

  const missingEvents = (preset: PresetName) => {
    const { world, roomId, messages } = room(preset);
    const body = { earliest_events: [], latest_events: [messages[39]!], limit: 30 };
    const answer = ask(world, "hs2", "hs1", { method: "POST", path: `${FED}/get_missing_events/${roomId}`, body });
    return answer.body.events as unknown[];
  };

  it("as Synapse: get_missing_events answers at most 20 events", () => {
    expect(missingEvents("synapse")).toHaveLength(20);
  });

  it("netsplit 0.1 answered as many as asked (up to 100)", () => {
    expect(missingEvents("netsplit-0.1")).toHaveLength(30);
  });

  /** A room with history visibility "joined": Carol's server joins after the 40 messages and asks for the first. */
  const firstMessageAsCarolsServerSeesIt = (preset: PresetName) => {
    const { world, roomId, messages } = room(preset, "joined");
    world.addClient("@carol:hs3").join(roomId, ["hs1"]);
    settle(world);
    const answer = ask(world, "hs3", "hs1", {
      method: "GET",
      path: `${FED}/event/${encodeURIComponent(messages[0]!)}`,
    });
    return (answer.body.pdus as Pdu[])[0]!.content;
  };

  it("as Synapse: an event from before the server's users joined, in a 'joined' room, comes redacted", () => {
    expect(firstMessageAsCarolsServerSeesIt("synapse")).toEqual({});
  });

  it("netsplit 0.1 served it whole", () => {
    expect(firstMessageAsCarolsServerSeesIt("netsplit-0.1")).toEqual({ body: "message #0", msgtype: "m.text" });
  });

  it("GET /v1/state: the state before the event and its auth chain, as whole events", () => {
    const { world, roomId, messages } = room("synapse");
    const at = messages[10]!;
    const ids = ask(world, "hs2", "hs1", roomRequests(roomId, at)[0]!).body;
    const whole = ask(world, "hs2", "hs1", roomRequests(roomId, at)[1]!).body;
    const idsOf = (pdus: unknown) =>
      (pdus as Pdu[]).map(
        (p) =>
          world
            .server("hs1")
            .room(roomId)!
            .inStreamOrder()
            .find((e) => e.pdu === p)?.id,
      );
    expect(idsOf(whole.pdus)).toEqual(ids.pdu_ids);
    expect(idsOf(whole.auth_chain)).toEqual(ids.auth_chain_ids);
  });
});
