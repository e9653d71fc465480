// Resolution only where distinct states meet (sim/homeserver/state-resolver.ts).
import { describe, expect, it } from "vitest";
import { stateKey, type EventId, type StateMap } from "../../core/index.ts";
import { StateResolver } from "../../sim/homeserver/state-resolver.ts";
import { StateSnapshot } from "../../sim/homeserver/state-snapshot.ts";

const NAME = stateKey("m.room.name", "");
const TOPIC = stateKey("m.room.topic", "");
const base = StateSnapshot.EMPTY.with(stateKey("m.room.create", ""), "$create" as EventId);

/** A resolver whose algorithm takes, per key, the greatest event id; it counts its runs. */
function counting() {
  const runs: StateMap[][] = [];
  const resolver = new StateResolver((states) => {
    runs.push(states);
    const out = new Map<ReturnType<typeof stateKey>, EventId>();
    for (const s of states) for (const [k, v] of s) if (!out.has(k) || out.get(k)! < v) out.set(k, v);
    return out;
  });
  return { resolver, runs };
}

describe("StateResolver", () => {
  it("returns the one snapshot when every input is that snapshot, without resolving", () => {
    const { resolver, runs } = counting();
    expect(resolver.resolve([base, base, base])).toBe(base);
    expect(resolver.resolve([])).toBe(StateSnapshot.EMPTY);
    expect(runs).toHaveLength(0);
  });

  it("returns the first of distinct snapshots with the same entries, without resolving", () => {
    const { resolver, runs } = counting();
    const a = base.with(NAME, "$n1" as EventId);
    const b = base.with(NAME, "$n1" as EventId);
    expect(a).not.toBe(b);
    expect(resolver.resolve([a, b])).toBe(a);
    expect(runs).toHaveLength(0);
  });

  it("resolves distinct states once per set, in whatever order they come", () => {
    const { resolver, runs } = counting();
    const a = base.with(NAME, "$n1" as EventId);
    const b = base.with(TOPIC, "$t1" as EventId);
    const first = resolver.resolve([a, b]);
    expect(first.get(NAME)).toBe("$n1");
    expect(first.get(TOPIC)).toBe("$t1");
    expect(resolver.resolve([b, a, b])).toBe(first);
    expect(runs).toHaveLength(1);
    resolver.forget();
    expect(resolver.resolve([a, b]).get(TOPIC)).toBe("$t1");
    expect(runs).toHaveLength(2);
  });

  it("gives back the input an answer equals, so that the next meeting is of one snapshot", () => {
    const { resolver } = counting();
    const older = base.with(NAME, "$n1" as EventId);
    const newer = base.with(NAME, "$n2" as EventId);
    expect(resolver.resolve([older, newer])).toBe(newer);
  });
});
