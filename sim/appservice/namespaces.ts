// Which users, aliases and rooms a service claims, and which events it is interested in
// (spec: application-service-api.md "Registration" and the registration schema's
// descriptions of sender_localpart and each namespace list).
//
// Anchoring: the spec gives POSIX-style regexes and does not say whether one must match
// the whole id or only a part (spec digest 8.1, 11). Synapse uses Python's re.match,
// anchored at the start only, so `@_irc_.*` also matches `@_irc_x:other.org`. netsplit
// requires a full match: `@_irc_.*:hs1` must cover the whole user id. That is the
// reading that makes a namespace mean exactly what it says, and a registration written
// for start-anchoring usually ends in `.*` and means the same.

import { contentOf, splitStateKey, stateKey, type Pdu, type UserId } from "../../core/index.ts";
import type { RoomView } from "./host.ts";
import { NAMESPACE_KINDS, type NamespaceEntry, type NamespaceKind, type Registration } from "./registration.ts";

export interface CompiledNamespace extends NamespaceEntry {
  readonly pattern: RegExp;
}

/** The regex made to match a whole string (see the anchoring note above). */
export function fullMatch(regex: string): RegExp {
  return new RegExp(`^(?:${regex})$`);
}

export class Namespaces {
  private readonly lists: Record<NamespaceKind, CompiledNamespace[]>;

  constructor(namespaces: Registration["namespaces"]) {
    const compile = (list: readonly NamespaceEntry[]) => list.map((n) => ({ ...n, pattern: fullMatch(n.regex) }));
    this.lists = {
      users: compile(namespaces.users),
      aliases: compile(namespaces.aliases),
      rooms: compile(namespaces.rooms),
    };
  }

  /** The first namespace of the kind that matches the whole value, if any. */
  match(kind: NamespaceKind, value: string): CompiledNamespace | undefined {
    return this.lists[kind].find((n) => n.pattern.test(value));
  }

  matches(kind: NamespaceKind, value: string): boolean {
    return this.match(kind, value) !== undefined;
  }

  /** Whether some exclusive namespace of the kind matches (a non-exclusive match does not reserve). */
  isExclusive(kind: NamespaceKind, value: string): boolean {
    return this.lists[kind].some((n) => n.exclusive && n.pattern.test(value));
  }

  /** For the trace: the lists as plain data. */
  toJson(): Record<NamespaceKind, NamespaceEntry[]> {
    const out = {} as Record<NamespaceKind, NamespaceEntry[]>;
    for (const kind of NAMESPACE_KINDS)
      out[kind] = this.lists[kind].map(({ regex, exclusive }) => ({ regex, exclusive }));
    return out;
  }
}

/** What interest is decided on: the service's namespaces, its own user, and its homeserver's name. */
export interface InterestSubject {
  readonly namespaces: Namespaces;
  readonly senderUserId: UserId;
  readonly serverName: string;
}

/** Why a service is interested in an event (the first reason found, in this order). */
export type InterestReason = "sender" | "target" | "room id" | "room alias" | "joined member";

/**
 * A user the service speaks for: its own sender user, or a user of its namespace that
 * belongs to its homeserver. Remote users never create interest on their own: a
 * homeserver can only vouch for its own users (the spec's note under "Registration").
 */
export function isInterestedInUser(subject: InterestSubject, userId: string): boolean {
  // The server part of a user id (a string here: any sender or state key may be asked about).
  if (!userId.startsWith("@") || userId.slice(userId.indexOf(":") + 1) !== subject.serverName) return false;
  return userId === subject.senderUserId || subject.namespaces.matches("users", userId);
}

/**
 * Whether the service is interested in an event of a room, judged on the room's current
 * state (the event already applied): its sender or, for a membership, its target is a
 * user the service speaks for; the room id or one of the room's aliases is in a
 * namespace; or such a user is joined to the room.
 *
 * Counting the sender is what implementations do (Synapse) beyond the spec's wording.
 */
export function interestIn(
  subject: InterestSubject,
  room: RoomView,
  pdu: Pdu,
  aliases: readonly string[],
): InterestReason | undefined {
  if (isInterestedInUser(subject, pdu.sender)) return "sender";
  if (pdu.type === "m.room.member" && typeof pdu.state_key === "string" && isInterestedInUser(subject, pdu.state_key))
    return "target";
  if (subject.namespaces.matches("rooms", room.roomId)) return "room id";
  if (aliases.some((a) => subject.namespaces.matches("aliases", a))) return "room alias";
  if (joinedMembers(room).some((u) => isInterestedInUser(subject, u))) return "joined member";
  return undefined;
}

/** The users joined to the room in its current state, sorted. */
export function joinedMembers(room: RoomView): string[] {
  const out: string[] = [];
  for (const [key, id] of room.currentState.entries()) {
    const { type, stateKey } = splitStateKey(key);
    if (type !== "m.room.member") continue;
    const pdu = room.get(id)?.pdu;
    if (pdu && contentOf(pdu, "m.room.member")?.membership === "join") out.push(stateKey);
  }
  return out.sort();
}

/** The aliases a room advertises in its state: m.room.canonical_alias's alias and alt_aliases. */
export function canonicalAliases(room: RoomView): string[] {
  const id = room.currentState.get(stateKey("m.room.canonical_alias", ""));
  const pdu = id ? room.get(id)?.pdu : undefined;
  const content = pdu ? contentOf(pdu, "m.room.canonical_alias") : undefined;
  if (!content) return [];
  const out = typeof content.alias === "string" ? [content.alias] : [];
  if (Array.isArray(content.alt_aliases)) for (const a of content.alt_aliases) if (typeof a === "string") out.push(a);
  return out;
}
