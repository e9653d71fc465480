// Branded identifiers. A value of type `UserId` has passed `parseUserId`, and so on:
// the grammar lives in one place (spec appendices, "Identifier Grammar") and every
// other module can trust its inputs. Parse functions throw IdentifierError on bad input.

import { utf8ByteLength } from "./utf8.ts";

declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

export type ServerName = Brand<string, "ServerName">;
export type UserId = Brand<string, "UserId">;
export type RoomId = Brand<string, "RoomId">;
export type EventId = Brand<string, "EventId">;
export type KeyId = Brand<string, "KeyId">;

export class IdentifierError extends Error {
  constructor(
    readonly kind: string,
    readonly value: string,
    readonly problem: string,
  ) {
    super(`invalid ${kind} ${JSON.stringify(value)}: ${problem}`);
    this.name = "IdentifierError";
  }
}

/** Identifiers (user, room, event ids) are at most 255 bytes including the sigil. */
export const IDENTIFIER_MAX_BYTES = 255;

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const IPV6_LITERAL = /^\[[0-9A-Fa-f:.]{2,45}\]$/;
const DNS_NAME = /^[A-Za-z0-9.-]{1,255}$/;

/** server_name = hostname [ ":" port ], hostname = IPv4 / "[" IPv6 "]" / DNS name. */
export function parseServerName(value: string): ServerName {
  const kind = "server name";
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d{1,5}))?$/.exec(value);
  if (!m) throw new IdentifierError(kind, value, "expected hostname[:port]");
  const host = m[1]!;
  if (host === "") throw new IdentifierError(kind, value, "empty hostname");
  if (!(IPV4.test(host) || IPV6_LITERAL.test(host) || DNS_NAME.test(host))) {
    throw new IdentifierError(kind, value, "hostname may only hold letters, digits, '.' and '-' (or be an IP literal)");
  }
  if (m[2] !== undefined && Number(m[2]) > 65535) throw new IdentifierError(kind, value, "port above 65535");
  return value as ServerName;
}

/** Split `<sigil><localpart>:<server>` at the first colon. */
function splitSigilled(kind: string, sigil: string, value: string): { local: string; server: ServerName } {
  if (!value.startsWith(sigil)) throw new IdentifierError(kind, value, `must start with '${sigil}'`);
  if (utf8ByteLength(value) > IDENTIFIER_MAX_BYTES) {
    throw new IdentifierError(kind, value, `longer than ${IDENTIFIER_MAX_BYTES} bytes`);
  }
  const colon = value.indexOf(":");
  if (colon < 0) throw new IdentifierError(kind, value, "missing ':server' part");
  let server: ServerName;
  try {
    server = parseServerName(value.slice(colon + 1));
  } catch (e) {
    throw new IdentifierError(kind, value, (e as IdentifierError).problem);
  }
  return { local: value.slice(1, colon), server };
}

// Historical user ids may use any printable ASCII except ':'; new ones only the
// lower-case set below (spec appendices, "User Identifiers").
const HISTORICAL_LOCALPART = /^[\x21-\x39\x3b-\x7e]+$/;
const STRICT_LOCALPART = /^[a-z0-9._=/+-]+$/;

/** Accepts the historical grammar, since rooms carry old user ids; see isStrictUserLocalpart. */
export function parseUserId(value: string): UserId {
  const { local } = splitSigilled("user id", "@", value);
  if (!HISTORICAL_LOCALPART.test(local)) {
    throw new IdentifierError("user id", value, "localpart must be printable ASCII without ':'");
  }
  return value as UserId;
}

export function isStrictUserLocalpart(localpart: string): boolean {
  return STRICT_LOCALPART.test(localpart);
}

export function serverOfUser(userId: UserId): ServerName {
  return userId.slice(userId.indexOf(":") + 1) as ServerName;
}

/**
 * Room ids: `!opaque:server` up to room version 11; in version 12, `!` followed by the
 * create event's 43-character URL-safe reference hash and no server part.
 */
export function parseRoomId(value: string): RoomId {
  if (/^![A-Za-z0-9_-]{43}$/.test(value)) return value as RoomId;
  const { local } = splitSigilled("room id", "!", value);
  if (local === "") throw new IdentifierError("room id", value, "empty opaque part");
  return value as RoomId;
}

/**
 * Event ids: `$opaque:server` (room versions 1-2) or `$` + a reference hash (3+). Test
 * fixtures use readable ids such as `$00-create`, which this grammar also accepts:
 * a `$`, then 1+ characters of printable ASCII, at most 255 bytes.
 */
export function parseEventId(value: string): EventId {
  if (!value.startsWith("$")) throw new IdentifierError("event id", value, "must start with '$'");
  if (value.length < 2) throw new IdentifierError("event id", value, "empty after '$'");
  if (!/^\$[\x21-\x7e]+$/.test(value)) {
    throw new IdentifierError("event id", value, "may only hold printable ASCII without spaces");
  }
  if (value.length > IDENTIFIER_MAX_BYTES) {
    throw new IdentifierError("event id", value, `longer than ${IDENTIFIER_MAX_BYTES} bytes`);
  }
  return value as EventId;
}

/** Key ids are `<algorithm>:<version>`, the version from [a-zA-Z0-9_]. */
export function parseKeyId(value: string): KeyId {
  if (!/^[A-Za-z0-9_]+:[A-Za-z0-9_]+$/.test(value)) {
    throw new IdentifierError("key id", value, "expected <algorithm>:<version>, e.g. ed25519:abc_1");
  }
  return value as KeyId;
}
