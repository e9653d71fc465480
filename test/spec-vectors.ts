// The spec's test vectors, as kept in ../shared/spec/test-vectors.json (copied from
// matrix-org/matrix-spec content/appendices.md). Loaded from the shared folder, with a
// clear error if it is missing, so the tests check against the spec and not ourselves.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

// The repository carries its own copy (a clean checkout must test without ../shared);
// when the shared folder is there, a test checks the copy has not drifted from it.
const path = fileURLToPath(new URL("./vectors/spec-test-vectors.json", import.meta.url));
export const SHARED_VECTORS_PATH = fileURLToPath(new URL("../../shared/spec/test-vectors.json", import.meta.url));
export const VECTORS_PATH = path;

export interface SpecVectors {
  signingKey: { seedBase64: string; serverName: string; keyId: string };
  jsonSigning: Array<{ input: Record<string, unknown>; signature: string }>;
  eventSigning: Array<{ redactionRules: string; input: Record<string, unknown>; sha256: string; signature: string }>;
  canonicalJson: Array<{ input?: unknown; inputText?: string; output: string }>;
}

export function loadSpecVectors(): SpecVectors {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as SpecVectors;
  } catch (e) {
    throw new Error(`cannot read the spec test vectors at ${path}: ${(e as Error).message}`, { cause: e });
  }
}
