// A server remembers its answers to incoming transactions (so that a retried one is
// answered, not processed again), but only so many: in a long run they were half of the
// engine's memory (issue 12). The oldest answers go first.
import { describe, expect, it } from "vitest";
import { nodeCrypto } from "../../cli/node-crypto.ts";
import { World } from "../../sim/index.ts";
import { HOMESERVER_LIMITS } from "../../sim/homeserver/homeserver.ts";

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
