import { expect, it } from "vitest";
import { nodeCrypto } from "../../cli/node-crypto.ts";
import { signJson, verifyJson, type CryptoBackend } from "../../core/index.ts";
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

it("makes a check's key once when one cache sits over another, and each keeps its own answers", () => {
  let hashes = 0;
  const counting: CryptoBackend = { ...nodeCrypto, sha256: (data) => (hashes++, nodeCrypto.sha256(data)) };
  const run = withVerificationCache(counting);
  const server = withVerificationCache(run);
  const other = withVerificationCache(run);
  const seed = new Uint8Array(32).fill(6);
  const signed = signJson({ a: 1 }, "hs", "ed25519:k", seed, nodeCrypto);
  const pub = nodeCrypto.publicKey(seed);
  expect(verifyJson(signed, "hs", "ed25519:k", pub, server)).toBe(true);
  // One SHA-256 of the signed bytes for both levels: the server's cache made the key.
  expect(hashes).toBe(1);
  expect(server.stats).toEqual({ verifications: 1, cacheHits: 0 });
  expect(run.stats).toEqual({ verifications: 1, cacheHits: 0 });
  // Another server's first check is answered by the run's cache, not verified again.
  expect(verifyJson(signed, "hs", "ed25519:k", pub, other)).toBe(true);
  expect(other.stats).toEqual({ verifications: 1, cacheHits: 0 });
  expect(run.stats).toEqual({ verifications: 1, cacheHits: 1 });
  // A changed message is a different check at every level.
  expect(verifyJson({ ...signed, a: 2 }, "hs", "ed25519:k", pub, server)).toBe(false);
  expect(run.stats.verifications).toBe(2);
});
