// One trace record as its line of canonical JSON, for trace files, and the same line
// written straight into UTF-8 bytes for the trace hash (writeTraceLine). Both are exactly
// core's canonicalJson(record); they only do less work for what a trace is made of: tens
// of thousands of records of a few dozen kinds, each kind almost always with the same
// keys. The sorted order of a kind's keys is worked out once (and again when a record of
// that kind comes with other keys), not sorted per record; values go through core's fast
// encoders (canonicalJsonIfPlain, CanonicalJsonWriter); and the arrays a PDU's records
// share (event ids, frozen by pduSummary) are encoded as text once however many records
// carry them. Anything unusual (a key or string that may hold a lone surrogate, a number
// that is not a safe integer) goes to canonicalJson, which encodes it or throws as before.

import { canonicalJson, canonicalJsonIfPlain, CanonicalJsonWriter } from "../core/index.ts";
import type { TraceRecord } from "./trace.ts";

interface KeyPlan {
  /** The keys in the order Object.keys gave them when the plan was made. */
  keys: string[];
  /** The same keys in canonical order, each with its encoded `"key":` (text and UTF-8). */
  sorted: Array<{ key: string; head: string; headBytes: Uint8Array }>;
}

const plans = new Map<string, KeyPlan>();
/** Canonical JSON of frozen arrays of plain values (ids), which can never change. */
const frozenJson = new WeakMap<object, string>();
const ANY_SURROGATE = /[\uD800-\uDFFF]/;

const utf8 = new TextEncoder();

/** The plan for this record's keys; undefined when a key may hold a surrogate (canonicalJson sorts those). */
function planFor(record: TraceRecord): KeyPlan | undefined {
  const keys = Object.keys(record);
  let plan = plans.get(record.kind);
  if (plan === undefined || !sameKeys(plan.keys, keys)) {
    // A key with a surrogate sorts by code point, not code unit: canonicalJson knows how.
    if (keys.some((k) => ANY_SURROGATE.test(k))) return undefined;
    plan = {
      keys,
      sorted: [...keys].sort().map((key) => {
        const head = JSON.stringify(key) + ":";
        return { key, head, headBytes: utf8.encode(head) };
      }),
    };
    plans.set(record.kind, plan);
  }
  return plan;
}

export function traceLine(record: TraceRecord): string {
  const plan = planFor(record);
  if (plan === undefined) return canonicalJson(record);
  const fields = record as unknown as Record<string, unknown>;
  let out = "";
  for (const { key, head } of plan.sorted) {
    const value = fields[key];
    if (value === undefined) continue;
    const encoded = valueJson(value);
    if (encoded === undefined) return canonicalJson(record);
    out += (out === "" ? "{" : ",") + head + encoded;
  }
  return out === "" ? "{}" : out + "}";
}

/**
 * Append traceLine(record) to `writer` as UTF-8 (no newline). Throws where canonicalJson
 * throws, having written nothing.
 */
export function writeTraceLine(writer: CanonicalJsonWriter, record: TraceRecord): void {
  const start = writer.length;
  const plan = planFor(record);
  if (plan !== undefined && writeFields(writer, plan, record as unknown as Record<string, unknown>)) return;
  writer.truncate(start);
  writer.bytes(utf8.encode(canonicalJson(record)));
}

function writeFields(writer: CanonicalJsonWriter, plan: KeyPlan, fields: Record<string, unknown>): boolean {
  writer.byte(0x7b); // {
  let first = true;
  for (const { key, headBytes } of plan.sorted) {
    const value = fields[key];
    if (value === undefined) continue;
    if (!first) writer.byte(0x2c); // ,
    first = false;
    writer.bytes(headBytes);
    if (!writer.value(value)) return false;
  }
  writer.byte(0x7d); // }
  return true;
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
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
