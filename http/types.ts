// The shapes an HTTP exchange takes inside the front end: a request already read off the
// socket (or handed over by an in-process fetch), and the response to write back. Kept
// apart from node:http so that the same handler serves a real port, a test's fetchFn
// and a replayed recording.

export interface HttpRequest {
  method: string;
  /** Path and query as sent, e.g. `/_matrix/client/v3/sync?since=s3.1&timeout=30000`. */
  url: string;
  /** Lower-case header names. */
  headers: Readonly<Record<string, string | undefined>>;
  /** The body as text ("" when there is none). */
  body: string;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Headers every response carries, so that a browser-based client on another origin can connect (spec: "Web Browser Clients"). */
export const CORS_HEADERS: Readonly<Record<string, string>> = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Methods": "GET, POST, PUT, DELETE, OPTIONS",
  "Access-Control-Allow-Headers": "X-Requested-With, Content-Type, Authorization",
};

export function jsonResponse(status: number, body: unknown): HttpResponse {
  return {
    status,
    headers: { "Content-Type": "application/json", ...CORS_HEADERS },
    body: JSON.stringify(body),
  };
}

/** The spec's standard error response. */
export function errorResponse(status: number, errcode: string, error: string): HttpResponse {
  return jsonResponse(status, { errcode, error });
}

/** An error a handler throws for the front end to answer with (bad input at the boundary). */
export class HttpError extends Error {
  override name = "HttpError";
  constructor(
    readonly status: number,
    readonly errcode: string,
    message: string,
  ) {
    super(message);
  }
}

/** Requests larger than this are refused with 413 M_TOO_LARGE before they are parsed. */
export const REQUEST_BYTES_MAX = 1024 * 1024;
