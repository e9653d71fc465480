// Signing JSON and events (spec: appendices.md "Signing JSON", "Checking for a
// signature"; server-server-api.md "Adding hashes and signatures", "Validating hashes
// and signatures"). Events are signed over their redacted form, so a redacted copy of
// an event still verifies.

import { decodeBase64, encodeBase64 } from "./base64.ts";
import { canonicalJsonBytes } from "./canonical-json.ts";
import type { Hasher, Signer } from "./crypto.ts";
import { nobleCrypto } from "./crypto-noble.ts";
import type { Pdu } from "./events.ts";
import { computeContentHash } from "./hashes.ts";
import { isJsonObject } from "./json.ts";
import { redactedView, structuredCloneJson } from "./redaction.ts";
import type { RoomVersion } from "./room-versions.ts";

type Signatures = Record<string, Record<string, string>>;

/** The bytes a signature covers: the object without `signatures` and `unsigned`. */
function signedBytes(obj: object): Uint8Array {
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (k !== "signatures" && k !== "unsigned") rest[k] = v;
  return canonicalJsonBytes(rest);
}

function existingSignatures(obj: object): Signatures {
  const sigs = (obj as { signatures?: unknown }).signatures;
  return isJsonObject(sigs) ? (structuredCloneJson(sigs) as Signatures) : {};
}

function checkSeed(secretKey: Uint8Array): void {
  if (!(secretKey instanceof Uint8Array) || secretKey.length !== 32) {
    throw new Error("ed25519 secret key must be the 32-byte seed");
  }
}

/**
 * A copy of `obj` with a signature by `serverName`/`keyId` added to its `signatures`
 * (others are kept; `unsigned` is carried over but not signed).
 */
export function signJson<T extends object>(
  obj: T,
  serverName: string,
  keyId: string,
  secretKey: Uint8Array,
  signer: Signer = nobleCrypto,
): T & { signatures: Signatures } {
  checkSeed(secretKey);
  const signature = encodeBase64(signer.sign(signedBytes(obj), secretKey));
  const signatures = existingSignatures(obj);
  signatures[serverName] = { ...signatures[serverName], [keyId]: signature };
  return { ...structuredCloneJson(obj), signatures };
}

/** Whether `obj` carries a valid signature by `serverName` with `keyId` under `publicKey`. */
export function verifyJson(
  obj: object,
  serverName: string,
  keyId: string,
  publicKey: Uint8Array,
  signer: Signer = nobleCrypto,
): boolean {
  const encoded = existingSignatures(obj)[serverName]?.[keyId];
  if (typeof encoded !== "string") return false;
  let signature: Uint8Array;
  try {
    signature = decodeBase64(encoded);
  } catch {
    return false;
  }
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  return signer.verify(signature, signedBytes(obj), publicKey);
}

function hasherOf(signer: Signer): Hasher {
  return "sha256" in signer && typeof (signer as Partial<Hasher>).sha256 === "function"
    ? (signer as Signer & Hasher)
    : nobleCrypto;
}

/**
 * Sign an event as the sending server does: fill `hashes.sha256` if it is missing,
 * sign the redacted event, and put the signatures on the full event. An existing
 * content hash is kept, so a server can add its signature to someone else's event.
 */
export function signEvent(
  pdu: Pdu,
  roomVersion: RoomVersion,
  serverName: string,
  keyId: string,
  secretKey: Uint8Array,
  signer: Signer = nobleCrypto,
): Pdu {
  const hashed: Pdu =
    typeof pdu.hashes?.sha256 === "string"
      ? pdu
      : { ...pdu, hashes: { ...pdu.hashes, sha256: computeContentHash(pdu, hasherOf(signer)) } };
  const signedRedacted = signJson(redactedView(hashed, roomVersion), serverName, keyId, secretKey, signer);
  return { ...structuredCloneJson(hashed), signatures: signedRedacted.signatures };
}

/**
 * signEvent for an event whose content hash is filled and whose reference bytes are known
 * (the UTF-8 of hashes.ts referenceText: the redacted event without signatures and
 * unsigned, exactly what a signature covers): the same signed event, its members shared
 * with the input instead of copied (the builder's own fresh event, not yet handed to anyone).
 */
export function signEventOver(
  pdu: Pdu,
  reference: Uint8Array,
  serverName: string,
  keyId: string,
  secretKey: Uint8Array,
  signer: Signer = nobleCrypto,
): Pdu {
  checkSeed(secretKey);
  const signatures = existingSignatures(pdu);
  signatures[serverName] = { ...signatures[serverName], [keyId]: encodeBase64(signer.sign(reference, secretKey)) };
  return { ...pdu, signatures };
}

/** Whether the event, redacted, carries a valid signature by `serverName`/`keyId`. */
export function verifyEventSignature(
  pdu: Pdu,
  roomVersion: RoomVersion,
  serverName: string,
  keyId: string,
  publicKey: Uint8Array,
  signer: Signer = nobleCrypto,
): boolean {
  return verifyJson(redactedView(pdu, roomVersion), serverName, keyId, publicKey, signer);
}
