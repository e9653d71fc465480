// A power-levels content parsed once per event (and room version) for the
// m.room.power_levels rule, which compared every entry of two PL events on each check,
// parsing each value and validating each user id again: in an 11,000-event room with
// 1,000 users that was 40% of a state resolution (issue 11). Now the user ids are checked
// once per event and the entries that differ once per pair of PL events. Events are never
// changed once made, so a parse lives as long as the content object (a WeakMap).

import { parseUserId } from "../ids.ts";
import { isJsonObject } from "../json.ts";
import type { RoomVersion } from "../room-versions.ts";
import { parsePowerLevel } from "./power-levels.ts";

/** A map of levels (`users`, `events`, `notifications`): each present key with its parsed level (undefined when invalid). */
export type ParsedLevels = ReadonlyMap<string, number | undefined>;

/** One entry that differs between two maps of levels, as the rule compares them. */
export interface ChangedLevel {
  key: string;
  /** Present before, with its level (invalid counts 0), or undefined when absent. */
  before: number | undefined;
  after: number | undefined;
}

export class ParsedPowerLevels {
  private readonly levels = new Map<"users" | "events" | "notifications", ParsedLevels>();
  private badUser: { entry: BadUserEntry | undefined } | undefined;

  constructor(
    private readonly content: Readonly<Record<string, unknown>>,
    readonly version: RoomVersion,
  ) {}

  /** One of the maps of levels, parsed the first time it is asked for. */
  levelsOf(map: "users" | "events" | "notifications"): ParsedLevels {
    let levels = this.levels.get(map);
    if (levels === undefined) this.levels.set(map, (levels = parseLevels(this.content[map], this.version)));
    return levels;
  }


  /** The first entry of `users` (in insertion order) that is not a valid user id with an integer level. */
  firstBadUserEntry(): BadUserEntry | undefined {
    if (this.badUser === undefined) {
      let entry: BadUserEntry | undefined;
      const users = this.content.users;
      if (isJsonObject(users)) {
        for (const [userId, value] of Object.entries(users)) {
          if (!isValidUserId(userId)) entry = { userId, problem: "user id" };
          else if (parsePowerLevel(value, this.version) === undefined) entry = { userId, problem: "level" };
          if (entry !== undefined) break;
        }
      }
      this.badUser = { entry };
    }
    return this.badUser.entry;
  }
}

export interface BadUserEntry {
  userId: string;
  problem: "user id" | "level";
}

const cache = new WeakMap<object, ParsedPowerLevels>();
/** Per map of a newer PL event, its differences from older maps (each pair compared once). */
const changesFrom = new WeakMap<ParsedLevels, WeakMap<ParsedLevels, readonly ChangedLevel[]>>();

/** The content parsed for this room version, once per content object. */
export function parsedPowerLevels(content: Readonly<Record<string, unknown>>, version: RoomVersion): ParsedPowerLevels {
  let parsed = cache.get(content);
  if (parsed === undefined || parsed.version !== version) {
    parsed = new ParsedPowerLevels(content, version);
    cache.set(content, parsed);
  }
  return parsed;
}

/**
 * The entries whose level differs between two maps (present in one only, or not the same
 * valid integer in both), sorted by key as the rule visits them. Remembered per pair.
 */
export function changedLevels(before: ParsedPowerLevels, after: ParsedPowerLevels, map: "users" | "events" | "notifications"): readonly ChangedLevel[] {
  const b = before.levelsOf(map);
  const a = after.levelsOf(map);
  let memo = changesFrom.get(a);
  if (memo === undefined) changesFrom.set(a, (memo = new WeakMap()));
  let changed = memo.get(b);
  if (changed === undefined) {
    const list: ChangedLevel[] = [];
    for (const [key, was] of b) {
      const now = a.get(key);
      if (!a.has(key) || was === undefined || was !== now) list.push({ key, before: was ?? 0, after: a.has(key) ? (now ?? 0) : undefined });
    }
    for (const [key, now] of a) if (!b.has(key)) list.push({ key, before: undefined, after: now ?? 0 });
    changed = list.sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
    memo.set(b, changed);
  }
  return changed;
}

function parseLevels(value: unknown, version: RoomVersion): ParsedLevels {
  const out = new Map<string, number | undefined>();
  if (!isJsonObject(value)) return out;
  for (const key of Object.keys(value)) {
    const v = value[key];
    // An own key holding undefined (possible in memory, never in JSON) reads as absent.
    if (v !== undefined) out.set(key, parsePowerLevel(v, version));
  }
  return out;
}

function isValidUserId(id: string): boolean {
  try {
    parseUserId(id);
    return true;
  } catch {
    return false;
  }
}
