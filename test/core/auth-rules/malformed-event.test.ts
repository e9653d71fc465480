// checkAuth called on an event that is not shaped like a PDU denies it, naming the format
// step, rather than throwing: receipt drops such events first, but checkAuth is public.
import { describe, expect, it } from "vitest";
import { checkAuth, ROOM_VERSIONS, type Pdu } from "../../../core/index.ts";

const version = ROOM_VERSIONS["10"];
const create = {
  type: "m.room.create",
  state_key: "",
  sender: "@a:x",
  room_id: "!r:x",
  content: { creator: "@a:x" },
  prev_events: [],
  auth_events: [],
  depth: 1,
  origin_server_ts: 0,
  hashes: { sha256: "" },
  signatures: {},
};
const join = { ...create, type: "m.room.member", state_key: "@a:x", content: { membership: "join" }, depth: 2 };

describe("checkAuth on a malformed event", () => {
  const cases: Array<[string, Record<string, unknown>]> = [
    ["a join without prev_events", { ...join, prev_events: undefined }],
    ["a join with content: null", { ...join, content: null }],
    ["a create with content: null", { ...create, content: null }],
    ["power levels with content: null", { ...join, type: "m.room.power_levels", state_key: "", content: null }],
    [
      "a message without auth_events",
      { ...join, type: "m.room.message", state_key: undefined, auth_events: undefined },
    ],
    ["an event whose type is a number", { ...join, type: 7 }],
  ];
  for (const [name, event] of cases) {
    it(`denies ${name} with the format rule`, () => {
      const result = checkAuth(event as unknown as Pdu, [create as unknown as Pdu], version);
      expect(result).toMatchObject({ allowed: false, rule: "format" });
    });
  }
});
