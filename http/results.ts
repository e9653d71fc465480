// From sim/'s answers to HTTP: a Result's value or its Matrix error as an HttpError, a
// reply that comes later in virtual time as a Promise, and the small checks of request
// fields every route makes.

import type { JsonObject, JsonValue } from "../core/index.ts";
import type { MatrixError, Result } from "../sim/index.ts";
import { HttpError } from "./types.ts";

export function httpErrorOf(error: MatrixError): HttpError {
  return new HttpError(error.status, error.errcode, error.error);
}

/** The value, or throw the Matrix error for the front end to answer with. */
export function valueOf<T>(result: Result<T>): T {
  if (!result.ok) throw httpErrorOf(result.error);
  return result.value;
}

/** A call that answers through a `reply` callback (later in virtual time), as a Promise of its value. */
export function whenReplied<T>(start: (reply: (r: Result<T>) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    start((r) => (r.ok ? resolve(r.value) : reject(httpErrorOf(r.error))));
  });
}

export function stringField(body: JsonObject, name: string, required: true): string;
export function stringField(body: JsonObject, name: string, required?: false): string | undefined;
export function stringField(body: JsonObject, name: string, required = false): string | undefined {
  const value: JsonValue | undefined = body[name];
  if (value === undefined || value === null) {
    if (required) throw new HttpError(400, "M_BAD_JSON", `${name} is required`);
    return undefined;
  }
  if (typeof value !== "string") throw new HttpError(400, "M_BAD_JSON", `${name} must be a string`);
  return value;
}

/** A whole-number query parameter within [min, max], or the fallback when absent. */
export function intParam(query: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const text = query.get(name);
  if (text === null || text === "") return fallback;
  if (!/^\d+$/.test(text)) throw new HttpError(400, "M_INVALID_PARAM", `${name} must be a whole number`);
  return Math.min(max, Math.max(min, Number(text)));
}
