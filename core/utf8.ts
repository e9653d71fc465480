// The UTF-8 size of a string, counted without encoding it: size limits (identifiers,
// PDU fields, whole events) are in bytes, and encoding a string only to read its length
// allocates a buffer on the path of every event built or received.

/**
 * The number of bytes TextEncoder would produce for `s`: 1 for U+0000–U+007F, 2 up to
 * U+07FF, 4 for a surrogate pair, 3 otherwise — a lone surrogate included, since the
 * encoder writes U+FFFD (3 bytes) in its place.
 */
export function utf8ByteLength(s: string): number {
  // Most text here is ASCII (ids, keys, canonical JSON of events): one native scan says so.
  if (!BEYOND_ASCII.test(s)) return s.length;
  let bytes = s.length;
  for (let i = 0; i < s.length; i++) {
    const unit = s.charCodeAt(i);
    if (unit < 0x80) continue;
    if (unit < 0x800) {
      bytes += 1;
    } else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < s.length && isTrail(s.charCodeAt(i + 1))) {
      // A pair: two code units, four bytes.
      bytes += 2;
      i++;
    } else {
      bytes += 2;
    }
  }
  return bytes;
}

// eslint-disable-next-line no-control-regex -- any code unit above U+007F, whatever precedes it
const BEYOND_ASCII = /[^\x00-\x7f]/;

function isTrail(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}
