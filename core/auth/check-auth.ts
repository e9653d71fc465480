// checkAuth: the state-dependent authorization rules of a room version, in the spec's
// order (rooms/fragments/v1-auth-rules.md, v3-, v8-auth-rules.md; rooms/v6.md … v12.md).
// The event is checked against the events it is given — its own auth events, or the
// entries of some state; which, is the caller's choice (see receipt.ts). The rules about
// the auth_events list itself (duplicates, rejected entries…) are checkAuthEventsList's,
// in receipt.ts.

import type { Signer } from "../crypto.ts";
import type { Pdu } from "../events.ts";
import { countOp } from "../op-counts.ts";
import type { RoomVersion } from "../room-versions.ts";
import type { StateKey } from "../state-map.ts";
import { AuthEvents } from "./auth-events.ts";
import { checkCreate } from "./check-create.ts";
import { checkMember } from "./check-member.ts";
import { checkPowerLevels } from "./check-power-levels.ts";
import { domainOf } from "./domains.ts";
import { powerLevelField, requiredPowerLevel } from "./power-levels.ts";
import { ALLOW, deny, type AuthResult } from "./result.ts";
import { ruleNumbers, type RuleNumbers } from "./rule-numbers.ts";

export interface CheckAuthOptions {
  /** Verifies third-party-invite signatures (default: the pure-JS backend). */
  signer?: Signer;
}

const numbersByVersion = new WeakMap<RoomVersion, RuleNumbers>();

export function rulesOf(version: RoomVersion): RuleNumbers {
  let rules = numbersByVersion.get(version);
  if (!rules) {
    rules = ruleNumbers(version);
    numbersByVersion.set(version, rules);
  }
  return rules;
}

/**
 * The rule named when the event is not even shaped like a PDU. Receipt drops such events
 * at step 1 (checkPduFormat) before any auth rule runs; checkAuth called directly must
 * still answer, not throw, so it names that step instead of a numbered rule.
 */
export const MALFORMED_RULE = "format";

/** What the rules below read without checking: the shape checkPduFormat guarantees. */
function malformedReason(event: Pdu): string | undefined {
  const e = event as unknown as Record<string, unknown> | null;
  if (typeof e !== "object" || e === null || Array.isArray(e)) return "the event is not a JSON object";
  if (typeof e.type !== "string") return "type must be a string";
  if (typeof e.sender !== "string") return "sender must be a string";
  if (e.state_key !== undefined && typeof e.state_key !== "string") return "state_key must be a string";
  if (typeof e.content !== "object" || e.content === null || Array.isArray(e.content))
    return "content must be an object";
  if (!Array.isArray(e.prev_events)) return "prev_events must be an array";
  if (!Array.isArray(e.auth_events)) return "auth_events must be an array";
  return undefined;
}

export function checkAuth(
  event: Pdu,
  authEvents: readonly Pdu[] | ReadonlyMap<StateKey, Pdu>,
  version: RoomVersion,
  options: CheckAuthOptions = {},
): AuthResult {
  countOp("checkAuth");
  const rules = rulesOf(version);
  const malformed = malformedReason(event);
  if (malformed) return deny(MALFORMED_RULE, malformed);
  if (event.type === "m.room.create") return checkCreate(event, version, rules);

  const auth = new AuthEvents(authEvents, version);
  const create = auth.create;
  if (!create) {
    // since v12 the create event is implied by room_id; before, it must be cited.
    return deny(
      rules.roomIdIsCreate ?? rules.authEvents.missingCreate!,
      "the room's create event is not among the auth events",
    );
  }
  if (create.content["m.federate"] === false && domainOf(event.sender) !== domainOf(create.sender)) {
    return deny(rules.federate, "the room is not federated and the sender is on another server");
  }
  // v1-v5 only: anyone may set their own server's aliases.
  if (version.auth.specialCaseAliases && event.type === "m.room.aliases") {
    if (typeof event.state_key !== "string")
      return deny(rules.aliases!.noStateKey, "an aliases event needs a state_key");
    if (domainOf(event.sender) !== event.state_key)
      return deny(rules.aliases!.wrongDomain, "the state_key must be the sender's server");
    return ALLOW;
  }
  if (event.type === "m.room.member") return checkMember(event, auth, version, rules, options.signer);
  if (auth.membership(event.sender) !== "join")
    return deny(rules.senderNotJoined, "the sender is not joined to the room");

  const senderLevel = auth.powerLevel(event.sender);
  if (event.type === "m.room.third_party_invite") {
    return senderLevel >= powerLevelField(auth.powerLevels?.content, "invite", version)
      ? ALLOW
      : deny(rules.thirdPartyInvite, "the sender's power level is below the invite level");
  }
  const required = requiredPowerLevel(event.type, typeof event.state_key === "string", auth.powerLevels, version);
  if (required > senderLevel) {
    return deny(
      rules.requiredPowerLevel,
      `sending ${event.type} needs power level ${required}, the sender has ${senderLevel}`,
    );
  }
  if (typeof event.state_key === "string" && event.state_key.startsWith("@") && event.state_key !== event.sender) {
    return deny(rules.atStateKey, "a state_key starting with @ must be the sender's own user id");
  }
  if (event.type === "m.room.power_levels") return checkPowerLevels(event, auth, version, rules);
  // v1-v2 only: redactions are authorised here (later versions apply them separately).
  if (version.auth.redactionAuthRule && event.type === "m.room.redaction") {
    if (senderLevel >= powerLevelField(auth.powerLevels?.content, "redact", version)) return ALLOW;
    const target = typeof event.redacts === "string" ? event.redacts : "";
    if (target && domainOf(target) === domainOf(String(event.event_id ?? ""))) return ALLOW;
    return deny(rules.redaction!, "redacting needs the redact level, or an event from the redaction's own server");
  }
  return ALLOW;
}
