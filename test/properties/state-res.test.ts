// Laws of state resolution over generated forked rooms (fast-check, pinned seed; a
// failure prints the seed and the shrunk room parameters to replay it).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  authEventIds,
  parseRoomVersion,
  resolveState,
  stateMapToObject,
  type EventId,
  type StateMap,
} from "../../core/index.ts";
import { generateForkedRoom, mulberry32 } from "../../scenarios/generators/forked-room.ts";

const SEED = 4297;

const roomParams = fc.record({
  roomVersion: fc.constantFrom("10", "11", "12"),
  seed: fc.nat(),
  users: fc.integer({ min: 2, max: 8 }),
  historyEvents: fc.integer({ min: 0, max: 60 }),
  branches: fc.integer({ min: 2, max: 4 }),
  eventsPerBranch: fc.integer({ min: 1, max: 40 }),
});

type RoomParams = {
  roomVersion: string;
  seed: number;
  users: number;
  historyEvents: number;
  branches: number;
  eventsPerBranch: number;
};

function room(p: RoomParams) {
  return generateForkedRoom({ ...p, roomVersion: parseRoomVersion(p.roomVersion), random: mulberry32(p.seed) });
}

const show = (s: StateMap) => JSON.stringify(stateMapToObject(s));

describe("state resolution laws", () => {
  it("does not depend on the order of the state sets", () => {
    fc.assert(
      fc.property(roomParams, fc.nat(), (p, shuffleSeed) => {
        const r = room(p);
        const rnd = mulberry32(shuffleSeed);
        const shuffled = [...r.stateSets]
          .map((s) => ({ s, k: rnd() }))
          .sort((a, b) => a.k - b.k)
          .map((x) => x.s);
        expect(show(resolveState(parseRoomVersion(p.roomVersion), shuffled, r.fetch))).toBe(
          show(resolveState(parseRoomVersion(p.roomVersion), r.stateSets, r.fetch)),
        );
      }),
      { seed: SEED, numRuns: 60 },
    );
  });

  it("resolve([S]) = S and resolve([S, S]) = S", () => {
    fc.assert(
      fc.property(roomParams, (p) => {
        const r = room(p);
        const s = r.stateSets[0]!;
        expect(show(resolveState(parseRoomVersion(p.roomVersion), [s], r.fetch))).toBe(show(s));
        expect(show(resolveState(parseRoomVersion(p.roomVersion), [s, s], r.fetch))).toBe(show(s));
      }),
      { seed: SEED, numRuns: 40 },
    );
  });

  it("keeps unconflicted keys, and holds only events of the input sets or their auth chains", () => {
    fc.assert(
      fc.property(roomParams, (p) => {
        const r = room(p);
        const resolved = resolveState(parseRoomVersion(p.roomVersion), r.stateSets, r.fetch);
        const [first, ...rest] = r.stateSets;
        for (const [k, id] of first!) if (rest.every((s) => s.get(k) === id)) expect(resolved.get(k)).toBe(id);
        // Everything reachable from the state sets through auth_events (explicit stack).
        const allowed = new Set<EventId>();
        const stack = r.stateSets.flatMap((s) => [...s.values()]);
        while (stack.length > 0) {
          const id = stack.pop()!;
          if (allowed.has(id)) continue;
          allowed.add(id);
          stack.push(...authEventIds(r.fetch(id)!));
        }
        for (const id of resolved.values()) expect(allowed.has(id)).toBe(true);
      }),
      { seed: SEED, numRuns: 60 },
    );
  });

  it("is deterministic", () => {
    fc.assert(
      fc.property(roomParams, (p) => {
        expect(show(resolveState(parseRoomVersion(p.roomVersion), room(p).stateSets, room(p).fetch))).toBe(
          show(resolveState(parseRoomVersion(p.roomVersion), room(p).stateSets, room(p).fetch)),
        );
      }),
      { seed: SEED, numRuns: 30 },
    );
  });
});
