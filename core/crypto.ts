// The platform interfaces for hashing and ed25519. core/ computes over them and never
// imports a platform module: Node hands in a node:crypto backend (cli/node-crypto.ts),
// the browser uses the pure-JS one (core/crypto-noble.ts). Both give identical bytes.

export interface Hasher {
  readonly name: string;
  sha256(data: Uint8Array): Uint8Array;
  /**
   * SHA-256 of the UTF-8 of `text` as unpadded base64 in `alphabet`: what a content hash
   * and an event id are. Optional (sha256TextBase64 in sha256-text.ts falls back to
   * encoding and sha256): a platform that hashes a string natively skips the encoding
   * copy and the digest's bytes, which on an event's few hundred bytes cost more than the
   * hashing itself.
   */
  sha256TextBase64?(text: string, alphabet: Base64Alphabet): string;
  /**
   * A SHA-256 fed piece by piece (the streaming trace hash): the digest of the pieces is
   * the sha256 of their concatenation. Optional: callers fall back to the pure-JS one.
   */
  sha256Incremental?(): IncrementalSha256;
}

/** Unpadded base64's two alphabets: standard for hashes, URL-safe for ids from room version 4 on. */
export type Base64Alphabet = "base64" | "base64url";

/** One SHA-256 computation fed in pieces. */
export interface IncrementalSha256 {
  update(data: Uint8Array): void;
  /** The digest of everything fed so far; the hasher can still be fed afterwards. */
  digestSoFar(): Uint8Array;
}

export interface Signer {
  readonly name: string;
  /** The 32-byte ed25519 public key of a 32-byte secret seed. */
  publicKey(seed: Uint8Array): Uint8Array;
  /** A 64-byte ed25519 signature of `message`. */
  sign(message: Uint8Array, seed: Uint8Array): Uint8Array;
  verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean;
}

/** One backend that does both jobs. */
export interface CryptoBackend extends Hasher, Signer {}
