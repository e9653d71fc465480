// The m.room.power_levels rule (rule 10 in v1-v5 and v12, rule 9 in v6-v11): the types
// of the values (strictly integers from v10), creators never listed (v12), and no one
// may grant or take away more power than they hold. Spec: rooms/fragments/
// v1-auth-rules.md 10, v8-auth-rules.md 9, rooms/v10.md, rooms/v12.md.

import type { Pdu } from "../events.ts";
import { isJsonObject } from "../json.ts";
import type { RoomVersion } from "../room-versions.ts";
import type { AuthEvents } from "./auth-events.ts";
import { changedLevels, parsedPowerLevels, sameLevel, type ChangedLevel } from "./parsed-power-levels.ts";
import { creatorsOf, parsePowerLevel } from "./power-levels.ts";
import { ALLOW, deny, type AuthResult } from "./result.ts";
import type { RuleNumbers } from "./rule-numbers.ts";

const TOP_LEVEL = ["users_default", "events_default", "state_default", "ban", "redact", "kick", "invite"] as const;

export function checkPowerLevels(event: Pdu, auth: AuthEvents, version: RoomVersion, rules: RuleNumbers): AuthResult {
  const r = rules.powerLevels;
  const content = event.content;

  // since v10: every level is a JSON integer.
  if (version.auth.integerPowerLevels) {
    for (const key of TOP_LEVEL) {
      if (content[key] !== undefined && parsePowerLevel(content[key], version) === undefined)
        return deny(r.notIntegers!, `${key} is not an integer`);
    }
    for (const key of ["events", "notifications"] as const) {
      const map = content[key];
      if (map !== undefined && !(isJsonObject(map) && allLevels(Object.values(map), version))) {
        return deny(r.eventsNotIntegers!, `${key} is not an object of integers`);
      }
    }
  }
  const users = content.users;
  const parsed = parsedPowerLevels(content, version);
  if (users !== undefined) {
    if (!isJsonObject(users)) return deny(r.users, "users is not an object");
    // The PL event this one replaces, when it checked out, vouches for the entries kept as they were.
    const bad = parsed.firstBadUserEntry(
      auth.powerLevels ? parsedPowerLevels(auth.powerLevels.content, version) : undefined,
    );
    if (bad?.problem === "user id")
      return deny(r.users, `users holds ${JSON.stringify(bad.userId)}, not a valid user id`);
    if (bad?.problem === "level") return deny(r.users, `users[${JSON.stringify(bad.userId)}] is not an integer`);
  }
  // since v12: creators are infinitely powerful and may not be listed.
  if (version.auth.privilegedCreators && isJsonObject(users)) {
    for (const creator of creatorsOf(auth.create, version)) {
      if (Object.hasOwn(users, creator)) return deny(r.creatorInUsers!, `users names the creator ${creator}`);
    }
  }
  const previous = auth.powerLevels;
  if (!previous) return ALLOW;

  const senderLevel = auth.powerLevel(event.sender);
  const old = previous.content;
  for (const key of TOP_LEVEL) {
    const [before, after] = [old[key], content[key]];
    if (sameLevel(before, after, version)) continue;
    if (before !== undefined && (parsePowerLevel(before, version) ?? 0) > senderLevel)
      return deny(r.topLevelChanged, `${key} was above the sender's level`);
    if (after !== undefined && (parsePowerLevel(after, version) ?? 0) > senderLevel)
      return deny(r.topLevelChanged, `${key} would be above the sender's level`);
  }
  // since v6: notifications are guarded like events.
  const maps = version.auth.notificationsPowerLevels ? (["events", "notifications"] as const) : (["events"] as const);
  const before = parsedPowerLevels(old, version);
  for (const key of maps) {
    const problem = checkEntries(changedLevels(before, parsed, key), senderLevel, undefined);
    if (problem)
      return deny(
        problem.when === "old" ? r.eventsOld : r.eventsNew,
        `${key}[${JSON.stringify(problem.entry)}] ${problem.what}`,
      );
  }
  const problem = checkEntries(changedLevels(before, parsed, "users"), senderLevel, event.sender);
  if (problem)
    return deny(
      problem.when === "old" ? r.usersOld : r.usersNew,
      `users[${JSON.stringify(problem.entry)}] ${problem.what}`,
    );
  return ALLOW;
}

/** Whether every value is a valid power level (a loop, not a closure per PL event: issue 11). */
function allLevels(values: readonly unknown[], version: RoomVersion): boolean {
  for (const v of values) if (parsePowerLevel(v, version) === undefined) return false;
  return true;
}

/**
 * For each entry changed or removed, the old value may not exceed the sender's level
 * (for users: may not reach it, except the sender's own entry); for each entry added
 * or changed, the new value may not exceed it. `changed` is sorted by key.
 */
function checkEntries(
  changed: readonly ChangedLevel[],
  senderLevel: number,
  ownEntry: string | undefined,
): { entry: string; when: "old" | "new"; what: string } | undefined {
  const isUsers = ownEntry !== undefined;
  for (const { key, before, after } of changed) {
    if (before !== undefined && key !== ownEntry) {
      if (isUsers ? before >= senderLevel : before > senderLevel) {
        return {
          entry: key,
          when: "old",
          what: isUsers ? "was at or above the sender's level" : "was above the sender's level",
        };
      }
    }
    if (after !== undefined && after > senderLevel) {
      return { entry: key, when: "new", what: "would be above the sender's level" };
    }
  }
  return undefined;
}
