// SHA-256 of a text (its UTF-8 bytes) as unpadded base64: what content hashes and event
// ids are made of. A backend that hashes strings natively does it directly; any other gets
// the same answer by encoding first.

import { encodeBase64, encodeBase64Url } from "./base64.ts";
import type { Base64Alphabet, Hasher } from "./crypto.ts";

const utf8 = new TextEncoder();

export function sha256TextBase64(hasher: Hasher, text: string, alphabet: Base64Alphabet): string {
  if (hasher.sha256TextBase64) return hasher.sha256TextBase64(text, alphabet);
  const digest = hasher.sha256(utf8.encode(text));
  return alphabet === "base64" ? encodeBase64(digest) : encodeBase64Url(digest);
}
