// Every test vector of the spec's appendices, with both crypto backends.
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  canonicalJson,
  checkContentHash,
  computeContentHash,
  decodeBase64,
  encodeBase64,
  parseRoomVersion,
  signEvent,
  signJson,
  verifyEventSignature,
  verifyJson,
  type Pdu,
} from "../../core/index.ts";
import { BACKENDS } from "../backends.ts";
import { loadSpecVectors, SHARED_VECTORS_PATH, VECTORS_PATH } from "../spec-vectors.ts";

const vectors = loadSpecVectors();
const seed = decodeBase64(vectors.signingKey.seedBase64);
const { serverName, keyId } = vectors.signingKey;
// The event vectors were made with the redaction rules of room versions 1-10.
const PRE_V11 = parseRoomVersion("10");

describe("the vectors themselves", () => {
  // The copy in test/vectors/ is what CI reads; the shared spec notes are the source.
  it("the repository's copy equals ../shared/spec/test-vectors.json wherever that folder is checked out", () => {
    const shared = existsSync(SHARED_VECTORS_PATH)
      ? readFileSync(SHARED_VECTORS_PATH, "utf8")
      : readFileSync(VECTORS_PATH, "utf8");
    expect(readFileSync(VECTORS_PATH, "utf8")).toBe(shared);
  });
  it("hold every kind of vector", () => {
    expect(vectors.canonicalJson.length).toBeGreaterThan(0);
    expect(vectors.jsonSigning.length).toBeGreaterThan(0);
    expect(vectors.eventSigning.length).toBeGreaterThan(0);
  });
});

describe("canonical JSON vectors", () => {
  it.each(vectors.canonicalJson.map((v, i) => [i, v] as const))("vector %i", (_i, v) => {
    const input = v.inputText !== undefined ? JSON.parse(v.inputText) : v.input;
    expect(canonicalJson(input)).toBe(v.output);
  });
});

describe.each(BACKENDS.map((b) => [b.name, b] as const))("backend %s", (_name, backend) => {
  it("derives the spec's seed into a 32-byte key", () => {
    expect(seed.length).toBe(32);
    expect(backend.publicKey(seed).length).toBe(32);
  });

  it.each(vectors.jsonSigning.map((v, i) => [i, v] as const))("signs JSON vector %i", (_i, v) => {
    const signed = signJson(v.input, serverName, keyId, seed, backend);
    expect(signed.signatures).toEqual({ [serverName]: { [keyId]: v.signature } });
    expect(verifyJson(signed, serverName, keyId, backend.publicKey(seed), backend)).toBe(true);
  });

  it.each(vectors.eventSigning.map((v, i) => [i, v] as const))("hashes and signs event vector %i", (_i, v) => {
    expect(v.redactionRules).toBe("v1-v10");
    const pdu = v.input as unknown as Pdu;
    expect(computeContentHash(pdu, backend)).toBe(v.sha256);
    const signed = signEvent(pdu, PRE_V11, serverName, keyId, seed, backend);
    expect(signed.hashes.sha256).toBe(v.sha256);
    expect(signed.signatures).toEqual({ [serverName]: { [keyId]: v.signature } });
    expect(signed.unsigned).toEqual(pdu.unsigned);
    expect(checkContentHash(signed, backend)).toBe(true);
    expect(verifyEventSignature(signed, PRE_V11, serverName, keyId, backend.publicKey(seed), backend)).toBe(true);
  });
});

it("both backends give the same public key, signature and hash bytes", () => {
  const [a, b] = BACKENDS;
  const message = new TextEncoder().encode("netsplit");
  expect(encodeBase64(a!.publicKey(seed))).toBe(encodeBase64(b!.publicKey(seed)));
  expect(encodeBase64(a!.sign(message, seed))).toBe(encodeBase64(b!.sign(message, seed)));
  expect(encodeBase64(a!.sha256(message))).toBe(encodeBase64(b!.sha256(message)));
  // SHA-256("abc"), FIPS 180-2 appendix B.1.
  const abc = new TextEncoder().encode("abc");
  for (const backend of BACKENDS) {
    expect(Buffer.from(backend.sha256(abc)).toString("hex")).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
  }
});
