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
      const users = this.content.users;
      if (!isJsonObject(users)) this.badUser = { entry: undefined };
      else if (cited !== undefined && this.vouchedBy(cited)) {
        // The entries the cited event does not vouch for are exactly those that differ
        // from it: the users comparison of the rule finds them, and checks them on the way
        // (one pass over a map of thousands of users instead of two: issue 11's cold run).
        changedLevels(cited, this, "users");
      }
      // Without a good cited event (or when the comparison was already remembered): every entry.
      if (this.badUser === undefined) this.badUser = { entry: this.firstBadAmong(ownKeys(users as Levels)) };
    }
    return this.badUser.entry;
  }

  /** Whether `cited` may vouch for this event's entries: the same rules, and no bad entry. */
  vouchedBy(cited: ParsedPowerLevels): boolean {
    return cited.version === this.version && cited.badUser !== undefined && cited.badUser.entry === undefined;
  }

  /** The first of `userIds` (in the order given) that is not a valid user id with a valid level. */
  firstBadAmong(userIds: Iterable<string>): BadUserEntry | undefined {
    const users = this.levelsOf("users");
    for (const userId of userIds) {
      if (!isValidUserId(userId)) return { userId, problem: "user id" };
      const value = users[userId];
      if (!isSafeInteger(value) && parsePowerLevel(value, this.version) === undefined)
        return { userId, problem: "level" };
    }
    return undefined;
  }

  /** Set by changedLevels when it has checked every entry that `cited` does not vouch for. */
  recordFirstBadUserEntry(entry: BadUserEntry | undefined): void {
    this.badUser ??= { entry };
  }
}

export interface BadUserEntry {
  userId: string;
  problem: "user id" | "level";
}

const cache = new WeakMap<object, ParsedPowerLevels>();
const EMPTY: Levels = Object.freeze({});
/** How many own keys a map has, once known: a later comparison needs only the count. */
const keyCounts = new WeakMap<Levels, number>();
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
    // Each key of the newer map, then the older map's keys it lacks (skipped when every
    // one of them was seen): the same union of keys, with less work for large maps.
    // For `users`, when `before` may vouch for `after`: the entries it does not vouch for
    // are the ones this loop visits; their ids are kept to find after's first bad entry.
    // (`users` not an object reads as empty: no entry, so none bad, as firstBadUserEntry says.)
    const unvouched: string[] | undefined = map === "users" && after.vouchedBy(before) ? [] : undefined;
    let shared = 0;
    for (const key of ownKeys(a)) {
      const now = a[key];
      if (b[key] === now && isSafeInteger(now)) {
        shared++; // an integer read from b is an own entry of b: no prototype holds numbers
        continue;
      }
      unvouched?.push(key);
      if (Object.hasOwn(b, key)) shared++;
      visit(list, b, a, key, version);
    }
    if (unvouched !== undefined) after.recordFirstBadUserEntry(after.firstBadAmong(unvouched));
    if (shared !== keyCount(b))
      for (const key of ownKeys(b)) if (!Object.hasOwn(a, key)) visit(list, b, a, key, version);
    changed = { version, changed: list.sort(byKey) };
    memo.set(b, changed);
  }
  return changed.changed;
}

/**
 * Adds the entry `key` to `list` when its level differs between `b` and `a` (every own key of
 * either map is visited, read as plain property accesses as the rule always has). A function
 * of its own, not a closure per comparison: under esbuild's keepNames each closure costs a
 * defineProperty (issue 11's first resolution).
 */
function visit(list: ChangedLevel[], b: Levels, a: Levels, key: string, version: RoomVersion): void {
  const was = b[key];
  const now = a[key];
  if (sameLevel(was, now, version)) return;
  list.push({
    key,
    before: was === undefined ? undefined : (parsePowerLevel(was, version) ?? 0),
    after: now === undefined ? undefined : (parsePowerLevel(now, version) ?? 0),
  });
}

function byKey(x: ChangedLevel, y: ChangedLevel): number {
  return x.key < y.key ? -1 : x.key > y.key ? 1 : 0;
}

/**
 * A map's own keys in insertion order, its count remembered. The list itself is not kept:
 * a PL event's 2,000 users made a list per event that outlived the resolution, and the
 * collector copied them all (issue 11's first resolution over new events); a later
 * comparison against the map needs only how many keys it has.
 */
function ownKeys(levels: Levels): readonly string[] {
  const keys = Object.keys(levels);
  keyCounts.set(levels, keys.length);
  return keys;
}

function keyCount(levels: Levels): number {
  return keyCounts.get(levels) ?? ownKeys(levels).length;
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

/**
 * Whether a string is a valid user id, remembered: PL events list the same users again
 * and again. Bounded; when full it starts over (the answer never depends on it).
 */
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
