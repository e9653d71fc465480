// sim/assert.ts: an engine invariant that breaks throws, naming the invariant.
import { describe, expect, it } from "vitest";
import { assert, InvariantError } from "../../sim/assert.ts";

describe("assert", () => {
  it("passes silently when the invariant holds, without building the message", () => {
    let built = false;
    expect(() =>
      assert(1 + 1 === 2, () => {
        built = true;
        return "arithmetic";
      }),
    ).not.toThrow();
    expect(built).toBe(false);
  });

  it("throws an InvariantError naming the invariant when it does not", () => {
    const broken = () => assert(false, "forward extremities are never empty");
    expect(broken).toThrow(InvariantError);
    expect(broken).toThrow(/invariant broken: forward extremities are never empty/);
  });
});
