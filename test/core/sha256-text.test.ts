// A backend's native SHA-256 of text (node:crypto's) must give what encoding the text as
// UTF-8 and hashing the bytes gives (the pure-JS backend has no native one: it is the
// fallback itself), in both alphabets; and a streaming hash fed in pieces must give the
// hash of the whole (the trace hash feeds its lines in chunks).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  encodeBase64,
  encodeBase64Url,
  nobleCrypto,
  sha256TextBase64,
  type IncrementalSha256,
} from "../../core/index.ts";
import { BACKENDS } from "../backends.ts";

const utf8 = new TextEncoder();
// Well-formed text, as canonical JSON always is: ASCII, accents, the BMP's top, astral pairs.
const text = fc.string({ unit: fc.constantFrom("a", "{", '"', "\n", "é", "☃", "\uFB01", "\u{1F600}"), maxLength: 80 });

describe.each(BACKENDS.map((b) => [b.name, b] as const))("with %s", (_name, backend) => {
  it("hashes text as the SHA-256 of its UTF-8, unpadded, in either alphabet", () => {
    // SHA-256("abc"), FIPS 180-2's example, in unpadded base64 of each alphabet.
    expect(sha256TextBase64(backend, "abc", "base64")).toBe("ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0");
    expect(sha256TextBase64(backend, "abc", "base64url")).toBe("ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
    fc.assert(
      fc.property(text, (t) => {
        const digest = nobleCrypto.sha256(utf8.encode(t));
        expect(sha256TextBase64(backend, t, "base64")).toBe(encodeBase64(digest));
        expect(sha256TextBase64(backend, t, "base64url")).toBe(encodeBase64Url(digest));
      }),
      { numRuns: 500 },
    );
  });

  it("streams pieces into a hash as the bytes of the whole, and digests without ending it", () => {
    fc.assert(
      fc.property(fc.array(text, { maxLength: 5 }), (pieces) => {
        const sha: IncrementalSha256 = backend.sha256Incremental!();
        for (const [i, piece] of pieces.entries()) {
          sha.update(utf8.encode(piece));
          expect(sha.digestSoFar()).toEqual(nobleCrypto.sha256(utf8.encode(pieces.slice(0, i + 1).join(""))));
        }
        expect(sha.digestSoFar()).toEqual(nobleCrypto.sha256(utf8.encode(pieces.join(""))));
      }),
      { numRuns: 300 },
    );
  });
});
