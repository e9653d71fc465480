// Small validators for JSON values that name the JSON path of the first problem
// ($.timeline[3].partition.shape). Each validator returns a fresh value holding only
// what it checked, so unknown keys never slip through. `Fields<T>` makes the schema of
// an object type a compile-time mirror of the type: every key must be described, and
// a key is optional in the schema exactly when it is optional in the type.

import { isJsonObject, type JsonObject } from "../../core/index.ts";

/** What is wrong with a JSON value, and where. */
export class JsonPathError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
    this.name = "JsonPathError";
  }
}

export function fail(path: string, problem: string): never {
  throw new JsonPathError(path, problem);
}

export type Validator<T> = (value: unknown, path: string) => T;

/** A key that may be left out. */
export interface Optional<T> {
  readonly optional: Validator<T>;
}

export function optional<T>(validator: Validator<T>): Optional<T> {
  return { optional: validator };
}

// `{}` on the left is the point: an empty object is assignable to Pick<T, K> only when K is optional.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
type IsOptional<T, K extends keyof T> = {} extends Pick<T, K> ? true : false;

/** The schema of an object type: one validator per key, wrapped in optional() where the key is optional. */
export type Fields<T> = {
  [K in keyof T]-?: IsOptional<T, K> extends true ? Optional<Exclude<T[K], undefined>> : Validator<T[K]>;
};

/** A JSON value's kind, for messages: "a string", "an array", "null". */
export function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return `a ${typeof value}`;
}

function expected(path: string, what: string, value: unknown): never {
  return fail(
    path,
    value === undefined
      ? `missing (${what} expected)`
      : `must be ${what}, got ${kindOf(value)}${isScalar(value) ? ` ${JSON.stringify(value)}` : ""}`,
  );
}

function isScalar(value: unknown): boolean {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean";
}

/** An unpaired UTF-16 surrogate: JSON can escape one ("\\ud800"), UTF-8 cannot carry it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function noLoneSurrogate(s: string, path: string): string {
  return LONE_SURROGATE.test(s)
    ? fail(path, "contains a lone surrogate (\\ud800-\\udfff unpaired), which is not valid UTF-8")
    : s;
}

export const string: Validator<string> = (v, path) =>
  typeof v === "string" ? noLoneSurrogate(v, path) : expected(path, "a string", v);

export const nonEmptyString: Validator<string> = (v, path) => {
  const s = string(v, path);
  return s.length > 0 ? s : fail(path, "must not be empty");
};

export const boolean: Validator<boolean> = (v, path) =>
  typeof v === "boolean" ? v : expected(path, "true or false", v);

export function number(
  limits: { min?: number; max?: number; integer?: boolean; above?: number } = {},
): Validator<number> {
  return (v, path) => {
    if (typeof v !== "number" || !Number.isFinite(v))
      return expected(path, limits.integer ? "an integer" : "a number", v);
    if (limits.integer && !Number.isInteger(v)) fail(path, `must be an integer, got ${v}`);
    if (limits.min !== undefined && v < limits.min) fail(path, `must be at least ${limits.min}, got ${v}`);
    if (limits.above !== undefined && v <= limits.above) fail(path, `must be more than ${limits.above}, got ${v}`);
    if (limits.max !== undefined && v > limits.max) fail(path, `must be at most ${limits.max}, got ${v}`);
    if (limits.integer && !Number.isSafeInteger(v)) fail(path, `must be an integer within ±(2^53−1), got ${v}`);
    return v;
  };
}

/** One of a fixed list of strings. */
export function oneOf<const T extends string>(values: readonly T[], what = "one of"): Validator<T> {
  return (v, path) => {
    if (typeof v === "string" && (values as readonly string[]).includes(v)) return v as T;
    return fail(
      path,
      `${v === undefined ? "missing" : `${JSON.stringify(v)} is not ${what === "one of" ? "allowed" : `a known ${what}`}`} (expected one of ${values.map((x) => JSON.stringify(x)).join(", ")})`,
    );
  };
}

export function nullable<T>(validator: Validator<T>): Validator<T | null> {
  return (v, path) => (v === null ? null : validator(v, path));
}

export function array<T>(item: Validator<T>, limits: { minLength?: number; maxLength?: number } = {}): Validator<T[]> {
  return (v, path) => {
    if (!Array.isArray(v)) return expected(path, "an array", v);
    if (limits.minLength !== undefined && v.length < limits.minLength)
      fail(path, `must have at least ${limits.minLength} item${limits.minLength === 1 ? "" : "s"}`);
    if (limits.maxLength !== undefined && v.length > limits.maxLength)
      fail(path, `must have at most ${limits.maxLength} items, has ${v.length}`);
    return v.map((x, i) => item(x, `${path}[${i}]`));
  };
}

export function tuple<A, B>(a: Validator<A>, b: Validator<B>): Validator<[A, B]> {
  return (v, path) => {
    if (!Array.isArray(v) || v.length !== 2) return expected(path, "a pair [a, b]", v);
    return [a(v[0], `${path}[0]`), b(v[1], `${path}[1]`)];
  };
}

/** Either of two validators, tried in order; the message names both forms. */
export function either<A, B>(a: Validator<A>, b: Validator<B>, what: string): Validator<A | B> {
  return (v, path) => {
    try {
      return a(v, path);
    } catch (e) {
      if (!(e instanceof JsonPathError) || e.path !== path) throw e;
    }
    try {
      return b(v, path);
    } catch (e) {
      if (!(e instanceof JsonPathError) || e.path !== path) throw e;
      return expected(path, what, v);
    }
  };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** How deeply event content may nest in a scenario (the Client-Server API refuses deeper content too). */
export const JSON_DEPTH_MAX = 100;

/**
 * Any JSON object that becomes event content (content, power levels): kept as it is once
 * it is known to have a canonical JSON form (spec appendices): integers within
 * ±(2^53−1) and no other numbers, strings and keys without lone surrogates, nesting at
 * most JSON_DEPTH_MAX deep. Walked without recursion, so a hostile file cannot overflow the stack.
 */
export const jsonObject: Validator<JsonObject> = (v, path) => {
  if (!isJsonObject(v)) return expected(path, "an object", v);
  const stack: Array<[unknown, string, number]> = [[v, path, 1]];
  while (stack.length > 0) {
    const [node, at, depth] = stack.pop()!;
    if (typeof node === "number") {
      if (!Number.isSafeInteger(node))
        fail(at, `event content allows only integers within ±(2^53−1) (canonical JSON), got ${node}`);
    } else if (typeof node === "string") {
      noLoneSurrogate(node, at);
    } else if (typeof node === "object" && node !== null) {
      if (depth > JSON_DEPTH_MAX) fail(at, `nested deeper than ${JSON_DEPTH_MAX} levels`);
      if (Array.isArray(node)) node.forEach((x, i) => stack.push([x, `${at}[${i}]`, depth + 1]));
      else
        for (const [k, x] of Object.entries(node)) {
          noLoneSurrogate(k, memberPath(at, k));
          stack.push([x, memberPath(at, k), depth + 1]);
        }
    }
  }
  return { ...v };
};

/** An object with string keys of one kind of value. */
export function dictionary<T>(value: Validator<T>): Validator<Record<string, T>> {
  return (v, path) => {
    if (!isPlainObject(v)) return expected(path, "an object", v);
    const out: Record<string, T> = {};
    for (const [k, x] of Object.entries(v)) out[k] = value(x, memberPath(path, k));
    return out;
  };
}

/** `$.a.b`, or `$.a["odd key"]` for keys that are not identifiers. */
export function memberPath(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

export interface ObjectOptions {
  /** Keys that are refused with a message of their own (e.g. TypeScript-only fields). */
  refused?: Readonly<Record<string, string>>;
}

/** An object with exactly the described keys (optional ones may be left out). */
export function object<T>(fields: Fields<T>, options: ObjectOptions = {}): Validator<T> {
  const entries = Object.entries(fields) as Array<[string, Validator<unknown> | Optional<unknown>]>;
  const known = entries.map(([k]) => k);
  return (v, path) => {
    if (!isPlainObject(v)) return expected(path, "an object", v);
    for (const key of Object.keys(v)) {
      if (known.includes(key)) continue;
      const refused = options.refused?.[key];
      fail(memberPath(path, key), refused ?? `unknown property (expected one of ${known.join(", ")})`);
    }
    const out: Record<string, unknown> = {};
    for (const [key, field] of entries) {
      const value = v[key];
      if (typeof field === "function") out[key] = field(value, memberPath(path, key));
      else if (value !== undefined) out[key] = field.optional(value, memberPath(path, key));
    }
    return out as T;
  };
}

/** The member of union U whose discriminant D includes V, without D. */
export type Variant<U, D extends keyof U, V> = U extends unknown ? (V extends U[D] ? Omit<U, D> : never) : never;

/** One schema per value of the discriminant: the compiler insists on every variant. */
export type VariantFields<U, D extends keyof U> = { [V in U[D] & string]: Fields<Variant<U, D, V>> };

/** A discriminated union: `discriminant` picks the variant, whose keys are then checked. */
export function variants<U, D extends keyof U & string>(
  discriminant: D,
  what: string,
  shapes: VariantFields<U, D>,
  options: ObjectOptions = {},
): Validator<U> {
  const names = Object.keys(shapes);
  const validators = new Map(
    Object.entries(shapes as Record<string, Fields<unknown>>).map(([name, fields]) => [
      name,
      object<Record<string, unknown>>(
        { [discriminant]: string, ...(fields as object) } as unknown as Fields<Record<string, unknown>>,
        options,
      ),
    ]),
  );
  const pick = oneOf(names, what);
  return (v, path) => {
    if (!isPlainObject(v)) return expected(path, "an object", v);
    const name = pick(v[discriminant], memberPath(path, discriminant));
    return validators.get(name)!(v, path) as U;
  };
}
