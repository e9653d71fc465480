// The key endpoints a server answers (spec: server-server-api.md "Publishing Keys" and
// "Querying Keys Through Another Server"). GET /_matrix/key/v2/server is its own document;
// GET /_matrix/key/v2/query/{serverName} makes it a notary: it answers with the documents
// it has fetched, as their origins signed them, countersigned by itself
// (synapse/rest/key/v2/remote_key_resource.py, `RemoteKey.query_keys`). A document it does
// not hold, or one valid for less than `minimum_valid_until_ts`, is first fetched from its
// origin (Synapse's `query_remote_on_cache_miss`); if that fails the answer is empty.

import { signJson, type JsonObject } from "../../core/index.ts";
import type { RpcResponse } from "../network/rpc.ts";
import type { Homeserver } from "./homeserver.ts";
import { fetchFromOrigin } from "./key-fetching.ts";
import { keyDocument } from "./signing-keys.ts";

/** This server's own key document, valid for `keyValidityMs` from now on its clock. */
export function ownKeyDocument(hs: Homeserver): JsonObject {
  return keyDocument(hs.key, hs.retiredKeys, hs.crypto, hs.localNowMs() + hs.params.keyValidityMs);
}

/** Answer GET /_matrix/key/v2/query/{server}, fetching from the origin on a cache miss. */
export function serveKeyQuery(
  hs: Homeserver,
  server: string,
  minimumValidUntilTs: number | undefined,
  respond: (response: RpcResponse) => void,
): void {
  const answer = (): RpcResponse => {
    const doc = server === hs.name ? ownKeyDocument(hs) : hs.keys.document(server)?.document;
    const countersigned = doc ? [signJson(doc, hs.name, hs.key.keyId, hs.key.seed, hs.crypto)] : [];
    return { status: 200, body: { server_keys: countersigned } };
  };
  const cached = hs.keys.document(server);
  const miss = server !== hs.name && (!cached || cached.validUntilTs < (minimumValidUntilTs ?? 0));
  if (!miss) return respond(answer());
  hs.run(fetchFromOrigin(hs, server), () => respond(answer()));
}
