import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CanonicalJsonError, canonicalJson, canonicalJsonIfPlain, compareCodePoints } from "../../core/index.ts";

/**
 * The spec's definition written plainly, as the oracle: keys by code point, strings as
 * JSON.stringify writes them (it escapes exactly what the grammar asks), and no lone
 * surrogate anywhere (null stands for "no canonical form").
 */
function oracle(value: unknown): string | null {
  const lone = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
  if (typeof value === "string") return lone.test(value) ? null : JSON.stringify(value);
  if (typeof value === "number") return Number.isSafeInteger(value) ? String(value) : null;
  if (typeof value === "boolean" || value === null) return JSON.stringify(value);
  if (Array.isArray(value)) {
    const items = value.map(oracle);
    return items.includes(null) ? null : `[${items.join(",")}]`;
  }
  const record = value as Record<string, unknown>;
  const members = Object.keys(record)
    .sort(compareCodePoints)
    .map((key) => [oracle(key), oracle(record[key])]);
  if (members.some(([k, v]) => k === null || v === null)) return null;
  return `{${members.map(([k, v]) => `${k}:${v}`).join(",")}}`;
}

const anyText = fc.string({
  unit: fc.oneof(
    fc.constantFrom("a", '"', "\\", "\n", "\u0001", "\u00e9", "\uFB01"),
    fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
    fc.constant("\u{1F600}"),
  ),
  maxLength: 6,
});
const anyJson = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    anyText,
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(anyText, tie("value"), { maxKeys: 4 }),
  ),
})).value;

describe("canonicalJson", () => {
  it("sorts keys by code point, not by UTF-16 code unit", () => {
    // U+1F600 (a surrogate pair in UTF-16) sorts after U+FB01 by code point, though its
    // first code unit 0xD83D is smaller than 0xFB01.
    expect(canonicalJson({ "\u{1F600}": 1, "\uFB01": 2 })).toBe('{"\uFB01":2,"\u{1F600}":1}');
    expect(compareCodePoints("\u{1F600}", "\uFB01")).toBeGreaterThan(0);
    expect(compareCodePoints("a", "ab")).toBeLessThan(0);
  });

  it("escapes only what the grammar asks, with lower-case hex", () => {
    expect(canonicalJson('\u0000\u001f\b\t\n\f\r"\\/\u007f\u2028')).toBe(
      '"\\u0000\\u001f\\b\\t\\n\\f\\r\\"\\\\/\u007f\u2028"',
    );
  });

  it("writes -0 as 0 and the largest safe integers in full", () => {
    expect(canonicalJson([-0, 2 ** 53 - 1, -(2 ** 53 - 1), 1e15])).toBe(
      "[0,9007199254740991,-9007199254740991,1000000000000000]",
    );
  });

  it.each(
    [
      [{ a: 1.5 }, "$.a", "not an integer"],
      [{ a: [1, 2 ** 53] }, "$.a[1]", "outside the range"],
      [{ a: { "b c": NaN } }, '$.a["b c"]', "not an integer"],
      [{ s: "x\uD800" }, "$.s", "lone UTF-16 surrogate"],
      [{ d: new Date(0) }, "$.d", "Date is not a plain object"],
      [{ m: new Map() }, "$.m", "Map is not a plain object"],
      [{ f: () => 1 }, "$.f", "function is not a JSON value"],
      [{ b: 1n }, "$.b", "bigint is not a JSON value"],
      [[undefined], "$[0]", "undefined in an array"],
    ].map(([i, p, m]) => [p, i, m] as [string, unknown, string]),
  )("rejects bad input at %s", (path, input, problem) => {
    let error: unknown;
    try {
      canonicalJson(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CanonicalJsonError);
    expect((error as CanonicalJsonError).path).toBe(path);
    expect((error as CanonicalJsonError).message).toContain(problem);
  });

  it("rejects a lone surrogate in a key, naming the key's path", () => {
    expect(() => canonicalJson({ "\uDC00": 1 })).toThrow(/lone UTF-16 surrogate/);
  });

  it("leaves out object members that are undefined, as TypeScript optional fields", () => {
    expect(canonicalJson({ b: undefined, a: 1 })).toBe('{"a":1}');
  });

  it("agrees with the spec's definition on any value, keys and strings with surrogates and escapes included", () => {
    fc.assert(
      fc.property(anyJson, (value) => {
        const expected = oracle(value);
        let got: string | null;
        try {
          got = canonicalJson(value);
        } catch (e) {
          if (!(e instanceof CanonicalJsonError)) throw e;
          got = null;
        }
        expect(got).toBe(expected);
        // The fast path either gives the same text or leaves the value to the careful encoder.
        const fast = canonicalJsonIfPlain(value);
        if (fast !== undefined) expect(fast).toBe(expected);
        else expect(JSON.stringify(value)).toMatch(/\\ud[89a-f]|[\uD800-\uDFFF]/);
      }),
      { numRuns: 3000 },
    );
  });

  it("accepts objects without a prototype", () => {
    const o = Object.create(null) as Record<string, number>;
    o.z = 1;
    expect(canonicalJson(o)).toBe('{"z":1}');
  });
});
