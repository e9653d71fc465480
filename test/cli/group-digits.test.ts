import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { groupDigits } from "../../cli/group-digits.ts";

describe("groupDigits", () => {
  it("groups by threes from the right", () => {
    expect(groupDigits(0)).toBe("0");
    expect(groupDigits(999)).toBe("999");
    expect(groupDigits(1000)).toBe("1,000");
    expect(groupDigits(54_089)).toBe("54,089");
    expect(groupDigits(1_234_567)).toBe("1,234,567");
    expect(groupDigits(-1_234_567)).toBe("-1,234,567");
  });

  it("rounds to a whole number first", () => {
    expect(groupDigits(999.5)).toBe("1,000");
    expect(groupDigits(1234.4)).toBe("1,234");
  });

  it("leaves what is not a plain number of digits as String gives it", () => {
    expect(groupDigits(Number.NaN)).toBe("NaN");
    expect(groupDigits(Number.POSITIVE_INFINITY)).toBe("Infinity");
    expect(groupDigits(1e21)).toBe("1e+21");
  });

  // The peer: ICU's en-US grouping, which the summaries used before.
  it("agrees with toLocaleString('en-US') on every safe integer", () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (n) => {
        expect(groupDigits(n)).toBe(n.toLocaleString("en-US"));
      }),
      { numRuns: 5000 },
    );
  });

  it("prints minus zero as 0 (toLocaleString says -0)", () => {
    expect(groupDigits(-0)).toBe("0");
    expect(groupDigits(-0.4)).toBe("0");
  });

  it("agrees with toLocaleString('en-US') of the rounded number, minus zero aside", () => {
    fc.assert(
      fc.property(fc.double({ min: -1e15, max: 1e15, noNaN: true }), (x) => {
        const whole = Math.round(x) || 0; // -0 becomes 0
        expect(groupDigits(x)).toBe(whole.toLocaleString("en-US"));
      }),
      { numRuns: 2000 },
    );
  });
});
