// The bench's operation counter: counts only while installed, and never changes a result.
import { expect, it } from "vitest";
import { canonicalJson, checkAuth, installOpCounter, ROOM_VERSIONS, zeroOpCounts } from "../../core/index.ts";

it("counts operations only while a counter is installed", () => {
  const counts = zeroOpCounts();
  canonicalJson({ a: 1 });
  expect(installOpCounter(counts)).toBeUndefined();
  let encoded: string;
  try {
    encoded = canonicalJson({ b: [1, { c: true }], a: "x" });
    checkAuth(
      {
        type: "m.room.message",
        sender: "@a:hs",
        content: {},
        prev_events: [],
        auth_events: [],
        depth: 1,
        hashes: {},
        signatures: {},
        origin_server_ts: 0,
        room_id: "!r:hs",
      },
      [],
      ROOM_VERSIONS["10"],
    );
  } finally {
    expect(installOpCounter(undefined)).toBe(counts);
  }
  canonicalJson({ a: 2 });
  expect(encoded).toBe('{"a":"x","b":[1,{"c":true}]}');
  expect(counts).toMatchObject({ canonicalJson: 1, checkAuth: 1, resolveState: 0 });
});
