// A homeserver's signing keys and what other servers know of them. Each server publishes
// its keys at `GET /_matrix/key/v2/server` (a self-signed object, spec: server-server-api.md
// "Publishing Keys"): the current key under `verify_keys`, valid until `valid_until_ts`, and
// the keys it rotated away from under `old_verify_keys`, each with the `expired_ts` at which
// it stopped being used. Others fetch that document (or ask a notary for it: key-fetching.ts),
// check the self-signature, and keep the keys in a store that survives restarts (as
// Synapse keeps fetched keys in its database, synapse/crypto/keyring.py).

import {
  encodeBase64,
  signJson,
  verifyJson,
  decodeBase64,
  isJsonObject,
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

/** A key the server signed with before it rotated, and when it stopped (its local clock). */
export interface RetiredKey {
  key: SigningKey;
  expiredTs: number;
}

/** The server's key document, as served at /_matrix/key/v2/server. */
export function keyDocument(
  key: SigningKey,
  retired: readonly RetiredKey[],
  crypto: CryptoBackend,
  validUntilTs: number,
): JsonObject {
  const old: Record<string, { key: string; expired_ts: number }> = {};
  for (const r of retired)
    old[r.key.keyId] = { key: encodeBase64(crypto.publicKey(r.key.seed)), expired_ts: r.expiredTs };
  const doc = {
    server_name: key.serverName,
    valid_until_ts: validUntilTs,
    verify_keys: { [key.keyId]: { key: encodeBase64(crypto.publicKey(key.seed)) } },
    old_verify_keys: old,
  };
  return signJson(doc, key.serverName, key.keyId, key.seed, crypto) as unknown as JsonObject;
}

export interface KnownKey {
  publicKey: Uint8Array;
  /** valid_until_ts for a current key; expired_ts for an old one (Synapse stores both so). */
  validUntilTs: number;
}

/** What a fetched key document holds, once checked. */
export interface AcceptedKeys {
  ok: true;
  keys: Map<string, KnownKey>;
  /** The document as fetched (origin-signed), kept so that this server can serve it as a notary. */
  document: JsonObject;
  validUntilTs: number;
}

/**
 * Parse and check a fetched key document: it must name the expected server and carry a
 * valid signature of that server by one of the `verify_keys` it publishes
 * (`BaseV2KeyFetcher.process_v2_response`). Old keys count as valid until their `expired_ts`.
 */
export function acceptKeyDocument(
  serverName: string,
  doc: unknown,
  crypto: CryptoBackend,
): AcceptedKeys | { ok: false; reason: string } {
  if (!isJsonObject(doc) || doc.server_name !== serverName)
    return { ok: false, reason: "key document for another server" };
  const validUntilTs = doc.valid_until_ts;
  if (typeof validUntilTs !== "number" || !isJsonObject(doc.verify_keys))
    return { ok: false, reason: "key document lacks valid_until_ts or verify_keys" };
  const current = decodeKeys(doc.verify_keys, () => validUntilTs);
  const signedBy = Object.keys(isJsonObject(doc.signatures) ? objectOr(doc.signatures[serverName]) : {})
    .filter((id) => current.has(id))
    .sort();
  const signer = signedBy[0];
  if (signer === undefined) return { ok: false, reason: "key document not signed by the origin server" };
  if (!verifyJson(doc, serverName, signer, current.get(signer)!.publicKey, crypto))
    return { ok: false, reason: `key ${signer} does not sign its own document` };
  const old = decodeKeys(objectOr(doc.old_verify_keys), (entry) =>
    typeof entry.expired_ts === "number" ? entry.expired_ts : undefined,
  );
  const keys = new Map([...old, ...current]);
  return { ok: true, keys, document: doc, validUntilTs };
}

function objectOr(v: unknown): JsonObject {
  return isJsonObject(v) ? v : {};
}

/** The ed25519 keys of a verify_keys / old_verify_keys map; entries without a validity are skipped. */
function decodeKeys(map: JsonObject, validity: (entry: JsonObject) => number | undefined): Map<string, KnownKey> {
  const keys = new Map<string, KnownKey>();
  for (const keyId of Object.keys(map).sort()) {
    const entry = map[keyId];
    if (!keyId.startsWith("ed25519:") || !isJsonObject(entry) || typeof entry.key !== "string") continue;
    const validUntilTs = validity(entry);
    if (validUntilTs === undefined) continue;
    try {
      const publicKey = decodeBase64(entry.key);
      if (publicKey.length === 32) keys.set(keyId, { publicKey, validUntilTs });
    } catch {
      continue;
    }
  }
  return keys;
}

/** Keys this server knows, by server and key id, and the documents they came in. Persisted: it survives a crash. */
export class KeyStore {
  private readonly keys = new Map<string, Map<string, KnownKey>>();
  private readonly documents = new Map<string, { document: JsonObject; validUntilTs: number }>();

  add(serverName: string, keys: ReadonlyMap<string, KnownKey>): void {
    const known = this.keys.get(serverName) ?? new Map<string, KnownKey>();
    for (const [id, k] of keys) known.set(id, k);
    this.keys.set(serverName, known);
  }

  /** Keep a checked document's keys, and the document itself for /_matrix/key/v2/query. */
  addDocument(serverName: string, accepted: AcceptedKeys): void {
    this.add(serverName, accepted.keys);
    this.documents.set(serverName, { document: accepted.document, validUntilTs: accepted.validUntilTs });
  }

  /** The newest document fetched for a server, as its origin signed it. */
  document(serverName: string): { document: JsonObject; validUntilTs: number } | undefined {
    return this.documents.get(serverName);
  }

  get(serverName: string, keyId: string): KnownKey | undefined {
    return this.keys.get(serverName)?.get(keyId);
  }

  /**
   * The public key when it is known and valid at `validAtTs` (0 when the room version does
   * not enforce key validity): Synapse's `valid_until_ts < minimum_valid_until_ts` check.
   */
  usable(serverName: string, keyId: string, validAtTs: number): Uint8Array | undefined {
    const known = this.get(serverName, keyId);
    return known && known.validUntilTs >= validAtTs ? known.publicKey : undefined;
  }

  has(serverName: string): boolean {
    return this.keys.has(serverName);
  }
}
