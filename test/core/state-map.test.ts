// State keys (core/state-map.ts): the composite (type, state_key) key, and its remembered
// form internedStateKey, which must be the same key (only a faster way to get it).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { INTERNED_STATE_KEYS_MAX, internedStateKey, splitStateKey, stateKey } from "../../core/state-map.ts";

describe("internedStateKey", () => {
  it("is stateKey's key for any type and state_key, and the same string when asked again", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), fc.string({ unit: "grapheme" }), (type, key) => {
        const k = internedStateKey(type, key);
        expect(k).toBe(stateKey(type, key));
        expect(internedStateKey(type, key)).toBe(k);
        expect(splitStateKey(k)).toEqual({ type, stateKey: key });
      }),
      { seed: 11, numRuns: 500 },
    );
  });

  it("keeps apart pairs that concatenate alike (worked by hand: length prefix 2 vs 1)", () => {
    expect(internedStateKey("ab", "c")).toBe("2:abc");
    expect(internedStateKey("a", "bc")).toBe("1:abc");
  });

  it("starts over when full and still gives the same keys", () => {
    const first = internedStateKey("m.room.member", "@first:x");
    for (let i = 0; i <= INTERNED_STATE_KEYS_MAX; i++) internedStateKey("m.room.member", `@u${i}:x`);
    expect(internedStateKey("m.room.member", "@first:x")).toBe(first);
    expect(internedStateKey("m.room.member", "@u0:x")).toBe("13:m.room.member@u0:x");
  });
});
