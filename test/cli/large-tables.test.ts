// Tables over large inputs: the resolve command's state table of 150,000 keys (its
// column widths once spread 150,000 values into Math.max, beyond the call stack).
import { describe, expect, it } from "vitest";
import { formatStateTable } from "../../cli/format-resolution.ts";
import { stateKey, type EventId, type StateKey } from "../../core/index.ts";

describe("large tables", () => {
  it("formats a resolved state of 150,000 keys", () => {
    const state = new Map<StateKey, EventId>();
    for (let i = 0; i < 150_000; i++) state.set(stateKey("m.room.member", `@u${i}:hs1`), `$e${i}` as EventId);
    const text = formatStateTable(state);
    expect(text.split("\n")).toHaveLength(150_001);
    expect(text.split("\n")[1]).toMatch(/^m\.room\.member {2}"@u0:hs1" +\$e0$/);
  });
});
