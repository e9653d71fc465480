// The m.room.member rule (rule 5 in v1-v5 and v12, rule 4 in v6-v11): joins, invites,
// leaves and kicks, bans and unbans, knocks (v7+), restricted joins (v8+,
// knock_restricted v10+). Spec: rooms/fragments/v1-auth-rules.md, v8-auth-rules.md,
// rooms/v7.md, v10.md, v11.md, v12.md.

import type { Signer } from "../crypto.ts";
import { refId, type Pdu } from "../events.ts";
import type { RoomVersion } from "../room-versions.ts";
import type { AuthEvents } from "./auth-events.ts";
import { checkThirdPartyInvite } from "./check-third-party-invite.ts";
import { domainOf } from "./domains.ts";
import { createEventIdOf } from "./event-id-cache.ts";
import { powerLevelField } from "./power-levels.ts";
import { ALLOW, deny, type AuthResult } from "./result.ts";
import type { RuleNumbers } from "./rule-numbers.ts";

export function checkMember(
  event: Pdu,
  auth: AuthEvents,
  version: RoomVersion,
  rules: RuleNumbers,
  signer?: Signer,
): AuthResult {
  const r = rules.member;
  const membership = event.content.membership;
  if (typeof event.state_key !== "string" || typeof membership !== "string") {
    return deny(r.malformed, "a member event needs a state_key and content.membership");
  }
  // since v8: a join authorised by another server's user must carry that server's signature.
  const via = event.content.join_authorised_via_users_server;
  if (version.auth.restrictedJoinRule && via !== undefined) {
    const server = typeof via === "string" ? domainOf(via) : "";
    if (!server || !event.signatures?.[server] || Object.keys(event.signatures[server]!).length === 0) {
      return deny(r.authorisedViaSignature!, "join_authorised_via_users_server's server has not signed the event");
    }
  }
  switch (membership) {
    case "join":
      return checkJoin(event, auth, version, rules);
    case "invite":
      return checkInvite(event, auth, rules, signer);
    case "leave":
      return checkLeave(event, auth, version, rules);
    case "ban":
      return checkBan(event, auth, rules);
    case "knock":
      // v7+ only: before, knock is an unknown membership.
      if (version.auth.knocking) return checkKnock(event, auth, version, rules);
      return deny(r.unknown, `membership "knock" is unknown in room version ${version.id}`);
    default:
      return deny(r.unknown, `membership ${JSON.stringify(membership)} is unknown`);
  }
}

/** The creator the first-join rule names: content.creator (v1-v10), the create sender (v11+). */
function creatorOf(create: Pdu, version: RoomVersion): unknown {
  return version.auth.createRequiresCreator ? create.content.creator : create.sender;
}

function checkJoin(event: Pdu, auth: AuthEvents, version: RoomVersion, rules: RuleNumbers): AuthResult {
  const r = rules.member.join;
  const create = auth.create;
  const target = event.state_key!;
  // The creator's own join, right after the create event.
  if (
    create &&
    event.prev_events.length === 1 &&
    refId(event.prev_events[0]!) === createEventIdOf(create, event, version) &&
    target === creatorOf(create, version)
  ) {
    return ALLOW;
  }
  if (event.sender !== target) return deny(r.notSelf, "one can only join as oneself");
  const current = auth.membership(target);
  if (current === "ban") return deny(r.banned, "the sender is banned");
  const rule = auth.joinRule();
  if (rule === "invite" || (version.auth.knocking && rule === "knock")) {
    if (current === "invite" || current === "join") return ALLOW;
    return deny(r.otherwise, `the join rule is ${rule} and the sender is neither invited nor joined`);
  }
  const restricted =
    (version.auth.restrictedJoinRule && rule === "restricted") ||
    (version.auth.knockRestrictedJoinRule && rule === "knock_restricted");
  if (restricted) {
    if (current === "join" || current === "invite") return ALLOW;
    const via = event.content.join_authorised_via_users_server;
    if (
      typeof via !== "string" ||
      auth.membership(via) !== "join" ||
      auth.powerLevel(via) < powerLevelField(plContent(auth), "invite", version)
    ) {
      return deny(
        r.restricted! + ".2",
        "join_authorised_via_users_server does not name a joined user allowed to invite",
      );
    }
    return ALLOW;
  }
  if (rule === "public") return ALLOW;
  return deny(r.otherwise, `the join rule ${JSON.stringify(rule ?? null)} does not let the sender join`);
}

function plContent(auth: AuthEvents) {
  return auth.powerLevels?.content;
}

function checkInvite(event: Pdu, auth: AuthEvents, rules: RuleNumbers, signer?: Signer): AuthResult {
  const r = rules.member.invite;
  if (event.content.third_party_invite !== undefined) return checkThirdPartyInvite(event, auth, rules, signer);
  if (auth.membership(event.sender) !== "join") return deny(r.senderNotJoined, "the inviter is not joined");
  const target = auth.membership(event.state_key!);
  if (target === "join" || target === "ban")
    return deny(r.targetJoinedOrBanned, `the invited user is already ${target === "join" ? "joined" : "banned"}`);
  if (auth.powerLevel(event.sender) >= powerLevelField(plContent(auth), "invite", auth.version)) return ALLOW;
  return deny(r.otherwise, "the inviter's power level is below the invite level");
}

function checkLeave(event: Pdu, auth: AuthEvents, version: RoomVersion, rules: RuleNumbers): AuthResult {
  const r = rules.member.leave;
  const target = event.state_key!;
  if (event.sender === target) {
    const current = auth.membership(target);
    // since v7: a knock can be withdrawn too.
    const allowed = current === "invite" || current === "join" || (version.auth.knocking && current === "knock");
    return allowed ? ALLOW : deny(r.self, `one cannot leave from membership ${current}`);
  }
  if (auth.membership(event.sender) !== "join") return deny(r.senderNotJoined, "the sender is not joined");
  const senderLevel = auth.powerLevel(event.sender);
  if (auth.membership(target) === "ban" && senderLevel < powerLevelField(plContent(auth), "ban", version)) {
    return deny(r.targetBanned, "unbanning needs the ban level");
  }
  if (senderLevel >= powerLevelField(plContent(auth), "kick", version) && auth.powerLevel(target) < senderLevel)
    return ALLOW;
  return deny(r.otherwise, "kicking needs the kick level and more power than the target");
}

function checkBan(event: Pdu, auth: AuthEvents, rules: RuleNumbers): AuthResult {
  const r = rules.member.ban;
  if (auth.membership(event.sender) !== "join") return deny(r.senderNotJoined, "the sender is not joined");
  const senderLevel = auth.powerLevel(event.sender);
  if (
    senderLevel >= powerLevelField(plContent(auth), "ban", auth.version) &&
    auth.powerLevel(event.state_key!) < senderLevel
  )
    return ALLOW;
  return deny(r.otherwise, "banning needs the ban level and more power than the target");
}

function checkKnock(event: Pdu, auth: AuthEvents, version: RoomVersion, rules: RuleNumbers): AuthResult {
  const r = rules.member.knock!;
  const rule = auth.joinRule();
  // since v10: knock_restricted rooms accept knocks too.
  if (!(rule === "knock" || (version.auth.knockRestrictedJoinRule && rule === "knock_restricted"))) {
    return deny(r.wrongJoinRule, `the join rule ${JSON.stringify(rule ?? null)} does not accept knocks`);
  }
  if (event.sender !== event.state_key) return deny(r.notSelf, "one can only knock as oneself");
  const current = auth.membership(event.sender);
  if (current !== "ban" && current !== "invite" && current !== "join") return ALLOW;
  return deny(r.otherwise, `a user who is ${current} cannot knock`);
}
