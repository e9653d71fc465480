// Canonical JSON, as defined in the spec's appendices ("Canonical JSON"): no
// insignificant whitespace, object keys sorted by Unicode code point, raw UTF-8 for
// non-ASCII, integers only within ±(2^53 - 1). Hashes, event ids and signatures are all
// computed over this encoding, so a single byte of difference breaks federation.

/** Thrown for values that have no canonical JSON form; `path` is a JSON path like `$.content.n`. */
export class CanonicalJsonError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`canonical JSON: ${problem} at ${path}`);
    this.name = "CanonicalJsonError";
  }
}

import { countOp } from "./op-counts.ts";

const MAX_SAFE = Number.MAX_SAFE_INTEGER; // 2^53 - 1, the spec's bound

/**
 * Encode a value as canonical JSON. Object members whose value is `undefined` are left
 * out, as JSON.stringify does (TypeScript's optional fields); anything else that JSON
 * cannot express exactly throws a CanonicalJsonError naming the JSON path.
 */
export function canonicalJson(value: unknown): string {
  countOp("canonicalJson");
  return encodeCanonical(value);
}

/** canonicalJson without counting: for encoders built on it that count what they do themselves. */
export function encodeCanonical(value: unknown): string {
  // The happy path builds no JSON paths; only a value it refuses goes through the
  // careful encoder, whose error names the path.
  const fast = canonicalJsonIfPlain(value);
  if (fast !== undefined) return fast;
  const out: string[] = [];
  encodeValue(value, "$", out);
  return out.join("");
}

// ---- the fast path: the same encoding, `undefined` for anything it does not accept ----

/**
 * The canonical JSON of `value`, or undefined where canonicalJson would throw or has to
 * look closer (a surrogate, a float): for callers that go to canonicalJson on undefined
 * and so keep its error. Builds no JSON paths.
 */
export function canonicalJsonIfPlain(value: unknown): string | undefined {
  switch (typeof value) {
    case "string":
      return quote(value);
    case "number":
      return Number.isInteger(value) && value <= MAX_SAFE && value >= -MAX_SAFE ? String(value) : undefined;
    case "boolean":
      return value ? "true" : "false";
    case "object":
      if (value === null) return "null";
      return Array.isArray(value) ? fastArray(value) : fastObject(value);
    default:
      return undefined;
  }
}

/**
 * What JSON.stringify escapes in a string, and any surrogate. Without a surrogate in any
 * key or string, UTF-16 order is code-point order (see compareCodePoints) and every
 * string is valid Unicode, so the fast path's output is canonical; with one, the careful
 * encoder decides (a pair is fine, a lone one is an error): a rare, correct detour.
 */
// eslint-disable-next-line no-control-regex -- the C0 controls are exactly what JSON escapes
const NEEDS_CARE = /["\\\x00-\x1f\uD800-\uDFFF]/;
const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * A string as JSON.stringify writes it, or undefined when it holds a surrogate. Most
 * strings (ids, types, names) need no escape, and a quote on each side costs half what a
 * call of JSON.stringify does.
 */
function quote(s: string): string | undefined {
  if (!NEEDS_CARE.test(s)) return '"' + s + '"';
  return SURROGATE.test(s) ? undefined : JSON.stringify(s);
}

function fastArray(values: readonly unknown[]): string | undefined {
  let out = "[";
  for (let i = 0; i < values.length; i++) {
    const item = values[i];
    if (item === undefined) return undefined;
    const encoded = canonicalJsonIfPlain(item);
    if (encoded === undefined) return undefined;
    out += i > 0 ? "," + encoded : encoded;
  }
  return out + "]";
}

function fastObject(obj: object): string | undefined {
  const proto = Object.getPrototypeOf(obj);
  if (proto !== Object.prototype && proto !== null) return undefined;
  const record = obj as Record<string, unknown>;
  // UTF-16 order: code-point order unless a key holds a surrogate, which quote refuses.
  const keys = sortedKeys(record);
  let out = "{";
  let first = true;
  for (const key of keys) {
    const item = record[key];
    if (item === undefined) continue;
    const encoded = canonicalJsonIfPlain(item);
    const head = quote(key);
    if (encoded === undefined || head === undefined) return undefined;
    out += (first ? "" : ",") + head + ":" + encoded;
    first = false;
  }
  return out + "}";
}

/**
 * An object's keys in UTF-16 order. Objects here have a handful of keys, so an insertion
 * sort in place: Array.prototype.sort allocates work space on every call, and every event
 * is encoded more than once.
 */
export function sortedKeys(record: object): string[] {
  const keys = Object.keys(record);
  if (keys.length > SORT_IN_PLACE_MAX) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i;
    for (; j > 0 && keys[j - 1]! > key; j--) keys[j] = keys[j - 1]!;
    keys[j] = key;
  }
  return keys;
}

const SORT_IN_PLACE_MAX = 24;

function encodeValue(value: unknown, path: string, out: string[]): void {
  switch (typeof value) {
    case "string":
      out.push(encodeString(value, path));
      return;
    case "number":
      out.push(encodeNumber(value, path));
      return;
    case "boolean":
      out.push(value ? "true" : "false");
      return;
    case "object":
      if (value === null) out.push("null");
      else if (Array.isArray(value)) encodeArray(value, path, out);
      else encodeObject(value as object, path, out);
      return;
    default:
      throw new CanonicalJsonError(path, `${typeof value} is not a JSON value`);
  }
}

function encodeNumber(n: number, path: string): string {
  if (!Number.isInteger(n)) {
    throw new CanonicalJsonError(path, `${n} is not an integer (canonical JSON has no floats)`);
  }
  if (n > MAX_SAFE || n < -MAX_SAFE) {
    throw new CanonicalJsonError(path, `${n} is outside the range ±(2^53-1)`);
  }
  // -0 becomes 0 (String(-0) is already "0"); large integers print without exponent
  // because |n| < 1e21.
  return String(n);
}

// A lone surrogate cannot be encoded as UTF-8.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function encodeString(s: string, path: string): string {
  if (LONE_SURROGATE.test(s)) {
    throw new CanonicalJsonError(path, "string holds a lone UTF-16 surrogate (not valid Unicode)");
  }
  // JSON.stringify escapes exactly what the spec asks: \" \\ \b \t \n \f \r and
  // lower-case \u00XX for the other C0 controls; everything else is raw.
  return JSON.stringify(s);
}

function encodeArray(values: readonly unknown[], path: string, out: string[]): void {
  out.push("[");
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out.push(",");
    const item = values[i];
    if (item === undefined) throw new CanonicalJsonError(`${path}[${i}]`, "undefined in an array");
    encodeValue(item, `${path}[${i}]`, out);
  }
  out.push("]");
}

function encodeObject(obj: object, path: string, out: string[]): void {
  const proto = Object.getPrototypeOf(obj);
  if (proto !== Object.prototype && proto !== null) {
    const name = (obj as { constructor?: { name?: string } }).constructor?.name ?? "object";
    throw new CanonicalJsonError(path, `${name} is not a plain object`);
  }
  const record = obj as Record<string, unknown>;
  const keys = Object.keys(record).sort(compareCodePoints);
  out.push("{");
  let first = true;
  for (const key of keys) {
    const item = record[key];
    if (item === undefined) continue;
    const childPath = memberPath(path, key);
    if (!first) out.push(",");
    first = false;
    out.push(encodeString(key, childPath), ":");
    encodeValue(item, childPath, out);
  }
  out.push("}");
}

function memberPath(path: string, key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/**
 * Compare two strings by Unicode code point. Plain `<` compares UTF-16 code units,
 * which puts astral characters (surrogate pairs, 0xD800-0xDFFF) before U+E000-U+FFFF.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      // Lift surrogates above the rest of the BMP so that code-unit order becomes
      // code-point order.
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

const utf8 = new TextEncoder();

/** Canonical JSON as the UTF-8 bytes that get hashed and signed. */
export function canonicalJsonBytes(value: unknown): Uint8Array {
  return utf8.encode(canonicalJson(value));
}
