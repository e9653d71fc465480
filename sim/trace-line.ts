// One trace record as its line of canonical JSON, for trace files, and the same line
// written straight into UTF-8 bytes for the trace hash (writeTraceLine). Both are exactly
// core's canonicalJson(record); they only do less work for what a trace is made of: tens
// of thousands of records of a few dozen kinds, each kind almost always with the same
// keys. The sorted order of a kind's keys is worked out once (and again when a record of
// that kind comes with other keys), not sorted per record; values go through core's fast
// encoders (canonicalJsonIfPlain, CanonicalJsonWriter); and the arrays a PDU's records
// share (event ids, frozen by pduSummary) are encoded once however many records carry
// them (as text for files, as UTF-8 for the hash). Anything unusual (a record that is not
// a plain object, a key or string that may hold a lone surrogate, a number that is not a
// safe integer) goes to canonicalJson, which encodes it or throws as before.

import { canonicalJson, canonicalJsonIfPlain, CanonicalJsonWriter } from "../core/index.ts";
import { RecentBytes } from "./recent-bytes.ts";
import type { TraceRecord } from "./trace.ts";

interface KeyPlan {
  /** The record's own keys, in the order Object.keys (and for…in) gives them. */
  keys: string[];
  /** The same keys in canonical order, each with its encoded `"key":` (text and UTF-8) and its place in `keys`. */
  sorted: Array<{ key: string; head: string; headBytes: Uint8Array; at: number }>;
}

const plans = new Map<string, KeyPlan>();
/**
 * The values of the record being written, in the order of its plan's keys: read in one
 * for…in over the record, which V8 serves from the shape's own list of fields, where a
 * read per key by name is a lookup through the megamorphic cache (the ten record kinds a
 * delivery makes have ten shapes), and which Object.keys would allocate a list for.
 * Reused, and emptied after each record (forgetValues) so that it holds nothing of it.
 */
const values: unknown[] = [];
/** Canonical JSON of frozen arrays of plain values (ids), which can never change. */
const frozenJson = new WeakMap<object, string>();
/** The same, as UTF-8 for the hash, for the frozen arrays met lately (a PDU's records come close together). */
const recentBytes = new RecentBytes();
const ANY_SURROGATE = /[\uD800-\uDFFF]/;

const utf8 = new TextEncoder();

/**
 * The plan for this record's keys, with `values` holding the record's values in the order
 * of the plan's keys; undefined when a key may hold a surrogate (canonicalJson sorts those).
 */
function planFor(record: TraceRecord): KeyPlan | undefined {
  // canonicalJson takes plain objects only.
  const proto = Object.getPrototypeOf(record);
  if (proto !== Object.prototype && proto !== null) return undefined;
  const known = plans.get(record.kind);
  if (known !== undefined && readValues(record, known.keys)) return known;
  const keys = Object.keys(record);
  // A key with a surrogate sorts by code point, not code unit: canonicalJson knows how.
  if (keys.some((k) => ANY_SURROGATE.test(k))) return undefined;
  const plan: KeyPlan = {
    keys,
    sorted: keys
      .map((key, at) => ({ key, at }))
      .sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0))
      .map(({ key, at }) => {
        const head = JSON.stringify(key) + ":";
        return { key, head, headBytes: utf8.encode(head), at };
      }),
  };
  plans.set(record.kind, plan);
  // By name, once per new plan (for…in would also visit keys a prototype lends, which Object.keys leaves out).
  const fields = record as unknown as Record<string, unknown>;
  keys.forEach((key, i) => (values[i] = fields[key]));
  return plan;
}

/** Fill `values` when the keys for…in visits are exactly `keys`, in order; false otherwise. */
function readValues(record: TraceRecord, keys: readonly string[]): boolean {
  const fields = record as unknown as Record<string, unknown>;
  let i = 0;
  for (const key in fields) {
    if (key !== keys[i]) return false;
    values[i++] = fields[key];
  }
  return i === keys.length;
}

/** Empty `values` in place (setting its length to 0 would give its storage back, to be allocated again). */
function forgetValues(plan: KeyPlan): void {
  for (let i = 0; i < plan.keys.length; i++) values[i] = undefined;
}

export function traceLine(record: TraceRecord): string {
  const plan = planFor(record);
  if (plan === undefined) return canonicalJson(record);
  let out = "";
  let plain = true;
  for (const { head, at } of plan.sorted) {
    const value = values[at];
    if (value === undefined) continue;
    const encoded = valueJson(value);
    if (encoded === undefined) {
      plain = false;
      break;
    }
    out += (out === "" ? "{" : ",") + head + encoded;
  }
  forgetValues(plan);
  if (!plain) return canonicalJson(record);
  return out === "" ? "{}" : out + "}";
}

/**
 * Append traceLine(record) to `writer` as UTF-8 (no newline). Throws where canonicalJson
 * throws, having written nothing.
 */
export function writeTraceLine(writer: CanonicalJsonWriter, record: TraceRecord): void {
  const start = writer.length;
  const plan = planFor(record);
  const written = plan !== undefined && writeFields(writer, plan);
  if (plan !== undefined) forgetValues(plan);
  if (written) return;
  writer.truncate(start);
  writer.bytes(utf8.encode(canonicalJson(record)));
}

function writeFields(writer: CanonicalJsonWriter, plan: KeyPlan): boolean {
  writer.byte(0x7b); // {
  let first = true;
  for (const { headBytes, at } of plan.sorted) {
    const value = values[at];
    if (value === undefined) continue;
    if (!first) writer.byte(0x2c); // ,
    first = false;
    writer.bytes(headBytes);
    if (!(Array.isArray(value) && Object.isFrozen(value) ? writeFrozen(writer, value) : writer.value(value)))
      return false;
  }
  writer.byte(0x7d); // }
  return true;
}

/** A frozen array: its bytes remembered a while when it holds only plain values (freezing is shallow). */
function writeFrozen(writer: CanonicalJsonWriter, array: readonly unknown[]): boolean {
  if (recentBytes.writeTo(array, writer)) return true;
  const start = writer.length;
  if (!writer.value(array)) return false;
  if (array.every((item) => typeof item !== "object")) recentBytes.keep(array, writer.view().subarray(start));
  return true;
}

/** The canonical JSON of one value, or undefined to let canonicalJson handle the whole record. */
function valueJson(value: unknown): string | undefined {
  // The arrays of ids a PDU's records share are frozen by pduSummary: encoded once.
  if (!Array.isArray(value) || !Object.isFrozen(value)) return canonicalJsonIfPlain(value);
  let s = frozenJson.get(value);
  if (s === undefined) {
    s = canonicalJsonIfPlain(value);
    if (s === undefined) return undefined;
    // Freezing is shallow: only an array of plain values can never change.
    if (value.every((item) => typeof item !== "object")) frozenJson.set(value, s);
  }
  return s;
}
