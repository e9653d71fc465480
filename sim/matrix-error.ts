// Client-Server API errors: what a simulated client gets back instead of an exception.

export type MatrixErrcode =
  | "M_FORBIDDEN"
  | "M_UNKNOWN_TOKEN"
  | "M_NOT_FOUND"
  | "M_BAD_JSON"
  | "M_INVALID_PARAM"
  | "M_USER_IN_USE"
  | "M_INVALID_USERNAME"
  | "M_EXCLUSIVE"
  | "M_ROOM_IN_USE"
  | "M_INVALID_ROOM_STATE"
  | "M_UNSUPPORTED_ROOM_VERSION"
  | "M_INCOMPATIBLE_ROOM_VERSION"
  | "M_LIMIT_EXCEEDED"
  | "M_TOO_LARGE"
  | "M_UNKNOWN";

export interface MatrixError {
  errcode: MatrixErrcode;
  error: string;
  status: number;
}

export function matrixError(errcode: MatrixErrcode, error: string, status = defaultStatus(errcode)): MatrixError {
  return { errcode, error, status };
}

function defaultStatus(errcode: MatrixErrcode): number {
  switch (errcode) {
    case "M_FORBIDDEN":
    case "M_EXCLUSIVE":
      return 403;
    case "M_UNKNOWN_TOKEN":
      return 401;
    case "M_NOT_FOUND":
      return 404;
    case "M_LIMIT_EXCEEDED":
      return 429;
    case "M_TOO_LARGE":
      return 413;
    case "M_UNKNOWN":
      return 500;
    default:
      return 400;
  }
}

/** The outcome of a client call: a value, or a Matrix error. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: MatrixError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T = never>(errcode: MatrixErrcode, error: string): Result<T> => ({
  ok: false,
  error: matrixError(errcode, error),
});
