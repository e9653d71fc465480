// The spec renumbers its auth rules from version to version: the aliases rule (v1-v5)
// and the room-id rule (v12) push the later rules down, knocking (v7) and restricted
// joins (v8) push the membership sub-rules down. Numbers are derived here from the
// version's flags, so that every rejection names the rule as that version's page does
// (rooms/fragments/v1-auth-rules.md, v3-, v8-auth-rules.md, rooms/v6.md … v12.md).

import type { RoomVersion } from "../room-versions.ts";

export interface RuleNumbers {
  create: { prevEvents: string; roomId: string; roomVersion: string; creatorOrAdditional: string | undefined };
  /** since v12: the room id must name an accepted create event. */
  roomIdIsCreate: string | undefined;
  authEvents: {
    duplicate: string;
    unexpected: string;
    rejected: string;
    missingCreate: string | undefined;
    wrongRoom: string;
  };
  federate: string;
  aliases: { noStateKey: string; wrongDomain: string } | undefined;
  member: {
    malformed: string;
    authorisedViaSignature: string | undefined;
    join: {
      firstByCreator: string;
      notSelf: string;
      banned: string;
      inviteRule: string;
      restricted: string | undefined;
      public: string;
      otherwise: string;
    };
    invite: {
      thirdParty: {
        banned: string;
        noSigned: string;
        noMxidToken: string;
        mxidMismatch: string;
        noTpi: string;
        senderMismatch: string;
        noSignature: string;
      };
      senderNotJoined: string;
      targetJoinedOrBanned: string;
      otherwise: string;
    };
    leave: { self: string; senderNotJoined: string; targetBanned: string; otherwise: string };
    ban: { senderNotJoined: string; otherwise: string };
    knock: { wrongJoinRule: string; notSelf: string; otherwise: string } | undefined;
    unknown: string;
  };
  senderNotJoined: string;
  thirdPartyInvite: string;
  requiredPowerLevel: string;
  atStateKey: string;
  powerLevels: {
    notIntegers: string | undefined;
    eventsNotIntegers: string | undefined;
    users: string;
    creatorInUsers: string | undefined;
    topLevelChanged: string;
    eventsOld: string;
    eventsNew: string;
    usersOld: string;
    usersNew: string;
  };
  redaction: string | undefined;
}

const sub = (n: number, i: number) => `${n}.${i}`;

export function ruleNumbers(version: RoomVersion): RuleNumbers {
  const a = version.auth;
  let n = 1;
  const create = n++;
  const roomIdIsCreate = a.roomIdFromCreateEvent ? n++ : undefined;
  const authEvents = n++;
  const federate = n++;
  const aliases = a.specialCaseAliases ? n++ : undefined;
  const member = n++;
  const senderNotJoined = n++;
  const thirdPartyInvite = n++;
  const requiredPowerLevel = n++;
  const atStateKey = n++;
  const powerLevels = n++;
  const redaction = a.redactionAuthRule ? n : undefined;

  // Membership sub-rules.
  let m = 1;
  const malformed = sub(member, m++);
  const authorisedVia = a.restrictedJoinRule ? sub(member, m++) : undefined;
  const join = m++;
  const invite = m++;
  const leave = m++;
  const ban = m++;
  const knock = a.knocking ? m++ : undefined;
  const unknown = sub(member, m);
  const j = (i: number) => `${member}.${join}.${i}`;
  let ji = 4;
  const inviteRule = j(ji++);
  const restricted = a.restrictedJoinRule ? j(ji++) : undefined;
  const publicRule = j(ji++);
  const joinOtherwise = j(ji);
  const inv = (i: number) => `${member}.${invite}.${i}`;
  const tpi = (i: number) => `${member}.${invite}.1.${i}`;

  // Power-level sub-rules: v10 adds two type checks first, v12 the creators check.
  let p = 1;
  const notIntegers = a.integerPowerLevels ? sub(powerLevels, p++) : undefined;
  const eventsNotIntegers = a.integerPowerLevels ? sub(powerLevels, p++) : undefined;
  const users = sub(powerLevels, p++);
  const creatorInUsers = a.privilegedCreators ? sub(powerLevels, p++) : undefined;
  p++; // "no previous power levels event: allow"
  const topLevelChanged = sub(powerLevels, p++);
  const eventsOld = sub(powerLevels, p++);
  const eventsNew = sub(powerLevels, p++);
  const usersOld = sub(powerLevels, p++);
  const usersNew = sub(powerLevels, p);

  return {
    create: {
      prevEvents: sub(create, 1),
      roomId: sub(create, 2),
      roomVersion: sub(create, 3),
      creatorOrAdditional: a.createRequiresCreator || a.privilegedCreators ? sub(create, 4) : undefined,
    },
    roomIdIsCreate: roomIdIsCreate === undefined ? undefined : String(roomIdIsCreate),
    authEvents: {
      duplicate: sub(authEvents, 1),
      unexpected: sub(authEvents, 2),
      rejected: sub(authEvents, 3),
      missingCreate: a.roomIdFromCreateEvent ? undefined : sub(authEvents, 4),
      // v12 rule 3.4; earlier versions have no such rule, Synapse checks it anyway (numbered x.5 here).
      wrongRoom: a.roomIdFromCreateEvent ? sub(authEvents, 4) : sub(authEvents, 5),
    },
    federate: String(federate),
    aliases: aliases === undefined ? undefined : { noStateKey: sub(aliases, 1), wrongDomain: sub(aliases, 2) },
    member: {
      malformed,
      authorisedViaSignature: authorisedVia,
      join: {
        firstByCreator: j(1),
        notSelf: j(2),
        banned: j(3),
        inviteRule,
        restricted,
        public: publicRule,
        otherwise: joinOtherwise,
      },
      invite: {
        thirdParty: {
          banned: tpi(1),
          noSigned: tpi(2),
          noMxidToken: tpi(3),
          mxidMismatch: tpi(4),
          noTpi: tpi(5),
          senderMismatch: tpi(6),
          noSignature: tpi(8),
        },
        senderNotJoined: inv(2),
        targetJoinedOrBanned: inv(3),
        otherwise: inv(5),
      },
      leave: {
        self: `${member}.${leave}.1`,
        senderNotJoined: `${member}.${leave}.2`,
        targetBanned: `${member}.${leave}.3`,
        otherwise: `${member}.${leave}.5`,
      },
      ban: { senderNotJoined: `${member}.${ban}.1`, otherwise: `${member}.${ban}.3` },
      knock:
        knock === undefined
          ? undefined
          : {
              wrongJoinRule: `${member}.${knock}.1`,
              notSelf: `${member}.${knock}.2`,
              otherwise: `${member}.${knock}.4`,
            },
      unknown,
    },
    senderNotJoined: String(senderNotJoined),
    thirdPartyInvite: sub(thirdPartyInvite, 1),
    requiredPowerLevel: String(requiredPowerLevel),
    atStateKey: String(atStateKey),
    powerLevels: {
      notIntegers,
      eventsNotIntegers,
      users,
      creatorInUsers,
      topLevelChanged,
      eventsOld,
      eventsNew,
      usersOld,
      usersNew,
    },
    redaction: redaction === undefined ? undefined : sub(redaction, 3),
  };
}
