// The pure-JavaScript backend: @noble/ed25519 and @noble/hashes' SHA-256/512. It runs
// the same in Node and in the browser, and is the reference signer in tests.

import * as ed from "@noble/ed25519";
import { sha256, sha512 } from "@noble/hashes/sha2.js";
import type { CryptoBackend } from "./crypto.ts";

// @noble/ed25519 leaves the choice of SHA-512 to the caller for its synchronous API.
ed.hashes.sha512 = sha512;

export const nobleCrypto: CryptoBackend = {
  name: "noble (pure JS)",
  sha256: (data) => sha256(data),
  sha256Incremental: () => {
    const hash = sha256.create();
    return {
      update: (data) => void hash.update(data),
      // A digest ends a noble hash: take it from a copy so that feeding can go on.
      digestSoFar: () => hash.clone().digest(),
    };
  },
  publicKey: (seed) => ed.getPublicKey(seed),
  sign: (message, seed) => ed.sign(message, seed),
  verify: (signature, message, publicKey) => {
    try {
      // RFC 8032 strictness, as OpenSSL (node:crypto) verifies, so that both backends
      // accept and refuse exactly the same signatures; ZIP-215 would accept a few more.
      return ed.verify(signature, message, publicKey, { zip215: false });
    } catch {
      // Malformed points or lengths are a failed verification, not a crash.
      return false;
    }
  },
};
