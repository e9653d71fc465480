// The PDU wire format (spec: data/api/server-server/definitions/pdu_v*.yaml) and the
// content of the state events the protocol itself reads. Wire formats are kept apart
// from behaviour: these are plain types, the rules live in their own modules.

import type { EventId } from "./ids.ts";
import type { JsonObject, JsonValue } from "./json.ts";

/** v1-v2 reference `[event_id, {sha256: hash}]`; v3+ plain event id. */
export type EventRef = string | [string, Record<string, string>];

/** A PDU as it travels over federation, for any room version. */
export interface Pdu {
  /** Absent only on the room version 12 create event. */
  room_id?: string;
  sender: string;
  origin_server_ts: number;
  type: string;
  state_key?: string;
  content: JsonObject;
  prev_events: EventRef[];
  auth_events: EventRef[];
  depth: number;
  hashes: { sha256?: string; [algorithm: string]: string | undefined };
  signatures: { [server: string]: { [keyId: string]: string } };
  unsigned?: JsonObject;
  /** Top-level in v1-v10 redactions; `content.redacts` from v11. */
  redacts?: string;
  /** Carried only in room versions 1-2, where the sender chooses the id. */
  event_id?: string;
  /** Legacy fields that pre-v11 redaction keeps. */
  origin?: string;
  membership?: string;
  prev_state?: JsonValue;
  [extra: string]: JsonValue | undefined;
}

/** The id an `EventRef` points at, whichever format it has. */
export function refId(ref: EventRef): EventId {
  return (typeof ref === "string" ? ref : ref[0]) as EventId;
}

/** How event lookups are handed in (state resolution, auth chains). `undefined`: not known. */
export type FetchEvent = (id: EventId) => Pdu | undefined;

export function prevEventIds(pdu: Pdu): EventId[] {
  return pdu.prev_events.map(refId);
}

export function authEventIds(pdu: Pdu): EventId[] {
  return pdu.auth_events.map(refId);
}

export function isStateEvent(pdu: Pdu): pdu is Pdu & { state_key: string } {
  return typeof pdu.state_key === "string";
}

export type Membership = "join" | "invite" | "leave" | "ban" | "knock";
export type JoinRule = "public" | "invite" | "knock" | "restricted" | "knock_restricted" | "private";

export interface CreateContent {
  creator?: string;
  room_version?: string;
  additional_creators?: string[];
  "m.federate"?: boolean;
  predecessor?: { room_id: string; event_id?: string };
  type?: string;
  [extra: string]: JsonValue | undefined;
}

export interface MemberContent {
  membership: Membership;
  displayname?: string | null;
  avatar_url?: string | null;
  reason?: string;
  join_authorised_via_users_server?: string;
  third_party_invite?: { display_name: string; signed: JsonObject };
  is_direct?: boolean;
  [extra: string]: JsonValue | undefined;
}

/** Power levels: values are integers from v10 on, integers or numeric strings before. */
export type PowerLevelValue = number | string;

export interface PowerLevelsContent {
  ban?: PowerLevelValue;
  invite?: PowerLevelValue;
  kick?: PowerLevelValue;
  redact?: PowerLevelValue;
  state_default?: PowerLevelValue;
  events_default?: PowerLevelValue;
  users_default?: PowerLevelValue;
  events?: Record<string, PowerLevelValue>;
  users?: Record<string, PowerLevelValue>;
  notifications?: Record<string, PowerLevelValue>;
  [extra: string]: JsonValue | undefined;
}

export interface JoinRulesContent {
  join_rule: JoinRule;
  allow?: Array<{ type: string; room_id?: string }>;
  [extra: string]: JsonValue | undefined;
}

export interface ThirdPartyInviteContent {
  display_name: string;
  key_validity_url: string;
  public_key: string;
  public_keys?: Array<{ public_key: string; key_validity_url?: string }>;
  [extra: string]: JsonValue | undefined;
}

/** Content of each state event type the protocol reads; others are plain JSON objects. */
export interface StateContentByType {
  "m.room.create": CreateContent;
  "m.room.member": MemberContent;
  "m.room.power_levels": PowerLevelsContent;
  "m.room.join_rules": JoinRulesContent;
  "m.room.third_party_invite": ThirdPartyInviteContent;
  "m.room.history_visibility": { history_visibility: "invited" | "joined" | "shared" | "world_readable" };
  "m.room.guest_access": { guest_access: "can_join" | "forbidden" };
  "m.room.name": { name: string };
  "m.room.topic": { topic: string };
  "m.room.canonical_alias": { alias?: string | null; alt_aliases?: string[] };
  "m.room.aliases": { aliases: string[] };
  "m.room.tombstone": { body: string; replacement_room: string };
}

export type StateContent<T extends string> = T extends keyof StateContentByType ? StateContentByType[T] : JsonObject;

/** A PDU whose content is typed by its `type`. */
export type TypedPdu<T extends string> = Pdu & { type: T; content: StateContent<T> & JsonObject };

/** Read a PDU's content as the type its event type implies (no validation: see auth rules). */
export function contentOf<T extends string>(pdu: Pdu, type: T): StateContent<T> | undefined {
  return pdu.type === type ? (pdu.content as unknown as StateContent<T>) : undefined;
}
