import { describe, expect, it } from "vitest";
import { parseRoomVersion, redactEvent, type Pdu } from "../../core/index.ts";
import { redactedView } from "../../core/redaction.ts";

// Expected key lists from the spec's redaction fragments (matrix-org/matrix-spec
// content/rooms/fragments/v1-redactions.md, v6-, v9-, v11-redactions.md, rooms/v8.md),
// as tabulated in shared/spec/README.md §2.6.

const TOP = [
  "auth_events",
  "content",
  "depth",
  "event_id",
  "hashes",
  "origin_server_ts",
  "prev_events",
  "room_id",
  "sender",
  "signatures",
  "state_key",
  "type",
];
const TOP_PRE_V11 = [...TOP, "membership", "origin", "prev_state"].sort();

function kitchenSink(type: string, content: Record<string, unknown>): Pdu {
  return {
    event_id: "$e:hs",
    type,
    room_id: "!r:hs",
    sender: "@a:hs",
    state_key: "",
    content: content as Pdu["content"],
    hashes: { sha256: "h" },
    signatures: { hs: { "ed25519:1": "s" } },
    depth: 4,
    prev_events: ["$p"],
    auth_events: ["$a"],
    origin_server_ts: 5,
    origin: "hs",
    membership: "join",
    prev_state: [],
    unsigned: { age: 1 },
    redacts: "$x",
    other_top: "dropped",
  };
}

describe("top-level keys", () => {
  it.each(["1", "5", "10"])("v%s keeps origin, membership, prev_state", (v) => {
    expect(Object.keys(redactEvent(kitchenSink("m.room.message", { body: "x" }), parseRoomVersion(v))).sort()).toEqual(
      TOP_PRE_V11,
    );
  });
  it.each(["11", "12"])("v%s drops them (and unsigned, top-level redacts, unknown keys)", (v) => {
    expect(Object.keys(redactEvent(kitchenSink("m.room.message", { body: "x" }), parseRoomVersion(v))).sort()).toEqual(
      TOP.sort(),
    );
  });
});

describe("content keys", () => {
  const member = {
    membership: "join",
    displayname: "A",
    join_authorised_via_users_server: "@b:hs",
    third_party_invite: { display_name: "x", signed: { mxid: "@a:hs", token: "t", signatures: {} } },
  };
  const cases: Array<[string, string, Record<string, unknown>, Record<string, unknown>]> = [
    ["8", "m.room.member", member, { membership: "join" }],
    ["9", "m.room.member", member, { membership: "join", join_authorised_via_users_server: "@b:hs" }],
    [
      "11",
      "m.room.member",
      member,
      {
        membership: "join",
        join_authorised_via_users_server: "@b:hs",
        third_party_invite: { signed: { mxid: "@a:hs", token: "t", signatures: {} } },
      },
    ],
    ["10", "m.room.create", { creator: "@a:hs", room_version: "10", "m.federate": false }, { creator: "@a:hs" }],
    ["11", "m.room.create", { room_version: "11", "m.federate": false }, { room_version: "11", "m.federate": false }],
    ["7", "m.room.join_rules", { join_rule: "restricted", allow: [] }, { join_rule: "restricted" }],
    ["8", "m.room.join_rules", { join_rule: "restricted", allow: [], x: 1 }, { join_rule: "restricted", allow: [] }],
    ["10", "m.room.power_levels", { ban: 1, invite: 2, notifications: { room: 3 }, users: {} }, { ban: 1, users: {} }],
    [
      "11",
      "m.room.power_levels",
      { ban: 1, invite: 2, notifications: { room: 3 }, users: {} },
      { ban: 1, invite: 2, users: {} },
    ],
    ["1", "m.room.history_visibility", { history_visibility: "shared", x: 1 }, { history_visibility: "shared" }],
    ["5", "m.room.aliases", { aliases: ["#a:hs"] }, { aliases: ["#a:hs"] }],
    ["6", "m.room.aliases", { aliases: ["#a:hs"] }, {}],
    ["10", "m.room.redaction", { redacts: "$x", reason: "r" }, {}],
    ["11", "m.room.redaction", { redacts: "$x", reason: "r" }, { redacts: "$x" }],
    ["12", "m.room.topic", { topic: "t" }, {}],
  ];
  it.each(cases)("v%s %s", (v, type, content, kept) => {
    expect(redactEvent(kitchenSink(type, content), parseRoomVersion(v)).content).toEqual(kept);
  });
});

it("does not change its input and is idempotent", () => {
  const pdu = kitchenSink("m.room.member", { membership: "join", displayname: "A" });
  const before = structuredClone(pdu);
  const once = redactEvent(pdu, parseRoomVersion("11"));
  expect(pdu).toEqual(before);
  expect(redactEvent(once, parseRoomVersion("11"))).toEqual(once);
});

describe("the view to hash (redactedView)", () => {
  it.each(["1", "10", "11", "12"])("v%s keeps what redactEvent keeps, sharing the input's values", (v) => {
    const version = parseRoomVersion(v);
    const member = kitchenSink("m.room.member", {
      membership: "invite",
      join_authorised_via_users_server: "@b:hs",
      third_party_invite: { signed: { token: "t" }, display_name: "x" },
      avatar_url: "dropped",
    });
    const power = kitchenSink("m.room.create", { creator: "@a:hs", other: { nested: [1] } });
    for (const pdu of [member, power]) {
      const view = redactedView(pdu, version);
      const copy = redactEvent(pdu, version);
      expect(view).toEqual(copy);
      expect(view.prev_events).toBe(pdu.prev_events);
      expect(copy.prev_events).not.toBe(pdu.prev_events);
    }
  });
});
