// Power-level arithmetic shared by the authorization rules and by state resolution's
// orderings (spec: server-server-api.md "Definitions"; m.room.power_levels schema;
// rooms/v12.md for privileged creators, v10.md for integer-only values).

import type { CreateContent, Pdu, PowerLevelsContent } from "../events.ts";
import { isJsonObject } from "../json.ts";
import type { RoomVersion } from "../room-versions.ts";

/** The power of a v12 creator: above every integer a PL event can hold. */
export const CREATOR_POWER = Number.POSITIVE_INFINITY;

/** Defaults when a key is missing (or, for the pre-PL case, when there is no PL event). */
export const POWER_DEFAULTS = {
  ban: 50,
  kick: 50,
  redact: 50,
  invite: 0,
  state_default: 50,
  events_default: 0,
  users_default: 0,
  notificationsRoom: 50,
  /** What the creator has before any PL event exists (v1-v11). */
  creatorWithoutPowerLevels: 100,
} as const;

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
// v1-v9 accept integer-looking strings: optional sign, digits, surrounding whitespace.
const INTEGER_STRING = /^\s*[+-]?\d+\s*$/;

/**
 * The integer a power-level value stands for in this room version, or undefined when
 * it is not a valid value (v10+: only JSON integers; before: also integer strings).
 */
export function parsePowerLevel(value: unknown, version: RoomVersion): number | undefined {
  if (typeof value === "number") {
    if (Number.isInteger(value)) return Math.abs(value) <= MAX_SAFE ? value : undefined;
    // v1-v5 tolerate floats (non-canonical JSON): truncate toward zero.
    if (!version.strictCanonicalJson && Number.isFinite(value)) return Math.trunc(value);
    return undefined;
  }
  if (typeof value === "string" && !version.auth.integerPowerLevels && INTEGER_STRING.test(value)) {
    const n = Number(value.trim());
    return Number.isSafeInteger(n) ? n : undefined;
  }
  return undefined;
}

/** A power-level field with its default; invalid values count as the default. */
export function powerLevelField(
  content: PowerLevelsContent | undefined,
  field: "ban" | "kick" | "redact" | "invite" | "state_default" | "events_default" | "users_default",
  version: RoomVersion,
): number {
  if (content === undefined) return POWER_DEFAULTS[field];
  return parsePowerLevel(content[field], version) ?? POWER_DEFAULTS[field];
}

/**
 * The room's creators: v12 the create event's sender plus `additional_creators`;
 * v11 the sender; v1-v10 `content.creator`.
 */
export function creatorsOf(create: Pdu | undefined, version: RoomVersion): ReadonlySet<string> {
  if (!create) return new Set<string>();
  // Asked for every sender's power level: read once per create event and version.
  const known = creatorsByCreate.get(create);
  if (known !== undefined && known.version === version) return known.creators;
  const creators = readCreators(create, version);
  creatorsByCreate.set(create, { version, creators });
  return creators;
}

const creatorsByCreate = new WeakMap<Pdu, { version: RoomVersion; creators: ReadonlySet<string> }>();

function readCreators(create: Pdu, version: RoomVersion): ReadonlySet<string> {
  const creators = new Set<string>();
  const content = create.content as CreateContent;
  if (version.auth.createRequiresCreator) {
    if (typeof content.creator === "string") creators.add(content.creator);
    return creators;
  }
  creators.add(create.sender);
  if (version.auth.privilegedCreators && Array.isArray(content.additional_creators)) {
    for (const c of content.additional_creators) if (typeof c === "string") creators.add(c);
  }
  return creators;
}

/**
 * A user's power level given the room's create and power-levels events (either may be
 * missing). v12 creators are infinitely powerful whatever the PL event says.
 */
export function userPowerLevel(
  userId: string,
  powerLevels: Pdu | undefined,
  create: Pdu | undefined,
  version: RoomVersion,
): number {
  // since v12: creators outrank every integer.
  if (version.auth.privilegedCreators && creatorsOf(create, version).has(userId)) return CREATOR_POWER;
  if (powerLevels) {
    const content = powerLevels.content as PowerLevelsContent;
    const users = isJsonObject(content.users) ? content.users : undefined;
    if (users && Object.hasOwn(users, userId)) {
      const level = parsePowerLevel(users[userId], version);
      if (level !== undefined) return level;
    }
    return powerLevelField(content, "users_default", version);
  }
  // No PL event yet: the creator has 100 and everyone else 0.
  return creatorsOf(create, version).has(userId) ? POWER_DEFAULTS.creatorWithoutPowerLevels : 0;
}

/** The level needed to send an event of `type` (state or not). */
export function requiredPowerLevel(
  type: string,
  isState: boolean,
  powerLevels: Pdu | undefined,
  version: RoomVersion,
): number {
  const content = powerLevels?.content as PowerLevelsContent | undefined;
  const events = content && isJsonObject(content.events) ? content.events : undefined;
  if (events && Object.hasOwn(events, type)) {
    const level = parsePowerLevel(events[type], version);
    if (level !== undefined) return level;
  }
  return powerLevelField(content, isState ? "state_default" : "events_default", version);
}
