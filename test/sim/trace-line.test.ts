// traceLine (sim/trace-line.ts) is a faster way to canonical JSON for trace records: it
// must give exactly core's canonicalJson (checked against the spec's vectors in
// test/core), or throw where it throws, for any record, whatever came before it (its
// plans are kept per kind, its encodings of frozen arrays per array).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nodeCrypto } from "../../cli/node-crypto.ts";
import { CanonicalJsonWriter, canonicalJson } from "../../core/index.ts";
import { SCENARIOS, ScenarioRun } from "../../scenarios/index.ts";
import { traceLine, writeTraceLine } from "../../sim/trace-line.ts";
import type { TraceRecord } from "../../sim/trace.ts";

/** canonicalJson's answer, or the error it throws. */
function outcome(encode: (r: TraceRecord) => string, record: TraceRecord): string {
  try {
    return encode(record);
  } catch (e) {
    return `threw ${(e as Error).message}`;
  }
}

const KINDS = ["net.sent", "pdu.accepted", "note"];
// Keys the records of one kind share, in varying subsets and orders, and some that sort
// differently by code unit and by code point (a surrogate pair against U+FFFD).
const keyArb = fc.oneof(
  fc.constantFrom("seq", "atMs", "server", "prevEvents", "content", "Z", "a", "\uFFFD", "\uD83D\uDE00"),
  fc.string({ unit: "binary", maxLength: 3 }),
);
// Lone surrogates, backslashes and `\ud` written out, control characters: the cases a
// string encoder gets wrong.
const stringArb = fc.oneof(
  fc.string({ unit: "binary", maxLength: 6 }),
  fc.constantFrom("\\ud800", "\uD800", "a\uDC00", "\uD83D\uDE00", "\n\u0001", '"'),
);
const leafArb = fc.oneof(
  stringArb,
  fc.integer(),
  fc.constantFrom(2 ** 53, -(2 ** 53), 0.5, -0, Number.NaN),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
);
const valueArb = fc.oneof(
  leafArb,
  fc.array(leafArb, { maxLength: 4 }).map((a) => Object.freeze(a)),
  fc.array(leafArb, { maxLength: 4 }),
  fc.dictionary(keyArb, leafArb, { maxKeys: 4 }),
  fc.array(fc.dictionary(keyArb, leafArb, { maxKeys: 2 }), { maxLength: 2 }).map((a) => Object.freeze(a)),
);
const recordArb = fc
  .tuple(fc.constantFrom(...KINDS), fc.dictionary(keyArb, valueArb, { maxKeys: 6 }))
  .map(([kind, fields]) => ({ ...fields, kind }) as unknown as TraceRecord);

describe("traceLine", () => {
  it("gives canonicalJson's bytes, or its error, for any sequence of records", () => {
    fc.assert(
      fc.property(fc.array(recordArb, { minLength: 1, maxLength: 8 }), (records) => {
        for (const r of records) expect(outcome(traceLine, r)).toBe(outcome(canonicalJson, r));
      }),
      { seed: 12, numRuns: 500 },
    );
  });

  it("writes the UTF-8 of the same line, or throws the same error having written nothing", () => {
    const utf8 = new TextEncoder();
    fc.assert(
      fc.property(fc.array(recordArb, { minLength: 1, maxLength: 8 }), (records) => {
        const writer = new CanonicalJsonWriter(8);
        for (const r of records) {
          const before = writer.view().slice();
          const expected = outcome(canonicalJson, r);
          const got = outcome((record) => {
            writeTraceLine(writer, record);
            return new TextDecoder().decode(writer.view().subarray(before.length));
          }, r);
          expect(got).toBe(expected);
          if (expected.startsWith("threw")) expect(writer.view()).toEqual(before);
          else expect(writer.view().subarray(before.length)).toEqual(utf8.encode(expected));
        }
      }),
      { seed: 13, numRuns: 500 },
    );
  });

  it("encodes a shared frozen array once, and the same every time", () => {
    const prevEvents = Object.freeze(["$b", "$a"]);
    const a = { kind: "pdu.accepted", seq: 1, atMs: 0, prevEvents } as unknown as TraceRecord;
    const b = { kind: "pdu.accepted", atMs: 5, seq: 2, prevEvents, server: "hs2" } as unknown as TraceRecord;
    expect(traceLine(a)).toBe('{"atMs":0,"kind":"pdu.accepted","prevEvents":["$b","$a"],"seq":1}');
    expect(traceLine(b)).toBe('{"atMs":5,"kind":"pdu.accepted","prevEvents":["$b","$a"],"seq":2,"server":"hs2"}');
    expect(traceLine(a)).toBe(canonicalJson(a));
  });

  it("writes a shared frozen array's bytes the same every time, and again when it holds an object that changed", () => {
    const write = (record: TraceRecord): string => {
      const writer = new CanonicalJsonWriter(8);
      writeTraceLine(writer, record);
      return new TextDecoder().decode(writer.view());
    };
    const ids = Object.freeze(["$b", "$a"]);
    const a = { kind: "pdu.accepted", seq: 1, atMs: 0, authEvents: ids } as unknown as TraceRecord;
    const b = { kind: "pdu.accepted", seq: 2, atMs: 0, authEvents: ids } as unknown as TraceRecord;
    expect(write(a)).toBe('{"atMs":0,"authEvents":["$b","$a"],"kind":"pdu.accepted","seq":1}');
    expect(write(b)).toBe('{"atMs":0,"authEvents":["$b","$a"],"kind":"pdu.accepted","seq":2}');
    // Freezing is shallow: an object inside a frozen array may change between two records.
    const inner = { n: 1 };
    const holder = Object.freeze([inner]);
    const c = { kind: "pdu.accepted", seq: 3, atMs: 0, authEvents: holder } as unknown as TraceRecord;
    expect(write(c)).toBe('{"atMs":0,"authEvents":[{"n":1}],"kind":"pdu.accepted","seq":3}');
    inner.n = 2;
    expect(write(c)).toBe('{"atMs":0,"authEvents":[{"n":2}],"kind":"pdu.accepted","seq":3}');
  });

  it("follows canonicalJson for a record that is not a plain object, or whose prototype lends it keys", () => {
    const writer = new CanonicalJsonWriter(8);
    const written = (record: TraceRecord): string =>
      outcome((r) => {
        writer.clear();
        writeTraceLine(writer, r);
        return new TextDecoder().decode(writer.view());
      }, record);
    // Same keys as a plan already made for the kind, but a prototype canonicalJson refuses.
    const plain = { kind: "net.sent", seq: 1, atMs: 0 } as unknown as TraceRecord;
    written(plain);
    const odd = Object.assign(Object.create({ lent: 1 }), plain) as TraceRecord;
    expect(outcome(canonicalJson, odd)).toMatch(/^threw .*not a plain object/);
    expect(outcome(traceLine, odd)).toBe(outcome(canonicalJson, odd));
    expect(written(odd)).toBe(outcome(canonicalJson, odd));
    // An enumerable key on Object.prototype: for…in visits it, canonicalJson (Object.keys) does not.
    const results: string[] = [];
    Object.defineProperty(Object.prototype, "lent", { value: 1, enumerable: true, configurable: true });
    try {
      results.push(outcome(canonicalJson, plain), outcome(traceLine, plain), written(plain));
    } finally {
      delete (Object.prototype as Record<string, unknown>).lent;
    }
    expect(results).toEqual(Array(3).fill('{"atMs":0,"kind":"net.sent","seq":1}'));
  });

  it.each(SCENARIOS.filter((s) => ["netsplit-heal", "bridge", "v2-vs-v21"].includes(s.name)).map((s) => [s.name, s]))(
    "agrees with canonicalJson on every record of %s",
    (_name, scenario) => {
      const run = new ScenarioRun(scenario, { seed: 2, crypto: nodeCrypto, signing: false });
      run.runToEnd();
      const records = run.world.trace.all();
      expect(records.length).toBeGreaterThan(100);
      const writer = new CanonicalJsonWriter();
      for (const r of records) {
        expect(traceLine(r)).toBe(canonicalJson(r));
        writer.clear();
        writeTraceLine(writer, r);
        expect(new TextDecoder().decode(writer.view())).toBe(canonicalJson(r));
      }
    },
  );
});
