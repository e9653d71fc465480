// A homeserver's signing key and what other servers know of it. Each server publishes
// its key at `GET /_matrix/key/v2/server` (a self-signed object, spec: "Publishing
// Keys"); others fetch it once, check the self-signature, and keep it in a cache that
// survives restarts (as Synapse keeps fetched keys in its database).

import {
  encodeBase64,
  signJson,
  verifyJson,
  decodeBase64,
  type CryptoBackend,
  type JsonObject,
  type SigningKey,
} from "../../core/index.ts";
import type { Rng } from "../random.ts";

/** A signing key whose seed comes from the server's own random stream, so runs replay. */
export function makeSigningKey(serverName: string, rng: Rng, version = "sim1"): SigningKey {
  const seed = new Uint8Array(32);
  for (let i = 0; i < 32; i++) seed[i] = rng.int(0, 255);
  return { serverName, keyId: `ed25519:${version}`, seed };
}

/** The server's key document, as served at /_matrix/key/v2/server. */
export function keyDocument(key: SigningKey, crypto: CryptoBackend, validUntilTs: number): JsonObject {
  const doc = {
    server_name: key.serverName,
    valid_until_ts: validUntilTs,
    verify_keys: { [key.keyId]: { key: encodeBase64(crypto.publicKey(key.seed)) } },
    old_verify_keys: {},
  };
  return signJson(doc, key.serverName, key.keyId, key.seed, crypto) as unknown as JsonObject;
}

export interface KnownKey {
  publicKey: Uint8Array;
  validUntilTs: number;
}

/**
 * Parse and check a fetched key document: it must name the expected server and be
 * signed by the key it publishes. Returns the keys it holds, or a reason.
 */
export function acceptKeyDocument(
  serverName: string,
  doc: unknown,
  crypto: CryptoBackend,
): { ok: true; keys: Map<string, KnownKey> } | { ok: false; reason: string } {
  const d = doc as { server_name?: unknown; valid_until_ts?: unknown; verify_keys?: Record<string, { key?: unknown }> };
  if (typeof d !== "object" || d === null || d.server_name !== serverName)
    return { ok: false, reason: "key document for another server" };
  if (typeof d.valid_until_ts !== "number" || typeof d.verify_keys !== "object" || d.verify_keys === null) {
    return { ok: false, reason: "key document lacks valid_until_ts or verify_keys" };
  }
  const keys = new Map<string, KnownKey>();
  for (const keyId of Object.keys(d.verify_keys).sort()) {
    const encoded = d.verify_keys[keyId]?.key;
    if (typeof encoded !== "string") continue;
    let publicKey: Uint8Array;
    try {
      publicKey = decodeBase64(encoded);
    } catch {
      continue;
    }
    if (!verifyJson(d as object, serverName, keyId, publicKey, crypto))
      return { ok: false, reason: `key ${keyId} does not sign its own document` };
    keys.set(keyId, { publicKey, validUntilTs: d.valid_until_ts });
  }
  return keys.size > 0 ? { ok: true, keys } : { ok: false, reason: "no usable verify key" };
}

/** Keys this server knows, by server and key id. Persisted: it survives a crash. */
export class KeyStore {
  private readonly keys = new Map<string, Map<string, KnownKey>>();

  add(serverName: string, keys: ReadonlyMap<string, KnownKey>): void {
    const known = this.keys.get(serverName) ?? new Map<string, KnownKey>();
    for (const [id, k] of keys) known.set(id, k);
    this.keys.set(serverName, known);
  }

  get(serverName: string, keyId: string): KnownKey | undefined {
    return this.keys.get(serverName)?.get(keyId);
  }

  has(serverName: string): boolean {
    return this.keys.has(serverName);
  }
}
