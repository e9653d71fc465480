// A homeserver never verifies the same signature twice: the same check on the same
// bytes gives the same answer, so answers are kept, keyed by public key, signature and
// the SHA-256 of the signed bytes (hashing is far cheaper than ed25519 verification).
//
// Caches may sit one over another (each server's over the run's, scenarios/runner/run.ts).
// The key of a check is the same at every level, so it is made once, by the outermost
// cache, and handed down: in a signed day-long split each first verification made it
// twice (a SHA-256 of the signed bytes and three base64 encodings each time).

import { encodeBase64, type CryptoBackend } from "../../core/index.ts";

/** Bounded so that a long run cannot grow it without limit; it is only a cache. */
export const VERIFICATION_CACHE_MAX = 200_000;

export interface CachingCrypto extends CryptoBackend {
  readonly stats: { verifications: number; cacheHits: number };
}

type KeyedVerify = (key: string, signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array) => boolean;

/** Each cache's verification given the key already made (for a cache over it). */
const keyedVerifyOf = new WeakMap<CryptoBackend, KeyedVerify>();

export function withVerificationCache(inner: CryptoBackend): CachingCrypto {
  const answers = new Map<string, boolean>();
  const stats = { verifications: 0, cacheHits: 0 };
  const innerKeyed = keyedVerifyOf.get(inner);
  const verifyKeyed: KeyedVerify = (key, signature, message, publicKey) => {
    const known = answers.get(key);
    if (known !== undefined) {
      stats.cacheHits++;
      return known;
    }
    stats.verifications++;
    const ok = innerKeyed
      ? innerKeyed(key, signature, message, publicKey)
      : inner.verify(signature, message, publicKey);
    if (answers.size >= VERIFICATION_CACHE_MAX) answers.clear();
    answers.set(key, ok);
    return ok;
  };
  const cache: CachingCrypto = {
    name: `${inner.name} (verification cache)`,
    stats,
    sha256: (data) => inner.sha256(data),
    ...(inner.sha256TextBase64
      ? { sha256TextBase64: (text, alphabet) => inner.sha256TextBase64!(text, alphabet) }
      : {}),
    ...(inner.sha256Incremental ? { sha256Incremental: () => inner.sha256Incremental!() } : {}),
    publicKey: (seed) => inner.publicKey(seed),
    sign: (message, seed) => inner.sign(message, seed),
    verify: (signature, message, publicKey) =>
      verifyKeyed(
        `${encodeBase64(publicKey)}|${encodeBase64(signature)}|${encodeBase64(inner.sha256(message))}`,
        signature,
        message,
        publicKey,
      ),
  };
  keyedVerifyOf.set(cache, verifyKeyed);
  return cache;
}
