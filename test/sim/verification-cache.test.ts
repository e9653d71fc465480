import { expect, it } from "vitest";
import { nodeCrypto } from "../../cli/node-crypto.ts";
import { signJson, verifyJson } from "../../core/index.ts";
import { withVerificationCache } from "../../sim/homeserver/verification-cache.ts";

it("verifies the same signature bytes once, and still refuses a changed message", () => {
  const crypto = withVerificationCache(nodeCrypto);
  const seed = new Uint8Array(32).fill(5);
  const signed = signJson({ a: 1 }, "hs", "ed25519:k", seed, crypto);
  const pub = crypto.publicKey(seed);
  expect(verifyJson(signed, "hs", "ed25519:k", pub, crypto)).toBe(true);
  expect(verifyJson(signed, "hs", "ed25519:k", pub, crypto)).toBe(true);
  expect(crypto.stats).toEqual({ verifications: 1, cacheHits: 1 });
  expect(verifyJson({ ...signed, a: 2 }, "hs", "ed25519:k", pub, crypto)).toBe(false);
  expect(crypto.stats.verifications).toBe(2);
});
