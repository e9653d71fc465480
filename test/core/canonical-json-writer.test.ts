// CanonicalJsonWriter (core/canonical-json-writer.ts) writes canonical JSON straight into
// UTF-8 bytes for the trace hash. Whatever it accepts must be byte for byte the UTF-8 of
// canonicalJson (itself checked against the spec's vectors and a plain oracle in
// canonical-json.test.ts), and it must accept exactly what the fast encoder accepts, so
// that everything else still reaches canonicalJson and its errors.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CanonicalJsonWriter, canonicalJson, canonicalJsonIfPlain } from "../../core/index.ts";

const utf8 = new TextEncoder();

/** What the writer makes of `value` on a fresh writer: its bytes, or null when it declines. */
function written(value: unknown, writer = new CanonicalJsonWriter(16)): Uint8Array | null {
  const start = writer.length;
  if (!writer.value(value)) return null;
  return writer.view().slice(start);
}

// Strings with every kind of character an encoder can get wrong: controls, quote and
// backslash, DEL, two- and three-byte characters, U+2028, pairs and lone surrogates.
const anyText = fc.string({
  unit: fc.oneof(
    fc.constantFrom("a", "Z", '"', "\\", "/", "\u007f", "\u0080", "\u00e9", "\u07ff", "\u0800", "\u2028", "\uFFFD"),
    fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)),
    fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
    fc.constant("\u{1F600}"),
  ),
  maxLength: 8,
});
const anyNumber = fc.oneof(
  fc.integer(),
  fc.maxSafeInteger(),
  fc.constantFrom(0, -0, 2 ** 31, -(2 ** 31), 2 ** 31 - 1, 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 53, 0.5, 1e21, Number.NaN),
);
const anyValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    anyText,
    anyNumber,
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(anyText, tie("value"), { maxKeys: 4 }),
  ),
})).value;

describe("CanonicalJsonWriter", () => {
  it("writes the UTF-8 of canonicalJson for whatever the fast encoder takes, and declines the rest", () => {
    fc.assert(
      fc.property(anyValue, (value) => {
        const fast = canonicalJsonIfPlain(value);
        const bytes = written(value);
        if (fast === undefined) expect(bytes).toBeNull();
        else expect(bytes).toEqual(utf8.encode(canonicalJson(value)));
      }),
      { seed: 7, numRuns: 4000 },
    );
  });

  it("escapes as JSON.stringify does", () => {
    const controls = Array.from({ length: 0x20 }, (_, c) => String.fromCharCode(c)).join("");
    for (const s of [controls, '"\\/', "\u007f\u2028\u2029", "é€\uFFFD", ""]) {
      expect(written(s)).toEqual(utf8.encode(JSON.stringify(s)));
    }
  });

  it("declines a surrogate in a string, paired or not, as the fast encoder does", () => {
    for (const s of ["\u{1F600}", "a\uD800", "\uDC00b"]) expect(written(s)).toBeNull();
    expect(written({ "\u{1F600}": 1 })).toBeNull();
  });

  it("writes integers in decimal on both sides of 32 bits, -0 as 0, and declines other numbers", () => {
    for (const n of [0, 7, 10, 99, 100, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), 2 ** 53 - 1, -(2 ** 53 - 1), 1234567890123]) {
      expect(new TextDecoder().decode(written(n)!)).toBe(String(n));
    }
    expect(new TextDecoder().decode(written(-0)!)).toBe("0");
    for (const n of [0.5, 2 ** 53, -(2 ** 53), Number.NaN, Number.POSITIVE_INFINITY]) expect(written(n)).toBeNull();
  });

  it("declines what has no plain form: holes and undefined in arrays, class instances, other types", () => {
    // eslint-disable-next-line no-sparse-arrays -- a hole is the point
    for (const v of [[1, , 2], [undefined], new Date(0), new Map(), 1n, () => 1, Symbol("s"), undefined]) {
      expect(written(v)).toBeNull();
    }
    expect(written(Object.create(null))).toEqual(utf8.encode("{}"));
  });

  it("grows past its first buffer and truncates back to a length", () => {
    const writer = new CanonicalJsonWriter(8);
    const big = { key: "x".repeat(5000), list: Array.from({ length: 300 }, (_, i) => i) };
    expect(writer.value(big)).toBe(true);
    expect(writer.view()).toEqual(utf8.encode(canonicalJson(big)));
    const kept = writer.length;
    writer.value("more");
    writer.truncate(kept);
    expect(writer.view()).toEqual(utf8.encode(canonicalJson(big)));
    writer.clear();
    expect(writer.length).toBe(0);
  });
});
