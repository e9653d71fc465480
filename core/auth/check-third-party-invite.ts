// Invites that redeem a third-party invite (rooms/fragments/v1-auth-rules.md, the
// member rule's invite branch, item 1): the `signed` block must carry a signature by
// one of the public keys of the matching m.room.third_party_invite event.

import { decodeBase64, decodeBase64Url } from "../base64.ts";
import type { Signer } from "../crypto.ts";
import { nobleCrypto } from "../crypto-noble.ts";
import type { Pdu } from "../events.ts";
import { isJsonObject } from "../json.ts";
import { verifyJson } from "../signing.ts";
import type { AuthEvents } from "./auth-events.ts";
import { ALLOW, deny, type AuthResult } from "./result.ts";
import type { RuleNumbers } from "./rule-numbers.ts";

export function checkThirdPartyInvite(
  event: Pdu,
  auth: AuthEvents,
  rules: RuleNumbers,
  signer: Signer = nobleCrypto,
): AuthResult {
  const r = rules.member.invite.thirdParty;
  const target = event.state_key!;
  if (auth.membership(target) === "ban") return deny(r.banned, "the invited user is banned");
  const tpi = event.content.third_party_invite;
  const signed = isJsonObject(tpi) ? tpi.signed : undefined;
  if (!isJsonObject(signed)) return deny(r.noSigned, "third_party_invite has no signed object");
  if (typeof signed.mxid !== "string" || typeof signed.token !== "string")
    return deny(r.noMxidToken, "signed lacks mxid or token");
  if (signed.mxid !== target) return deny(r.mxidMismatch, "signed.mxid is not the invited user");
  const invite = auth.get("m.room.third_party_invite", signed.token);
  if (!invite) return deny(r.noTpi, "no m.room.third_party_invite with that token in the room state");
  if (invite.sender !== event.sender)
    return deny(r.senderMismatch, "the invite is not sent by whoever made the third-party invite");
  const keys = publicKeysOf(invite);
  const signatures = isJsonObject(signed.signatures) ? signed.signatures : {};
  for (const server of Object.keys(signatures).sort()) {
    const byKey = signatures[server];
    if (!isJsonObject(byKey)) continue;
    for (const keyId of Object.keys(byKey).sort()) {
      for (const key of keys) if (verifyJson(signed, server, keyId, key, signer)) return ALLOW;
    }
  }
  return deny(r.noSignature, "no signature in signed matches a public key of the third-party invite");
}

/** `public_key` and every `public_keys[].public_key`, decoded (either base64 alphabet). */
function publicKeysOf(invite: Pdu): Uint8Array[] {
  const encoded: unknown[] = [invite.content.public_key];
  const list = invite.content.public_keys;
  if (Array.isArray(list)) for (const k of list) if (isJsonObject(k)) encoded.push(k.public_key);
  const out: Uint8Array[] = [];
  for (const e of encoded) {
    if (typeof e !== "string") continue;
    for (const decode of [decodeBase64, decodeBase64Url]) {
      try {
        out.push(decode(e));
        break;
      } catch {
        // try the other alphabet
      }
    }
  }
  return out;
}
