// Getting another server's signing keys (synapse/crypto/keyring.py, `Keyring`): first the
// notaries this server trusts (`PerspectivesKeyFetcher`, POST /_matrix/key/v2/query, here
// its GET form), then the origin itself (`ServerKeyFetcher`, GET /_matrix/key/v2/server),
// stopping as soon as a key of the event is known and valid at the time asked for. So a
// partition between an event's origin and its receiver no longer blocks verification when
// a notary both can reach is trusted. Key requests ignore backoff, as Synapse's do
// (request-gate.ts lets them through).

import { isJsonObject, verifyJson, type CryptoBackend } from "../../core/index.ts";
import { rpc, type Task } from "../tasks.ts";
import type { FederationParams } from "./federation-params.ts";
import { acceptKeyDocument, type KeyStore } from "./signing-keys.ts";

export interface KeyFetchHost {
  readonly name: string;
  readonly params: FederationParams;
  readonly crypto: CryptoBackend;
  readonly keys: KeyStore;
}

/** What a verification needs of one server: one of these key ids, valid at this time (0: any). */
export interface KeyNeed {
  server: string;
  keyIds: readonly string[];
  minimumValidUntilTs: number;
}

export const KEY_QUERY_PATH = "/_matrix/key/v2/query/";

export function keyNeedMet(keys: KeyStore, need: KeyNeed): boolean {
  return need.keyIds.some((id) => keys.usable(need.server, id, need.minimumValidUntilTs) !== undefined);
}

/** Ask the trusted notaries, then the origin, until the need is met. Whether it is. */
export function* fetchKeysFor(host: KeyFetchHost, need: KeyNeed): Task<boolean> {
  for (const notary of host.params.trustedKeyServers) {
    if (notary === host.name || notary === need.server) continue;
    yield* queryNotary(host, notary, need);
    if (keyNeedMet(host.keys, need)) return true;
  }
  yield* fetchFromOrigin(host, need.server);
  return keyNeedMet(host.keys, need);
}

/** GET /_matrix/key/v2/server from the server itself; whether a document was accepted. */
export function* fetchFromOrigin(host: KeyFetchHost, server: string): Task<boolean> {
  const outcome = yield* rpc(server, { method: "GET", path: "/_matrix/key/v2/server" });
  if (!outcome.ok || outcome.status !== 200) return false;
  const accepted = acceptKeyDocument(server, outcome.body, host.crypto);
  if (!accepted.ok) return false;
  host.keys.addDocument(server, accepted);
  return true;
}

/**
 * Ask a notary for a server's keys. Its answer must be signed by the notary (whose own
 * key is fetched from it first when unknown: Synapse reads it from `trusted_key_servers`'
 * `verify_keys` in its configuration) and by the origin, as fetched documents are.
 */
function* queryNotary(host: KeyFetchHost, notary: string, need: KeyNeed): Task<void> {
  if (!host.keys.has(notary) && !(yield* fetchFromOrigin(host, notary))) return;
  const query = need.minimumValidUntilTs > 0 ? `?minimum_valid_until_ts=${need.minimumValidUntilTs}` : "";
  const outcome = yield* rpc(notary, {
    method: "GET",
    path: `${KEY_QUERY_PATH}${encodeURIComponent(need.server)}${query}`,
  });
  if (!outcome.ok || outcome.status !== 200 || !isJsonObject(outcome.body)) return;
  const docs = outcome.body.server_keys;
  for (const doc of Array.isArray(docs) ? docs : []) {
    if (!signedByNotary(host, notary, doc)) continue;
    const accepted = acceptKeyDocument(need.server, doc, host.crypto);
    if (accepted.ok) host.keys.addDocument(need.server, accepted);
  }
}

/** Whether a notary's answer carries a valid signature of the notary by a key we hold. */
function signedByNotary(host: KeyFetchHost, notary: string, doc: unknown): boolean {
  if (!isJsonObject(doc) || !isJsonObject(doc.signatures)) return false;
  const byNotary = doc.signatures[notary];
  if (!isJsonObject(byNotary)) return false;
  return Object.keys(byNotary)
    .sort()
    .some((keyId) => {
      const key = host.keys.usable(notary, keyId, 0);
      return key !== undefined && verifyJson(doc, notary, keyId, key, host.crypto);
    });
}
