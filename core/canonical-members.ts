// Canonical JSON of views of one object, each assembled from the object's top-level
// members encoded once. A new event is encoded three ways — without hashes and
// signatures (its content hash), redacted without signatures (its reference hash, which
// is also exactly what its signature covers), and whole (its size) — and its prev and
// auth event lists, most of its bytes, are the same in all three.

import { compareCodePoints, encodeCanonical, sortedKeys } from "./canonical-json.ts";
import { countOp } from "./op-counts.ts";

const SURROGATE = /[\uD800-\uDFFF]/;

export class CanonicalMembers {
  private readonly encoded = new Map<string, { value: unknown; json: string }>();
  private counted = false;

  /** `source` must not change while this is used (a member replaced by another value is re-encoded). */
  constructor(private readonly source: Readonly<Record<string, unknown>>) {}

  /**
   * The canonical JSON of `view` without the members named in `omit`: `view` is the
   * source or an object sharing some of its member values (a redacted view, the source
   * plus a member); a member identical to the source's reuses its encoding. Counted as
   * one canonicalJson operation for the first view only: the others reuse its work.
   */
  json(view: Readonly<Record<string, unknown>>, omit: readonly string[] = []): string {
    if (!this.counted) countOp("canonicalJson");
    this.counted = true;
    try {
      return this.assemble(view, omit);
    } catch {
      // A value with no canonical form: the whole encoder throws the error that names its path.
      const rest: Record<string, unknown> = {};
      for (const key of Object.keys(view)) if (!omit.includes(key)) rest[key] = view[key];
      return encodeCanonical(rest);
    }
  }

  private assemble(view: Readonly<Record<string, unknown>>, omit: readonly string[]): string {
    const keys = sortedKeys(view);
    // Code-point order differs from UTF-16 order only for keys with surrogates (compareCodePoints).
    if (keys.some((k) => SURROGATE.test(k))) keys.sort(compareCodePoints);
    let out = "{";
    for (const key of keys) {
      const value = view[key];
      if (value === undefined || omit.includes(key)) continue;
      out += (out.length > 1 ? "," : "") + encodeCanonical(key) + ":" + this.member(key, value);
    }
    return out + "}";
  }

  private member(key: string, value: unknown): string {
    if (value !== this.source[key]) return encodeCanonical(value);
    const known = this.encoded.get(key);
    if (known && known.value === value) return known.json;
    const json = encodeCanonical(value);
    this.encoded.set(key, { value, json });
    return json;
  }
}
