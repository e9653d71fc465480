// Laws of the core protocol (fast-check, pinned seeds: a failure prints the seed and
// the shrunk counterexample, and `seed` below replays it).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CanonicalMembers } from "../../core/canonical-members.ts";
import {
  canonicalJson,
  computeEventId,
  decodeBase64,
  nobleCrypto,
  parseRoomVersion,
  redactEvent,
  redactionContentKeys,
  redactionTopLevelKeys,
  signEvent,
  verifyEventSignature,
  type Pdu,
} from "../../core/index.ts";
import { canonicalJsonValue, pdu, shuffleKeys } from "./arbitraries.ts";

const SEED = 20261124;
const VERSIONS = ["1", "3", "4", "6", "8", "9", "10", "11", "12"];
const version = fc.constantFrom(...VERSIONS.map((id) => parseRoomVersion(id)));
const keyOrder = fc.array(fc.nat(50), { minLength: 1, maxLength: 8 });

describe("canonical JSON", () => {
  it("does not depend on key order", () => {
    fc.assert(
      fc.property(canonicalJsonValue, keyOrder, (value, order) => {
        expect(canonicalJson(shuffleKeys(value, order))).toBe(canonicalJson(value));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it("parses back to the same value", () => {
    fc.assert(
      fc.property(canonicalJsonValue, (value) => {
        // -0 is written as 0, the one value JSON.parse cannot give back as it was.
        const normalised = JSON.parse(JSON.stringify(value));
        expect(JSON.parse(canonicalJson(value))).toEqual(normalised);
        expect(canonicalJson(JSON.parse(canonicalJson(value)))).toBe(canonicalJson(value));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

/**
 * Canonical JSON written the plain way, independent of core: keys by code point (each
 * key as its list of code points), strings through JSON.stringify, a lone surrogate
 * refused. The encoder's fast path must agree with it on every input.
 */
function plainCanonical(value: unknown): string {
  if (typeof value === "string") {
    if (LONE_SURROGATE.test(value)) throw new Error("lone surrogate");
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(plainCanonical).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const codePoints = (s: string) => Array.from(s, (c) => c.codePointAt(0)!);
    const byCodePoint = (a: string, b: string) => {
      const [x, y] = [codePoints(a), codePoints(b)];
      for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
      return x.length - y.length;
    };
    const keys = Object.keys(value).sort(byCodePoint);
    return `{${keys.map((k) => `${plainCanonical(k)}:${plainCanonical((value as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Strings made of the characters that matter to the encoder: surrogate halves, astral and high BMP characters, backslash-u text, what JSON escapes and what it does not. */
const trickyString = fc
  .array(
    fc.constantFrom(
      "a",
      "\uD83D",
      "\uDE00",
      "\u{1F600}",
      "\uFB01",
      "\uE000",
      "\\",
      "\\ud800",
      "u",
      "\n",
      '"',
      "\u0001",
      "\u2028",
      "\u007f",
    ),
    {
      maxLength: 6,
    },
  )
  .map((parts) => parts.join(""));

const trickyJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    trickyString,
    fc.integer(),
    fc.array(tie("value"), { maxLength: 3 }),
    fc.dictionary(trickyString, tie("value"), { maxKeys: 4 }),
  ),
})).value;

describe("canonical JSON against a plain encoder", () => {
  it("gives the same text, or refuses the same values (lone surrogates, in keys or strings)", () => {
    fc.assert(
      fc.property(trickyJson, (value) => {
        let expected: string | undefined;
        try {
          expected = plainCanonical(value);
        } catch {
          expected = undefined;
        }
        if (expected === undefined) expect(() => canonicalJson(value)).toThrow(/lone UTF-16 surrogate/);
        else expect(canonicalJson(value)).toBe(expected);
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });
});

describe("canonical JSON assembled from members encoded once", () => {
  it("is the canonical JSON of the view without the omitted members, whatever is shared or replaced", () => {
    const members = fc.dictionary(trickyString, trickyJson, { maxKeys: 6 });
    fc.assert(
      fc.property(members, members, fc.array(trickyString, { maxLength: 3 }), (source, replaced, omit) => {
        const encoder = new CanonicalMembers(source);
        // Twice: the second view reuses what the first encoded.
        for (const view of [{ ...source, ...replaced }, source]) {
          const rest = Object.fromEntries(Object.entries(view).filter(([k]) => !omit.includes(k)));
          let expected: string | undefined;
          try {
            expected = canonicalJson(rest);
          } catch {
            expected = undefined;
          }
          if (expected === undefined) expect(() => encoder.json(view, omit)).toThrow(/lone UTF-16 surrogate/);
          else expect(encoder.json(view, omit)).toBe(expected);
        }
      }),
      { seed: SEED, numRuns: 500 },
    );
  });
});

describe("event ids", () => {
  it("do not change when keys are reordered or unsigned/signatures change", () => {
    fc.assert(
      fc.property(pdu, version, keyOrder, (event, v, order) => {
        const id = computeEventId({ ...event, event_id: "$e:hs1" }, v);
        const changed: Pdu = {
          ...shuffleKeys(event, order),
          event_id: "$e:hs1",
          unsigned: { age: order.length, transaction_id: "t" },
          signatures: { other: { "ed25519:x": "c2ln" } },
        };
        expect(computeEventId(changed, v)).toBe(id);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});

describe("redaction", () => {
  it("is idempotent and keeps exactly the keys of its version's rules", () => {
    fc.assert(
      fc.property(pdu, version, (event, v) => {
        const rules = v.redaction;
        const once = redactEvent(event, v);
        expect(redactEvent(once, v)).toEqual(once);
        const allowedTop = new Set(redactionTopLevelKeys(rules));
        const expectedTop = Object.keys(event).filter((k) => allowedTop.has(k) && event[k] !== undefined);
        expect(Object.keys(once).sort()).toEqual([...new Set([...expectedTop, "content"])].sort());
        const allowedContent = redactionContentKeys(event.type, rules);
        const expectedContent =
          allowedContent === "*"
            ? Object.keys(event.content)
            : Object.keys(event.content).filter((k) => allowedContent.includes(k));
        expect(Object.keys(once.content).sort()).toEqual(expectedContent.sort());
      }),
      { seed: SEED, numRuns: 400 },
    );
  });
});

describe("signatures", () => {
  const seed = decodeBase64("YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1");
  const publicKey = nobleCrypto.publicKey(seed);

  it("verify, and fail after any change to a field the redacted form keeps", () => {
    fc.assert(
      fc.property(pdu, version, fc.nat(), fc.integer({ min: 1, max: 1000 }), (event, v, pick, delta) => {
        const signed = signEvent(event, v, "hs1", "ed25519:1", seed);
        expect(verifyEventSignature(signed, v, "hs1", "ed25519:1", publicKey)).toBe(true);
        // A change the signature covers: a kept top-level field of the redacted event.
        const covered = ["origin_server_ts", "depth", "sender", "type", "hashes"] as const;
        const field = covered[pick % covered.length]!;
        const tampered: Pdu = { ...signed };
        if (field === "origin_server_ts" || field === "depth") tampered[field] = signed[field] + delta;
        else if (field === "hashes") tampered.hashes = { sha256: "Zm9v" };
        else tampered[field] = `${signed[field]}x`;
        expect(verifyEventSignature(tampered, v, "hs1", "ed25519:1", publicKey)).toBe(false);
        // A change it does not cover: unsigned.
        expect(verifyEventSignature({ ...signed, unsigned: { age: delta } }, v, "hs1", "ed25519:1", publicKey)).toBe(
          true,
        );
      }),
      { seed: SEED, numRuns: 60 },
    );
  });
});
