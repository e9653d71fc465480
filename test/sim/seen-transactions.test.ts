// A server remembers its answers to incoming transactions (so that a retried one is
// answered, not processed again), but only so many: in a long run they were half of the
// engine's memory (issue 12). The oldest answers go first.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nodeCrypto } from "../../cli/node-crypto.ts";
import { World } from "../../sim/index.ts";
import { HOMESERVER_LIMITS } from "../../sim/homeserver/homeserver.ts";
import { SeenTransactions } from "../../sim/homeserver/seen-transactions.ts";

describe("answers to seen transactions", () => {
  it("keeps the newest seenTransactionsMax answers and forgets the oldest", () => {
    const hs = new World({ seed: 1, crypto: nodeCrypto }).addServer("hs1");
    const max = HOMESERVER_LIMITS.seenTransactionsMax;
    const answer = (i: number) => ({ status: 200, body: { i } });
    for (let i = 0; i <= max; i++) hs.rememberTransaction(`hs${2 + (i % 3)}`, `txn${i}`, answer(i));
    expect(hs.seenTransaction("hs2", "txn0")).toBeUndefined();
    expect(hs.seenTransaction("hs3", "txn1")).toEqual(answer(1));
    expect(hs.seenTransaction(`hs${2 + (max % 3)}`, `txn${max}`)).toEqual(answer(max));
  });
});

/** The bounded answers as one Map with joined keys: how they were kept before (and what the new store must match). */
function mapModel(max: number) {
  const seen = new Map<string, unknown>();
  return {
    get: (origin: string, txnId: string) => seen.get(`${origin}\u0000${txnId}`),
    remember(origin: string, txnId: string, response: unknown) {
      if (seen.size >= max) seen.delete(seen.keys().next().value!);
      seen.set(`${origin}\u0000${txnId}`, response);
    },
  };
}

describe("SeenTransactions", () => {
  it("answers as a bounded Map of joined keys would, through any remembering and forgetting", () => {
    const call = fc.record({ origin: fc.constantFrom("hs1", "hs2", "hs3"), txn: fc.nat(12), answer: fc.nat(3) });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.array(call, { maxLength: 60 }), (max, calls) => {
        const store = new SeenTransactions(max);
        const model = mapModel(max);
        for (const { origin, txn, answer } of calls) {
          const response = { status: 200, body: { answer } };
          store.remember(origin, `t${txn}`, response);
          model.remember(origin, `t${txn}`, response);
          for (const o of ["hs1", "hs2", "hs3"])
            for (let t = 0; t <= 12; t++) expect(store.get(o, `t${t}`)).toBe(model.get(o, `t${t}`));
        }
      }),
      { seed: 20261205, numRuns: 300 },
    );
  });
});
