// The redaction algorithm (spec: rooms/fragments/v1-redactions.md, v6-, v9-, v11-;
// rooms/v8.md). It decides what a hash or signature covers, so it must keep exactly the
// listed keys of each room version: no more, no less.

import type { Pdu } from "./events.ts";
import type { JsonObject } from "./json.ts";
import { isJsonObject } from "./json.ts";
import { countOp } from "./op-counts.ts";
import type { RedactionRules, RoomVersion } from "./room-versions.ts";

const TOP_LEVEL_KEPT = [
  "event_id",
  "type",
  "room_id",
  "sender",
  "state_key",
  "content",
  "hashes",
  "signatures",
  "depth",
  "prev_events",
  "auth_events",
  "origin_server_ts",
] as const;
// v1-v10 only:
const LEGACY_TOP_LEVEL_KEPT = ["origin", "membership", "prev_state"] as const;

/** The top-level keys a room version's redaction keeps. */
export function redactionTopLevelKeys(rules: RedactionRules): readonly string[] {
  return rules.keepsOriginMembershipPrevState ? [...TOP_LEVEL_KEPT, ...LEGACY_TOP_LEVEL_KEPT] : TOP_LEVEL_KEPT;
}

/** The content keys a room version's redaction keeps for an event type ("*" = all). */
export function redactionContentKeys(type: string, rules: RedactionRules): readonly string[] | "*" {
  switch (type) {
    case "m.room.member":
      return [
        "membership",
        ...(rules.memberKeepsJoinAuthorisedVia ? ["join_authorised_via_users_server"] : []),
        // since v11: also third_party_invite.signed, handled in redactContent.
        ...(rules.memberKeepsThirdPartyInviteSigned ? ["third_party_invite"] : []),
      ];
    case "m.room.create":
      return rules.createKeepsAllContent ? "*" : ["creator"];
    case "m.room.join_rules":
      return rules.joinRulesKeepsAllow ? ["join_rule", "allow"] : ["join_rule"];
    case "m.room.power_levels":
      return [
        "ban",
        "events",
        "events_default",
        "kick",
        "redact",
        "state_default",
        "users",
        "users_default",
        ...(rules.powerLevelsKeepsInvite ? ["invite"] : []),
      ];
    case "m.room.history_visibility":
      return ["history_visibility"];
    case "m.room.aliases":
      return rules.aliasesKeepsAliases ? ["aliases"] : [];
    case "m.room.redaction":
      return rules.redactionKeepsRedacts ? ["redacts"] : [];
    default:
      return [];
  }
}

/** How kept values are carried over: deep copies, or the input's own (for a view to hash). */
type Carry = <T>(value: T) => T;

function redactContent(type: string, content: JsonObject, rules: RedactionRules, carry: Carry): JsonObject {
  const keep = redactionContentKeys(type, rules);
  if (keep === "*") return carry(content);
  const out: JsonObject = {};
  for (const key of keep) {
    if (!Object.hasOwn(content, key) || content[key] === undefined) continue;
    if (key === "third_party_invite") {
      // since v11: only the `signed` member of third_party_invite survives.
      const tpi = content[key];
      if (isJsonObject(tpi) && Object.hasOwn(tpi, "signed") && tpi.signed !== undefined) {
        out[key] = { signed: carry(tpi.signed) };
      }
      continue;
    }
    out[key] = carry(content[key]!);
  }
  return out;
}

/** Deep copy of JSON data (cheaper and more predictable than structuredClone here). */
export function structuredCloneJson<T>(value: T): T {
  countOp("structuredCloneJson");
  return cloneJson(value);
}

function cloneJson<T>(value: T): T {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map(cloneJson) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = cloneJson(v);
  return out as T;
}

/** A new, redacted copy of the event; the input is not changed. Idempotent. */
export function redactEvent(pdu: Pdu, roomVersion: RoomVersion): Pdu {
  return redactWith(pdu, roomVersion, structuredCloneJson);
}

/**
 * The redacted event as a view that shares the input's values: only to encode (the
 * reference hash, the bytes a server signs), never to keep or change. Every event is
 * hashed so, and deep copies of its prev and auth events, hashes and signatures were
 * garbage at once.
 */
export function redactedView(pdu: Pdu, roomVersion: RoomVersion): Pdu {
  return redactWith(pdu, roomVersion, (value) => value);
}

function redactWith(pdu: Pdu, roomVersion: RoomVersion, carry: Carry): Pdu {
  const rules = roomVersion.redaction;
  const out: Record<string, unknown> = {};
  for (const key of redactionTopLevelKeys(rules)) {
    if (Object.hasOwn(pdu, key) && pdu[key] !== undefined) out[key] = carry(pdu[key]);
  }
  out.content = redactContent(pdu.type, isJsonObject(pdu.content) ? pdu.content : {}, rules, carry);
  return out as Pdu;
}
