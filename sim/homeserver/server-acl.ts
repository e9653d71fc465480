// Server ACLs (spec: m.room.server_acl, and server-server-api.md "Server Access Control
// Lists"): which servers a room lets make requests about it. The rules, in the spec's
// order: no ACL event allows everyone; an IP literal is denied when allow_ip_literals is
// false; a match in `deny` denies; a match in `allow` allows; anything else is denied.
// Patterns are case-insensitive globs (`*` any run of characters, `?` one character)
// matched against the server name without its port.

import { stateKey, type JsonObject } from "../../core/index.ts";
import type { RoomStore } from "./room-store.ts";

/** Whether `server` may make requests about the room, by the ACL in its current state. */
export function serverAllowedInRoom(room: RoomStore, server: string): boolean {
  const aclId = room.currentState.get(stateKey("m.room.server_acl", ""));
  const acl = aclId ? room.get(aclId)?.pdu : undefined;
  return acl ? serverMatchesAcl(acl.content, server) : true;
}

/** The ACL rules of one m.room.server_acl event's content applied to one server name. */
export function serverMatchesAcl(content: JsonObject, server: string): boolean {
  const host = hostWithoutPort(server);
  if (content.allow_ip_literals === false && isIpLiteral(host)) return false;
  if (patterns(content.deny).some((p) => globMatches(p, host))) return false;
  return patterns(content.allow).some((p) => globMatches(p, host));
}

/** The strings of a list field; anything else in it is ignored, a missing list is empty. */
function patterns(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** `example.org:8448` → `example.org`; `[::1]:8448` → `[::1]`. */
export function hostWithoutPort(server: string): string {
  if (server.startsWith("[")) {
    const end = server.indexOf("]");
    return end < 0 ? server : server.slice(0, end + 1);
  }
  const colon = server.indexOf(":");
  return colon < 0 ? server : server.slice(0, colon);
}

function isIpLiteral(host: string): boolean {
  return host.startsWith("[") || /^\d{1,3}(\.\d{1,3}){3}$/.test(host);
}

/** A glob matched case-insensitively against the whole host (spec appendix: glob-style matching). */
export function globMatches(glob: string, host: string): boolean {
  const source = [...glob]
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[\\^$.|+()[\]{}]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}$`, "is").test(host);
}
