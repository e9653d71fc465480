// The power-levels rule's shortcuts (core/auth/parsed-power-levels.ts) against the rule's
// own definitions: the first bad entry of `users` is the same with or without a cited PL
// event vouching for entries, and the changed entries are those of the union of keys,
// read as plain property accesses, whose levels differ.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { changedLevels, parsedPowerLevels } from "../../../core/auth/parsed-power-levels.ts";
import { parsePowerLevel } from "../../../core/auth/power-levels.ts";
import { parseRoomVersion, type RoomVersion } from "../../../core/index.ts";

const KEYS = [
  "@a:x.org",
  "@b:x.org",
  "@c:x.org",
  "@d:y.org",
  "not a user",
  "@e",
  "constructor",
  "toString",
  "@f:x.org",
];
const VALUES = [0, 50, 100, -5, 2 ** 60, 1.5, "50", " 7 ", "x", null, true, {}];

/** A map built from entries in the given order: its insertion order is part of the test. */
const levelsArb = fc
  .array(fc.tuple(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES)), { maxLength: 8 })
  .map((entries) => {
    const map: Record<string, unknown> = {};
    for (const [k, v] of entries) map[k] = v;
    return map;
  });

/** A second map derived from the first: most entries kept as they are, some changed, dropped or added. */
const pairArb = fc
  .tuple(levelsArb, levelsArb, fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }))
  .map(([before, extra, keep]) => {
    const after: Record<string, unknown> = {};
    Object.keys(before).forEach((k, i) => {
      if (keep[i % keep.length]) after[k] = before[k];
    });
    return { before, after: { ...after, ...extra } };
  });

function naiveFirstBad(
  users: Record<string, unknown>,
  version: RoomVersion,
): { userId: string; problem: string } | undefined {
  for (const userId of Object.keys(users)) {
    if (!/^@[^:]+:[^:]+$/.test(userId)) return { userId, problem: "user id" };
    if (parsePowerLevel(users[userId], version) === undefined) return { userId, problem: "level" };
  }
  return undefined;
}

function naiveChanged(before: Record<string, unknown>, after: Record<string, unknown>, version: RoomVersion) {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort((x, y) =>
    x < y ? -1 : x > y ? 1 : 0,
  );
  const level = (v: unknown) => (v === undefined ? undefined : (parsePowerLevel(v, version) ?? 0));
  return keys
    .filter((k) => {
      const [was, now] = [before[k], after[k]];
      if (was === undefined || now === undefined) return was !== now;
      const x = parsePowerLevel(was, version);
      return x === undefined || x !== parsePowerLevel(now, version);
    })
    .map((key) => ({ key, before: level(before[key]), after: level(after[key]) }));
}

describe("parsed power levels", () => {
  for (const id of ["1", "10"]) {
    const version = parseRoomVersion(id);
    it(`v${id}: the first bad user entry does not depend on the cited PL event or on the order of the questions, and changed entries follow the definition`, () => {
      fc.assert(
        fc.property(pairArb, fc.boolean(), fc.boolean(), ({ before, after }, citedFirst, changesFirst) => {
          // Fresh content objects, so that no memo of another run answers.
          const b = parsedPowerLevels({ users: { ...before } }, version);
          const a = parsedPowerLevels({ users: { ...after } }, version);
          if (citedFirst) b.firstBadUserEntry();
          // Either order: the users comparison also finds the first bad entry when b vouches.
          const changes = changesFirst ? changedLevels(b, a, "users") : undefined;
          expect(a.firstBadUserEntry(b)).toEqual(naiveFirstBad(after, version));
          expect(changes ?? changedLevels(b, a, "users")).toEqual(naiveChanged(before, after, version));
        }),
        { numRuns: 500 },
      );
    });
  }
});
