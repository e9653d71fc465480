import { describe, expect, it } from "vitest";
import {
  buildEvent,
  checkContentHash,
  computeContentHash,
  computeEventId,
  computeReferenceHash,
  computeRoomId,
  decodeBase64,
  parseRoomVersion,
  verifyEventSignature,
  type Pdu,
} from "../../core/index.ts";
import { BACKENDS } from "../backends.ts";

// Expected hashes and ids below were computed independently with Python's json and
// hashlib from the spec's definitions (canonical JSON = sort_keys, compact separators,
// ensure_ascii=False), not with netsplit.
const message = (depth: number): Pdu => ({
  room_id: "!room:hs1",
  sender: "@alice:hs1",
  origin_server_ts: 1700000000000,
  type: "m.room.message",
  content: { msgtype: "m.text", body: "héllo wörld ☃" },
  prev_events: ["$prev"],
  auth_events: ["$create", "$member", "$pl"],
  depth,
  hashes: { sha256: "placeholder" },
  signatures: { hs1: { "ed25519:k": "sig" } },
  unsigned: { age: 5 },
});

describe.each(BACKENDS.map((b) => [b.name, b] as const))("with %s", (_name, backend) => {
  it("content hash covers everything but unsigned, signatures and hashes", () => {
    expect(computeContentHash(message(7), backend)).toBe("ZLv0YO1o4wMOrotz4HEFooCOxv6tZYvvJ+Lql+FKQbM");
  });

  it("event ids: standard base64 in v3, URL-safe from v4", () => {
    expect(computeEventId(message(2), parseRoomVersion("3"), backend)).toBe(
      "$FZ2eNFSXJIQc16bVM6/fX6JrmqsqKPxdkoJO4bf21HU",
    );
    for (const v of ["4", "10", "11", "12"]) {
      expect(computeEventId(message(2), parseRoomVersion(v), backend)).toBe(
        "$FZ2eNFSXJIQc16bVM6_fX6JrmqsqKPxdkoJO4bf21HU",
      );
    }
    expect(computeReferenceHash(message(2), parseRoomVersion("11"), backend)).toBe(
      "FZ2eNFSXJIQc16bVM6/fX6JrmqsqKPxdkoJO4bf21HU",
    );
  });

  it("v12 room id is ! + the create event's reference hash", () => {
    const create: Pdu = {
      sender: "@alice:hs1",
      origin_server_ts: 1700000000000,
      type: "m.room.create",
      state_key: "",
      content: { room_version: "12", additional_creators: ["@bob:hs2"], "m.federate": true },
      prev_events: [],
      auth_events: [],
      depth: 1,
      hashes: { sha256: "x" },
      signatures: {},
    };
    expect(computeRoomId(create, parseRoomVersion("12"), backend)).toBe("!StFB7YMK0chyb5n_Nld_g1XmDjEDv93T6SPtfqrTQpU");
    expect(computeRoomId(create, undefined, backend)).toBe("!StFB7YMK0chyb5n_Nld_g1XmDjEDv93T6SPtfqrTQpU");
    expect(() => computeRoomId(create, parseRoomVersion("11"), backend)).toThrow(/does not derive room ids/);
  });
});

it("v1-v2 event ids come from the event_id field", () => {
  expect(computeEventId({ ...message(2), event_id: "$abc:hs1" }, parseRoomVersion("1"))).toBe("$abc:hs1");
  expect(() => computeEventId(message(2), parseRoomVersion("2"))).toThrow(/no event_id/);
});

it("a content-hash mismatch is detected, an unchanged event passes", () => {
  const pdu = { ...message(3), hashes: { sha256: computeContentHash(message(3)) } };
  expect(checkContentHash(pdu)).toBe(true);
  expect(checkContentHash({ ...pdu, content: { ...pdu.content, body: "changed" } })).toBe(false);
  expect(checkContentHash({ ...pdu, hashes: {} })).toBe(false);
  expect(checkContentHash({ ...pdu, hashes: { sha256: "!!" } })).toBe(false);
});

describe("buildEvent", () => {
  const seed = decodeBase64("YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1");
  const key = { serverName: "hs1", keyId: "ed25519:1", seed };
  const pub = BACKENDS[0]!.publicKey(seed);

  it("builds a v12 create event without room_id and derives the room id from it", () => {
    const built = buildEvent({
      roomVersion: parseRoomVersion("12"),
      sender: "@alice:hs1",
      type: "m.room.create",
      stateKey: "",
      content: { room_version: "12" },
      prevEvents: [],
      authEvents: [],
      originServerTs: 1000,
      key,
    });
    expect(built.pdu.room_id).toBeUndefined();
    expect(built.pdu.depth).toBe(1);
    expect(built.roomId).toBe(`!${built.eventId.slice(1)}`);
    expect(verifyEventSignature(built.pdu, parseRoomVersion("12"), "hs1", "ed25519:1", pub)).toBe(true);
    expect(checkContentHash(built.pdu)).toBe(true);
  });

  it("fills depth from the prev events and caps it at the version's maximum", () => {
    const base = {
      roomVersion: parseRoomVersion("11"),
      roomId: "!r:hs1",
      sender: "@alice:hs1",
      type: "m.room.message",
      content: { body: "x" },
      authEvents: ["$a"],
      originServerTs: 1000,
      key,
    };
    expect(
      buildEvent({
        ...base,
        prevEvents: [
          { eventId: "$p" as never, depth: 4 },
          { eventId: "$q" as never, depth: 9 },
        ],
      }).pdu.depth,
    ).toBe(10);
    const max = parseRoomVersion("11").depthMax;
    expect(buildEvent({ ...base, prevEvents: [{ eventId: "$p" as never, depth: max }] }).pdu.depth).toBe(max);
  });

  it("puts redacts at the top level before v11 and in content from v11", () => {
    const base = {
      roomId: "!r:hs1",
      sender: "@alice:hs1",
      type: "m.room.redaction",
      content: {},
      prevEvents: [],
      authEvents: [],
      originServerTs: 1,
      key,
      redacts: "$target",
    };
    const v10 = buildEvent({ ...base, roomVersion: parseRoomVersion("10") }).pdu;
    const v11 = buildEvent({ ...base, roomVersion: parseRoomVersion("11") }).pdu;
    expect([v10.redacts, v10.content.redacts]).toEqual(["$target", undefined]);
    expect([v11.redacts, v11.content.redacts]).toEqual([undefined, "$target"]);
  });

  it("gives v1-v2 events a deterministic $local:server id and pair references", () => {
    const input = {
      roomVersion: parseRoomVersion("1"),
      roomId: "!r:hs1",
      sender: "@alice:hs1",
      type: "m.room.message",
      content: { body: "x" },
      prevEvents: [{ eventId: "$p:hs1" as never, depth: 1 }],
      authEvents: ["$c:hs1"],
      originServerTs: 1,
      key,
    };
    const a = buildEvent(input);
    expect(a.eventId).toMatch(/^\$[A-Za-z0-9_-]{18}:hs1$/);
    expect(buildEvent(input).eventId).toBe(a.eventId);
    expect(a.pdu.prev_events).toEqual([["$p:hs1", {}]]);
    expect(a.pdu.event_id).toBe(a.eventId);
    expect(checkContentHash(a.pdu)).toBe(true);
  });

  it("refuses a sender from another server, and a missing room id", () => {
    const base = {
      roomVersion: parseRoomVersion("11"),
      sender: "@bob:hs2",
      type: "m.room.message",
      content: {},
      prevEvents: [],
      authEvents: [],
      originServerTs: 1,
      key,
    };
    expect(() => buildEvent({ ...base, roomId: "!r:hs1" })).toThrow(/does not belong/);
    expect(() => buildEvent({ ...base, sender: "@alice:hs1" })).toThrow(/roomId is required/);
  });
});
