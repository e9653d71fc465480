// Which state a received PDU is checked against (sim/homeserver/soft-fail.ts), rule by rule
// on a stand-in room: no check when its prevs are exactly the forward extremities (in any
// order, a repeated prev counting once), the current state when they are not, and the
// current state resolved with the PDU's own when a prev is missing or only an outlier.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Pdu } from "../../core/index.ts";
import type { RoomStore } from "../../sim/homeserver/room-store.ts";
import { softFailState } from "../../sim/homeserver/soft-fail.ts";
import type { StateSnapshot } from "../../sim/homeserver/state-snapshot.ts";

const CURRENT = { name: "current" } as unknown as StateSnapshot;
const BEFORE = { name: "before the PDU" } as unknown as StateSnapshot;
const RESOLVED = { name: "resolved" } as unknown as StateSnapshot;
const ALL = ["$a", "$b", "$c", "$d"];

/** A room whose forward extremities are `extremities`, holding `held` as well (`outliers` among them). */
function room(extremities: readonly string[], held: readonly string[] = [], outliers: readonly string[] = []) {
  const resolved: StateSnapshot[][] = [];
  const known = new Set([...extremities, ...held]);
  const store = {
    currentState: CURRENT,
    extremityIds: () => [...extremities].sort(),
    isExtremity: (id: string) => extremities.includes(id),
    extremityCount: extremities.length,
    get: (id: string) => (known.has(id) ? { status: outliers.includes(id) ? "outlier" : "accepted" } : undefined),
    stateAfter: () => CURRENT,
    resolveStates: (states: StateSnapshot[]) => {
      resolved.push(states);
      return RESOLVED;
    },
  };
  return { store: store as unknown as RoomStore, resolved };
}

const pdu = (prevs: readonly string[]) => ({ prev_events: prevs }) as unknown as Pdu;

describe("softFailState, as Synapse", () => {
  it("asks no check when the prevs are exactly the extremities, in any order, a repeat counting once", () => {
    const { store } = room(["$a", "$b"]);
    expect(softFailState("synapse", store, pdu(["$b", "$a"]), BEFORE)).toBeUndefined();
    expect(softFailState("synapse", store, pdu(["$a", "$b", "$a"]), BEFORE)).toBeUndefined();
  });

  it("checks against the current state when the prevs are fewer, more or other than the extremities", () => {
    const { store, resolved } = room(["$a", "$b"], ["$old"]);
    expect(softFailState("synapse", store, pdu(["$a"]), BEFORE)).toBe(CURRENT);
    expect(softFailState("synapse", store, pdu(["$a", "$a"]), BEFORE)).toBe(CURRENT);
    expect(softFailState("synapse", store, pdu(["$a", "$b", "$old"]), BEFORE)).toBe(CURRENT);
    expect(softFailState("synapse", store, pdu(["$old"]), BEFORE)).toBe(CURRENT);
    expect(resolved).toEqual([]);
  });

  it("resolves the current state with the PDU's own when a prev is missing or only an outlier", () => {
    const { store, resolved } = room(["$a"], ["$out"], ["$out"]);
    expect(softFailState("synapse", store, pdu(["$a", "$gone"]), BEFORE)).toBe(RESOLVED);
    expect(softFailState("synapse", store, pdu(["$out"]), BEFORE)).toBe(RESOLVED);
    expect(resolved).toEqual([
      [CURRENT, BEFORE],
      [CURRENT, BEFORE],
    ]);
  });

  it("skips the check exactly when prevs and extremities hold the same ids (as sets)", () => {
    const id = fc.constantFrom(...ALL);
    fc.assert(
      fc.property(fc.uniqueArray(id, { maxLength: 4 }), fc.array(id, { maxLength: 6 }), (extremities, prevs) => {
        const { store } = room(extremities, ALL);
        const same = extremities.every((x) => prevs.includes(x)) && prevs.every((p) => extremities.includes(p));
        expect(softFailState("synapse", store, pdu(prevs), BEFORE) === undefined).toBe(same);
      }),
    );
  });
});

describe("softFailState, as netsplit 0.1 (resolve-with-event)", () => {
  it("always resolves the extremities' states with the PDU's own", () => {
    const { store, resolved } = room(["$a", "$b"]);
    expect(softFailState("resolve-with-event", store, pdu(["$a", "$b"]), BEFORE)).toBe(RESOLVED);
    expect(resolved).toEqual([[CURRENT, CURRENT, BEFORE]]);
  });
});
