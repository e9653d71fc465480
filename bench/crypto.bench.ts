// Event ids (redaction + canonical JSON + SHA-256), signatures and verifications per
// second on a typical ~600-byte message event, for each crypto backend.

import {
  canonicalJson,
  computeEventId,
  decodeBase64,
  nobleCrypto,
  parseRoomVersion,
  signEvent,
  verifyEventSignature,
  type CryptoBackend,
  type Pdu,
} from "../core/index.ts";
import { nodeCrypto } from "../cli/node-crypto.ts";
import { formatRate, opsPerSecond } from "./clock.ts";

const ROOM_VERSION = parseRoomVersion("11");
const seed = decodeBase64("YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1");

/** A message event as a homeserver sends it: ids, hashes and one signature, ~600 bytes. */
export function typicalMessageEvent(): Pdu {
  return {
    room_id: "!OGEhHVWSdvArJzumhm:matrix.example.org",
    sender: "@alice.liddell:matrix.example.org",
    origin_server_ts: 1732484400123,
    type: "m.room.message",
    content: {
      msgtype: "m.text",
      body: "Two heads and a topic war after the netsplit!",
    },
    prev_events: ["$Qc0wJWmH6s9xYNmJQ5dQ2nIyH1ls_FZxNB1p6iWnJnE"],
    auth_events: [
      "$r1v2iLCXkv4sVhQ6ZnxXq2Bfug_e0zGqNZ8xkN3aZxM",
      "$pl8Yk4g2o2cA4Q2hDZ0yK8M5CqGm9m-0W2m6Kx0Yf5s",
      "$mEm6Qm3dCZr0fJqN6p3HsQ9fqQ0QYrq8wQ7nH3Jq2yA",
    ],
    depth: 4821,
    hashes: { sha256: "" },
    signatures: {},
    unsigned: { age: 1234 },
  };
}

function signed(backend: CryptoBackend): Pdu {
  const { hashes: _drop, ...rest } = typicalMessageEvent();
  return signEvent({ ...rest, hashes: {} } as Pdu, ROOM_VERSION, "matrix.example.org", "ed25519:a_bcde", seed, backend);
}

export function runCryptoBench(): void {
  const event = signed(nobleCrypto);
  const bytes = new TextEncoder().encode(canonicalJson({ ...event, unsigned: undefined })).length;
  console.log(`event: m.room.message, ${bytes} bytes as canonical JSON (with its hash and one signature)`);
  const rows: Array<Record<string, string>> = [];
  const rates: Record<string, { ids: number; signs: number; verifies: number }> = {};
  for (const backend of [nodeCrypto, nobleCrypto]) {
    const pub = backend.publicKey(seed);
    const unsignedEvent = { ...event, signatures: {} };
    const ids = opsPerSecond(() => computeEventId(event, ROOM_VERSION, backend));
    const signs = opsPerSecond(() =>
      signEvent(unsignedEvent, ROOM_VERSION, "matrix.example.org", "ed25519:a_bcde", seed, backend),
    );
    const verifies = opsPerSecond(() => {
      if (!verifyEventSignature(event, ROOM_VERSION, "matrix.example.org", "ed25519:a_bcde", pub, backend))
        throw new Error("bad signature");
    });
    rates[backend.name] = { ids, signs, verifies };
    rows.push({
      backend: backend.name,
      "event ids/s": formatRate(ids),
      "signatures/s": formatRate(signs),
      "verifications/s": formatRate(verifies),
    });
  }
  console.table(rows);
  const node = rates[nodeCrypto.name]!;
  const noble = rates[nobleCrypto.name]!;
  console.log(
    `node:crypto / pure JS: event ids ×${(node.ids / noble.ids).toFixed(1)}, ` +
      `signatures ×${(node.signs / noble.signs).toFixed(1)}, verifications ×${(node.verifies / noble.verifies).toFixed(1)}`,
  );
}
