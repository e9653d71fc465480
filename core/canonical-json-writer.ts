// Canonical JSON written straight into UTF-8 bytes, for text that is only ever hashed (the
// streaming trace hash): a long run's tens of thousands of trace records, each first built
// as a string of pieces, then flattened and encoded for the hasher, were 18% of the
// instructions of issue 12's day-long split (joining strings, flattening them, and the
// collector copying the pieces). This writes each character once into one reused buffer
// and allocates nothing per value.
//
// It writes only what the fast encoder (canonicalJsonIfPlain) accepts, byte for byte the
// UTF-8 of its output: strings without surrogates, safe integers, booleans, null, arrays
// without holes, plain objects. For anything else `value` answers false and the caller
// goes to canonicalJson, which encodes it or throws as it always has.

import { sortedKeys } from "./canonical-json.ts";

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
/** JSON.stringify's two-character escapes of the C0 controls; the rest are \u00XX. */
const SHORT_ESCAPES: Readonly<Record<number, number>> = { 8: 0x62, 9: 0x74, 10: 0x6e, 12: 0x66, 13: 0x72 };
const HEX = "0123456789abcdef";
/** Up to this many bytes, a loop copies faster than a call to set(). */
const SHORT_COPY_MAX = 32;

/** A growing byte buffer that canonical JSON is appended to; cleared and reused. */
export class CanonicalJsonWriter {
  private buf: Uint8Array;
  private pos = 0;

  constructor(initialBytes = 1 << 16) {
    this.buf = new Uint8Array(initialBytes);
  }

  /** How many bytes have been written. */
  get length(): number {
    return this.pos;
  }

  /** The bytes written so far: a view of the buffer, valid until the next write or clear. */
  view(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  clear(): void {
    this.pos = 0;
  }

  /** Forget what was written after the first `length` bytes (a value declined half-way). */
  truncate(length: number): void {
    this.pos = length;
  }

  byte(b: number): void {
    this.reserve(1);
    this.buf[this.pos++] = b;
  }

  /**
   * Bytes already encoded (`length` of them from `start`): a key's `"key":`, usually a
   * handful, copied one by one, as set() is a call into the runtime; a longer run (a PDU's
   * list of ids) with set().
   */
  bytes(bytes: Uint8Array, start = 0, length = bytes.length - start): void {
    this.reserve(length);
    const buf = this.buf;
    const p = this.pos;
    if (length > SHORT_COPY_MAX)
      buf.set(start === 0 && length === bytes.length ? bytes : bytes.subarray(start, start + length), p);
    else for (let i = 0; i < length; i++) buf[p + i] = bytes[start + i]!;
    this.pos = p + length;
  }

  /** Text that is ASCII by construction (`true`, `null`, a number's digits), a byte per character. */
  private ascii(s: string): void {
    const n = s.length;
    this.reserve(n);
    const buf = this.buf;
    const p = this.pos;
    for (let i = 0; i < n; i++) buf[p + i] = s.charCodeAt(i);
    this.pos = p + n;
  }

  /**
   * Append the canonical JSON of `value`; false when the fast encoder would not take it
   * (then some bytes may have been written: truncate to the length before the call).
   */
  value(value: unknown): boolean {
    switch (typeof value) {
      case "string":
        return this.string(value);
      case "number":
        return this.integer(value);
      case "boolean":
        this.ascii(value ? "true" : "false");
        return true;
      case "object":
        if (value === null) {
          this.ascii("null");
          return true;
        }
        return Array.isArray(value) ? this.array(value) : this.object(value);
      default:
        return false;
    }
  }

  /**
   * A JSON string as JSON.stringify escapes it; false on any surrogate (as the fast encoder).
   * Each string is encoded again every time it comes: remembering the bytes of the ids that
   * recur (a map by string, bounded) took fewer instructions under callgrind but more time,
   * 4-8% of the day-long split's wall clock in paired runs (hashing each new string for the
   * lookup, and the copies it kept). So did handing strings of 16 code units or more that
   * need no escape to TextEncoder.encodeInto (a regular expression test first): 172,500
   * instructions per delivery to hash a trace of 10 servers instead of 183,500, but 12.3-13.9
   * µs per delivery instead of 11.1-12.6 (the fastest of 10 hashes per process, 8 processes
   * a side, taking turns; a call into the runtime and a subarray per string). Nor did a
   * small cache of the bytes of recent strings (256 slots picked by length and two
   * characters, compared with ===): 11.6-20.5 µs per delivery with the loop alone, 11.7-20.1
   * with the cache from 8 code units, 11.9-16.8 from 16 (the same measure, 6 processes a side).
   */
  string(s: string): boolean {
    const n = s.length;
    // At most six bytes per code unit (\u00XX), and the two quotes.
    this.reserve(n * 6 + 2);
    const buf = this.buf;
    // The method taken from String.prototype here, where the compiler knows it, and called
    // on `s`: the strings come in many of V8's representations (flat, concatenated, sliced,
    // internalized), and past four of them `s.charCodeAt` is a generic lookup per
    // character (under callgrind, more instructions than the encoding itself).
    const at = String.prototype.charCodeAt;
    let p = this.pos;
    buf[p++] = QUOTE;
    for (let i = 0; i < n; i++) {
      const c = at.call(s, i);
      if (c >= 0x20 && c < 0x80) {
        if (c === QUOTE || c === BACKSLASH) buf[p++] = BACKSLASH;
        buf[p++] = c;
      } else if (c < 0x20) {
        buf[p++] = BACKSLASH;
        const short = SHORT_ESCAPES[c];
        if (short !== undefined) buf[p++] = short;
        else {
          buf[p++] = 0x75; // u
          buf[p++] = 0x30;
          buf[p++] = 0x30;
          buf[p++] = HEX.charCodeAt(c >> 4);
          buf[p++] = HEX.charCodeAt(c & 0xf);
        }
      } else if (c < 0x800) {
        buf[p++] = 0xc0 | (c >> 6);
        buf[p++] = 0x80 | (c & 0x3f);
      } else if (c >= 0xd800 && c <= 0xdfff) {
        return false;
      } else {
        buf[p++] = 0xe0 | (c >> 12);
        buf[p++] = 0x80 | ((c >> 6) & 0x3f);
        buf[p++] = 0x80 | (c & 0x3f);
      }
    }
    buf[p++] = QUOTE;
    this.pos = p;
    return true;
  }

  /** A safe integer in decimal (-0 as 0, as String gives it); false for any other number. */
  integer(n: number): boolean {
    if (!Number.isInteger(n) || n > MAX_SAFE || n < -MAX_SAFE) return false;
    // Beyond 32 bits, digits by float division could round: String is exact (and rare here).
    if (n >= 0x80000000 || n <= -0x80000000) {
      this.ascii(String(n));
      return true;
    }
    this.reserve(11); // a sign and 10 digits
    const buf = this.buf;
    let p = this.pos;
    let rest = n;
    if (rest < 0) {
      buf[p++] = 0x2d;
      rest = -rest;
    }
    let digits = 1;
    for (let r = rest; r >= 10; r = (r / 10) | 0) digits++;
    // Each digit into its place, from the right.
    for (let i = digits - 1; i >= 0; i--, rest = (rest / 10) | 0) buf[p + i] = 0x30 + (rest % 10);
    this.pos = p + digits;
    return true;
  }

  private array(values: readonly unknown[]): boolean {
    this.byte(0x5b);
    for (let i = 0; i < values.length; i++) {
      const item = values[i];
      if (item === undefined) return false;
      if (i > 0) this.byte(0x2c);
      if (!this.value(item)) return false;
    }
    this.byte(0x5d);
    return true;
  }

  private object(obj: object): boolean {
    const proto = Object.getPrototypeOf(obj);
    if (proto !== Object.prototype && proto !== null) return false;
    const record = obj as Record<string, unknown>;
    // UTF-16 order is code-point order unless a key holds a surrogate, which string() refuses.
    const keys = sortedKeys(record);
    this.byte(0x7b);
    let first = true;
    for (const key of keys) {
      const item = record[key];
      if (item === undefined) continue;
      if (!first) this.byte(0x2c);
      first = false;
      if (!this.string(key)) return false;
      this.byte(0x3a);
      if (!this.value(item)) return false;
    }
    this.byte(0x7d);
    return true;
  }

  private reserve(more: number): void {
    if (this.pos + more <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + more) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buf.subarray(0, this.pos));
    this.buf = grown;
  }
}
