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

/** A map of levels (`users`, `events`, `notifications`) as the content holds it. */
type Levels = Readonly<Record<string, unknown>>;

/** One entry that differs between two maps of levels, as the rule compares them. */
export interface ChangedLevel {
  key: string;
  /** Present before, with its level (invalid counts 0), or undefined when absent. */
  before: number | undefined;
  after: number | undefined;
}

export class ParsedPowerLevels {
  private badUser: { entry: BadUserEntry | undefined } | undefined;

  constructor(
    private readonly content: Readonly<Record<string, unknown>>,
    readonly version: RoomVersion,
  ) {}

  /** One of the maps of levels; a value that is not an object reads as empty. */
  levelsOf(map: "users" | "events" | "notifications"): Levels {
    const levels = this.content[map];
    return isJsonObject(levels) ? levels : EMPTY;
  }

  /**
   * The first entry of `users` (in insertion order) that is not a valid user id with an
   * integer level. `cited`, a PL event already found to have no bad entry (usually the one
   * this event replaces), vouches for the entries it holds with the same integer: a PL
   * event changes a few of its 2,000 users, and the first resolution in a process checks
   * thousands of them (issue 11's cold run). The answer never depends on `cited`.
   */
  firstBadUserEntry(cited?: ParsedPowerLevels): BadUserEntry | undefined {
    if (this.badUser === undefined) {
      let entry: BadUserEntry | undefined;
      const users = this.content.users;
      if (isJsonObject(users)) {
        const vouched =
          cited !== undefined && cited.version === this.version && cited.knownGood() ? cited.levelsOf("users") : EMPTY;
        for (const userId of keysOf(users)) {
          const value = users[userId];
          // A safe integer found as is in a good PL event: an own entry there, so a valid user id.
          if (vouched[userId] === value && isSafeInteger(value)) continue;
          if (!isValidUserId(userId)) entry = { userId, problem: "user id" };
          else if (!isSafeInteger(value) && parsePowerLevel(value, this.version) === undefined)
            entry = { userId, problem: "level" };
          if (entry !== undefined) break;
        }
      }
      this.badUser = { entry };
    }
    return this.badUser.entry;
  }

  /** Whether `users` is already known to hold no bad entry. */
  private knownGood(): boolean {
    return this.badUser !== undefined && this.badUser.entry === undefined;
  }
}

export interface BadUserEntry {
  userId: string;
  problem: "user id" | "level";
}

const cache = new WeakMap<object, ParsedPowerLevels>();
const EMPTY: Levels = Object.freeze({});
const keyLists = new WeakMap<Levels, readonly string[]>();
/** Per map of a newer PL event, its differences from older maps (each pair compared once). */
const changesFrom = new WeakMap<Levels, WeakMap<Levels, { version: RoomVersion; changed: readonly ChangedLevel[] }>>();

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
export function changedLevels(
  before: ParsedPowerLevels,
  after: ParsedPowerLevels,
  map: "users" | "events" | "notifications",
): readonly ChangedLevel[] {
  const b = before.levelsOf(map);
  const a = after.levelsOf(map);
  let memo = changesFrom.get(a);
  if (memo === undefined) changesFrom.set(a, (memo = new WeakMap()));
  let changed = memo.get(b);
  if (changed === undefined || changed.version !== after.version) {
    const version = after.version;
    const list: ChangedLevel[] = [];
    // Every own key of either map, read as plain property accesses as the rule always has.
    const visit = (key: string): void => {
      const was = b[key];
      const now = a[key];
      if (sameLevel(was, now, version)) return;
      list.push({
        key,
        before: was === undefined ? undefined : (parsePowerLevel(was, version) ?? 0),
        after: now === undefined ? undefined : (parsePowerLevel(now, version) ?? 0),
      });
    };
    // Each key of the newer map, then the older map's keys it lacks (skipped when every
    // one of them was seen): the same union of keys, with less work for large maps.
    const keysB = keysOf(b);
    let shared = 0;
    for (const key of keysOf(a)) {
      const now = a[key];
      if (b[key] === now && isSafeInteger(now)) {
        shared++; // an integer read from b is an own entry of b: no prototype holds numbers
        continue;
      }
      if (Object.hasOwn(b, key)) shared++;
      visit(key);
    }
    if (shared !== keysB.length) for (const key of keysB) if (!Object.hasOwn(a, key)) visit(key);
    changed = { version, changed: list.sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0)) };
    memo.set(b, changed);
  }
  return changed.changed;
}

/**
 * Whether a string is a valid user id, remembered: PL events list the same users again
 * and again. Bounded; when full it starts over (the answer never depends on it).
 */
/**
 * A map's own keys in insertion order, once per map: large maps are in dictionary mode,
 * where every Object.keys call sorts the keys again.
 */
function keysOf(levels: Levels): readonly string[] {
  let keys = keyLists.get(levels);
  if (keys === undefined) keyLists.set(levels, (keys = Object.keys(levels)));
  return keys;
}

/** Whether two values stand for the same level: both absent, or the same valid integer. */
export function sameLevel(a: unknown, b: unknown, version: RoomVersion): boolean {
  if (a === undefined || b === undefined) return a === b;
  // The common case, an entry left as it was, without parsing.
  if (a === b && isSafeInteger(a)) return true;
  const x = parsePowerLevel(a, version);
  return x !== undefined && x === parsePowerLevel(b, version);
}

/** A safe integer is a valid level in every room version (parsePowerLevel returns it as is). */
function isSafeInteger(value: unknown): boolean {
  return typeof value === "number" && Number.isSafeInteger(value);
}

function isValidUserId(id: string): boolean {
  let valid = validUserIds.get(id);
  if (valid === undefined) {
    try {
      parseUserId(id);
      valid = true;
    } catch {
      valid = false;
    }
    if (validUserIds.size >= USER_ID_MEMO_MAX) validUserIds.clear();
    validUserIds.set(id, valid);
  }
  return valid;
}

const USER_ID_MEMO_MAX = 1 << 16;
const validUserIds = new Map<string, boolean>();
