import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { utf8ByteLength } from "../../core/utf8.ts";

// The reference is the platform's WHATWG TextEncoder, which size limits used to call.
const encoder = new TextEncoder();

describe("utf8ByteLength", () => {
  it.each([
    ["", 0],
    ["a", 1],
    ["é", 2], // U+00E9
    ["߿", 2], // U+07FF, the last two-byte code point
    ["ࠀ", 3], // U+0800, the first three-byte one
    ["€", 3],
    ["😀", 4], // a surrogate pair
    ["\uD800", 3], // a lone lead surrogate becomes U+FFFD
    ["\uDC00", 3], // a lone trail surrogate too
    ["\uDC00\uD800", 6], // trail before lead is not a pair
    ["\uD800a", 4],
  ])("%j is %i bytes", (s, bytes) => {
    expect(utf8ByteLength(s)).toBe(bytes);
    expect(encoder.encode(s).length).toBe(bytes);
  });

  it("agrees with TextEncoder on any string, lone surrogates included", () => {
    const units = fc.oneof(
      fc.integer({ min: 0, max: 0x7f }),
      fc.integer({ min: 0x80, max: 0x7ff }),
      fc.integer({ min: 0x800, max: 0xffff }),
      fc.integer({ min: 0xd800, max: 0xdfff }),
    );
    fc.assert(
      fc.property(fc.array(units, { maxLength: 40 }), (codes) => {
        const s = String.fromCharCode(...codes);
        return utf8ByteLength(s) === encoder.encode(s).length;
      }),
      { numRuns: 2000 },
    );
  });
});
