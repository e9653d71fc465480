// What the bench counts per accepted PDU. core/ and sim/ count their own operations
// through core's countOp hook, which does nothing until installOpCounter() hands it a
// record; hashing and signature checks are counted here instead, by wrapping the crypto
// backend the world is given (so the verifications counted are the ones that reach
// ed25519, after any cache).

import { installOpCounter, zeroOpCounts, type CryptoBackend } from "../core/index.ts";

export type OpTotals = Record<string, number>;

export function countingCrypto(inner: CryptoBackend): {
  crypto: CryptoBackend;
  counts: { sha256: number; ed25519Verify: number };
} {
  const counts = { sha256: 0, ed25519Verify: 0 };
  const crypto: CryptoBackend = {
    name: inner.name,
    sha256: (data) => {
      counts.sha256++;
      return inner.sha256(data);
    },
    ...(inner.sha256TextBase64
      ? {
          sha256TextBase64: (text, alphabet) => {
            counts.sha256++;
            return inner.sha256TextBase64!(text, alphabet);
          },
        }
      : {}),
    // The streaming trace hash (hash-only retention) is passed through, not counted.
    ...(inner.sha256Incremental ? { sha256Incremental: () => inner.sha256Incremental!() } : {}),
    publicKey: (seed) => inner.publicKey(seed),
    sign: (message, seed) => inner.sign(message, seed),
    verify: (signature, message, publicKey) => {
      counts.ed25519Verify++;
      return inner.verify(signature, message, publicKey);
    },
  };
  return { crypto, counts };
}

/** Run `fn` with every counter on; the totals of what it did. */
export function countOpsDuring(
  counted: { counts: { sha256: number; ed25519Verify: number } },
  fn: () => void,
): OpTotals {
  const ops = zeroOpCounts();
  const crypto = { ...counted.counts };
  const previous = installOpCounter(ops);
  try {
    fn();
  } finally {
    installOpCounter(previous);
  }
  return {
    ...ops,
    sha256: counted.counts.sha256 - crypto.sha256,
    ed25519Verify: counted.counts.ed25519Verify - crypto.ed25519Verify,
  };
}
