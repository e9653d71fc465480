// RecentBytes (sim/recent-bytes.ts) keeps bytes in one buffer written round and round: it
// may forget an entry, but must never hand back bytes other than the last ones kept for
// that key, whatever the buffer has been through since.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RecentBytes } from "../../sim/recent-bytes.ts";

/** A sink that records what it is given. */
function collect(recent: RecentBytes, key: object): number[] | undefined {
  const out: number[] = [];
  const found = recent.writeTo(key, {
    bytes: (source, start = 0, length = source.length - start) => out.push(...source.subarray(start, start + length)),
  });
  return found ? out : undefined;
}

const opArb = fc.oneof(
  fc.record({ op: fc.constant("keep" as const), key: fc.nat(5), bytes: fc.uint8Array({ maxLength: 40, size: "max" }) }),
  fc.record({ op: fc.constant("get" as const), key: fc.nat(5) }),
);

describe("RecentBytes", () => {
  it("answers a key with the bytes last kept for it, or with nothing", () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
        const keys = Array.from({ length: 6 }, () => ({}));
        // A 64-byte buffer and four entries: laps and evictions come fast.
        const recent = new RecentBytes(64, 4);
        const last = new Map<object, number[]>();
        for (const o of ops) {
          const key = keys[o.key]!;
          if (o.op === "keep") {
            recent.keep(key, o.bytes);
            last.set(key, [...o.bytes]);
            // Just kept (and small enough to keep): it is there.
            if (o.bytes.length <= 32) expect(collect(recent, key)).toEqual([...o.bytes]);
          } else {
            const got = collect(recent, key);
            if (got !== undefined) expect(got).toEqual(last.get(key));
          }
        }
      }),
      { seed: 21, numRuns: 2000 },
    );
  });

  it("forgets an entry once the buffer has come round over it", () => {
    const recent = new RecentBytes(8, 10);
    const [a, b, c] = [{}, {}, {}];
    recent.keep(a, Uint8Array.of(1, 2, 3));
    recent.keep(b, Uint8Array.of(4, 5, 6));
    expect(collect(recent, a)).toEqual([1, 2, 3]);
    // No room left for three more: the next lap starts at 0, over a's bytes, not b's.
    recent.keep(c, Uint8Array.of(7, 8, 9));
    expect(collect(recent, a)).toBeUndefined();
    expect(collect(recent, b)).toEqual([4, 5, 6]);
    expect(collect(recent, c)).toEqual([7, 8, 9]);
  });
});
