// The node:crypto backend (OpenSSL): much faster than pure JS, for the CLI, sweeps and
// Node tests. It lives outside core/ and is handed in, so core/ stays platform-free.

import * as crypto from "node:crypto";
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from "node:crypto";
import type { Base64Alphabet, CryptoBackend } from "../core/index.ts";

// crypto.hash, the one-shot digest of a string (Node 20.12 on), is a third of
// createHash's cost on an event's few hundred bytes; an older Node uses createHash.
type OneShotHash = (algorithm: string, data: string, encoding: Base64Alphabet) => string;
const oneShotHash = (crypto as { hash?: OneShotHash }).hash;

/** SHA-256 of the UTF-8 of `text` in unpadded base64 (Node pads the standard alphabet, never the URL-safe one). */
function sha256TextBase64(text: string, alphabet: Base64Alphabet): string {
  const digest = oneShotHash
    ? oneShotHash("sha256", text, alphabet)
    : createHash("sha256").update(text).digest(alphabet);
  // 32 bytes are 43 characters of base64 and one "=".
  return alphabet === "base64" ? digest.slice(0, 43) : digest;
}

// DER prefixes that wrap a raw 32-byte ed25519 key (RFC 8410): PKCS#8 for the seed,
// SubjectPublicKeyInfo for the public key.
const PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");
const SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

// Parsing keys costs more than a signature; a server signs with one key and verifies
// with a handful, so keep the parsed objects. Bounded so a long sweep cannot grow them.
const KEY_CACHE_MAX = 4096;
const privateKeys = new Map<string, KeyObject>();
const publicKeys = new Map<string, KeyObject>();
// The raw public key of each seed: deriving it means exporting a DER structure, which
// profiling showed costs more than a verification; checkers ask for it once per signature.
const rawPublicKeys = new Map<string, Uint8Array>();

function cached<V>(map: Map<string, V>, raw: Uint8Array, make: () => V): V {
  const id = Buffer.from(raw).toString("hex");
  let key = map.get(id);
  if (!key) {
    if (map.size >= KEY_CACHE_MAX) map.clear();
    key = make();
    map.set(id, key);
  }
  return key;
}

function privateKey(seed: Uint8Array): KeyObject {
  return cached(privateKeys, seed, () =>
    createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: "der", type: "pkcs8" }),
  );
}

function publicKey(raw: Uint8Array): KeyObject {
  return cached(publicKeys, raw, () =>
    createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: "der", type: "spki" }),
  );
}

export const nodeCrypto: CryptoBackend = {
  name: "node:crypto",
  sha256: (data) => new Uint8Array(createHash("sha256").update(data).digest()),
  sha256TextBase64,
  sha256Incremental: () => {
    const hash = createHash("sha256");
    return {
      update: (data) => void hash.update(data),
      // A digest ends a node:crypto hash: take it from a copy so that feeding can go on.
      digestSoFar: () => new Uint8Array(hash.copy().digest()),
    };
  },
  publicKey: (seed) => {
    const raw = cached(rawPublicKeys, seed, () => {
      const der = createPublicKey(privateKey(seed)).export({ format: "der", type: "spki" });
      return new Uint8Array(der.subarray(der.length - 32));
    });
    // A copy: callers own what they are given.
    return new Uint8Array(raw);
  },
  sign: (message, seed) => new Uint8Array(sign(null, message, privateKey(seed))),
  verify: (signature, message, key) => {
    if (key.length !== 32 || signature.length !== 64) return false;
    try {
      return verify(null, message, publicKey(key), signature);
    } catch {
      return false;
    }
  },
};
