// One trace record as its line of canonical JSON, for the trace hash and trace files.
// The result is exactly core's canonicalJson(record); this only does less work for what
// a trace is made of: tens of thousands of records of a few dozen kinds, each kind
// almost always with the same keys. The sorted order of a kind's keys is worked out once
// (and again when a record of that kind comes with other keys), not sorted per record;
// values go through core's fast encoder (canonicalJsonIfPlain); and the arrays a PDU's
// records share (event ids, frozen by pduSummary) are encoded once however many records
// carry them. Anything unusual (a key or string that may hold a lone surrogate, a number
// that is not a safe integer) goes to canonicalJson, which encodes it or throws as before.

import { canonicalJson, canonicalJsonIfPlain } from "../core/index.ts";
import type { TraceRecord } from "./trace.ts";

interface KeyPlan {
  /** The keys in the order Object.keys gave them when the plan was made. */
  keys: string[];
  /** The same keys in canonical order, each with its encoded `"key":`. */
  sorted: Array<{ key: string; head: string }>;
}

const plans = new Map<string, KeyPlan>();
/** Canonical JSON of frozen arrays of plain values (ids), which can never change. */
const frozenJson = new WeakMap<object, string>();
const ANY_SURROGATE = /[\uD800-\uDFFF]/;

export function traceLine(record: TraceRecord): string {
  const keys = Object.keys(record);
  let plan = plans.get(record.kind);
  if (plan === undefined || !sameKeys(plan.keys, keys)) {
    // A key with a surrogate sorts by code point, not code unit: canonicalJson knows how.
    if (keys.some((k) => ANY_SURROGATE.test(k))) return canonicalJson(record);
    plan = {
      keys,
      sorted: [...keys].sort().map((key) => ({ key, head: JSON.stringify(key) + ":" })),
    };
    plans.set(record.kind, plan);
  }
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
