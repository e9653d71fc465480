// One test per authorization rule and room-version variant. Each expected rule number
// is read off that version's page of the spec (matrix-org/matrix-spec
// content/rooms/fragments/v1-auth-rules.md, v8-auth-rules.md, rooms/v6.md, v7.md,
// v10.md, v11.md, v12.md; shared/spec/README.md §4), never off our own output.
import { describe, expect, it } from "vitest";
import {
  checkAuth,
  computeEventId,
  defineRoomVersion,
  decodeBase64,
  encodeBase64,
  nobleCrypto,
  parseRoomVersion,
  signJson,
  type Pdu,
} from "../../../core/index.ts";
import { ALICE, baseRoom, BOB, CAROL, createEvent, ev, member, powerLevels, state } from "./room.ts";

const rule = (event: Pdu, auth: Pdu[], version: string) => {
  const r = checkAuth(event, auth, parseRoomVersion(version));
  return r.allowed ? "allow" : r.rule;
};
/** The room's events with later ones of the same key replacing earlier ones. */
const withState = (room: Pdu[], ...more: Pdu[]) => [...room, ...more];

describe("rule 1: m.room.create", () => {
  it.each(["1", "5", "10"])("v%s: prev_events, room id server, room_version, creator", (v) => {
    expect(rule(createEvent(v), [], v)).toBe("allow");
    expect(rule({ ...createEvent(v), prev_events: ["$x"] }, [], v)).toBe("1.1");
    expect(rule({ ...createEvent(v), room_id: "!room:hs2" }, [], v)).toBe("1.2");
    expect(rule(createEvent(v, { room_version: "99" }), [], v)).toBe("1.3");
    const { creator: _c, ...noCreator } = createEvent(v).content;
    expect(rule({ ...createEvent(v), content: noCreator }, [], v)).toBe("1.4");
  });

  it("v11: the creator is the sender, no content.creator needed", () => {
    expect(rule(createEvent("11"), [], "11")).toBe("allow");
  });

  it("v12: no room_id, and additional_creators must be user ids", () => {
    expect(rule(createEvent("12"), [], "12")).toBe("allow");
    expect(rule({ ...createEvent("12"), room_id: "!room:hs1" }, [], "12")).toBe("1.2");
    expect(rule(createEvent("12", { additional_creators: [BOB] }), [], "12")).toBe("allow");
    expect(rule(createEvent("12", { additional_creators: ["bob"] }), [], "12")).toBe("1.4");
    expect(rule(createEvent("12", { additional_creators: BOB }), [], "12")).toBe("1.4");
  });
});

describe("the create event must be known", () => {
  it("v1-v11: rule 2.4; v12: rule 2", () => {
    const msg = ev("m.room.message", BOB, { body: "x" });
    expect(rule(msg, baseRoom("11").slice(1), "11")).toBe("2.4");
    expect(rule(msg, baseRoom("12").slice(1), "12")).toBe("2");
  });
});

describe("m.federate", () => {
  it.each([
    ["5", "3"],
    ["11", "3"],
    ["12", "4"],
  ])("v%s: a non-federated room refuses other servers (rule %s)", (v, n) => {
    const room = baseRoom(v);
    room[0] = createEvent(v, { "m.federate": false });
    expect(rule(ev("m.room.message", BOB, { body: "x" }), room, v)).toBe(n);
    expect(rule(ev("m.room.message", ALICE, { body: "x" }), room, v)).toBe("allow");
  });
});

describe("m.room.aliases (v1-v5 only)", () => {
  it("v5: the state_key must be the sender's server, with no power needed", () => {
    const room = baseRoom("5");
    expect(rule(state("m.room.aliases", "hs2", BOB, { aliases: ["#a:hs2"] }), room, "5")).toBe("allow");
    expect(rule(state("m.room.aliases", "hs1", BOB, { aliases: [] }), room, "5")).toBe("4.2");
    expect(rule(ev("m.room.aliases", BOB, { aliases: [] }), room, "5")).toBe("4.1");
  });
  it("v6: an ordinary state event, so Bob needs state_default (rule 7)", () => {
    expect(rule(state("m.room.aliases", "hs2", BOB, { aliases: [] }), baseRoom("6"), "6")).toBe("7");
  });
});

describe("member: join", () => {
  it("the creator's first join right after the create event (v11: the create sender)", () => {
    for (const v of ["10", "11"]) {
      const create = createEvent(v);
      const id = computeEventId(create, parseRoomVersion(v));
      const join = { ...member(ALICE, "join"), prev_events: [id] };
      expect(rule(join, [create], v)).toBe("allow");
      // Anyone else in the same position falls through to the join rules (none: reject).
      expect(rule({ ...member(CAROL, "join"), prev_events: [id] }, [create], v)).toBe("4.3.7");
    }
  });

  it.each([
    ["5", "5.2"],
    ["7", "4.2"],
    ["11", "4.3"],
  ])("v%s numbering (join is rule %s)", (v, j) => {
    const room = baseRoom(v, "invite");
    expect(rule(member(CAROL, "join"), room, v)).toBe(`${j}.${v === "11" ? 7 : 6}`);
    expect(rule(member(CAROL, "join", BOB), room, v)).toBe(`${j}.2`);
    expect(rule(member(CAROL, "join"), withState(room, member(CAROL, "ban", ALICE)), v)).toBe(`${j}.3`);
    expect(rule(member(CAROL, "join"), withState(room, member(CAROL, "invite", ALICE)), v)).toBe("allow");
    expect(rule(member(CAROL, "join"), baseRoom(v, "public"), v)).toBe("allow");
  });

  it("a room without join rules reads as invite (Synapse); joinRuleWhenAbsent: none lets nobody in", () => {
    const room = baseRoom("11").filter((e) => e.type !== "m.room.join_rules");
    const invited = withState(room, member(CAROL, "invite", ALICE));
    expect(rule(member(CAROL, "join"), invited, "11")).toBe("allow");
    expect(rule(member(CAROL, "join"), room, "11")).toBe("4.3.7");
    const literal = defineRoomVersion("org.netsplit.literal-jr", parseRoomVersion("11"), {
      auth: { joinRuleWhenAbsent: "none" },
    });
    expect(checkAuth(member(CAROL, "join"), invited, literal)).toMatchObject({ allowed: false, rule: "4.3.7" });
  });

  it("knock join rule behaves like invite for joins from v7", () => {
    expect(rule(member(CAROL, "join"), withState(baseRoom("7", "knock"), member(CAROL, "invite", ALICE)), "7")).toBe(
      "allow",
    );
    expect(rule(member(CAROL, "join"), baseRoom("7", "knock"), "7")).toBe("4.2.6");
  });

  describe("restricted joins", () => {
    const signedBy = (pdu: Pdu, server: string): Pdu => ({ ...pdu, signatures: { [server]: { "ed25519:k": "sig" } } });
    const via = (user: string) => member(CAROL, "join", CAROL, { join_authorised_via_users_server: user });

    it("v8: an authorising joined user with invite power lets a non-member in", () => {
      const room = baseRoom("8", "restricted");
      expect(rule(signedBy(via(ALICE), "hs1"), room, "8")).toBe("allow");
      expect(rule(member(CAROL, "join"), room, "8")).toBe("4.3.5.2");
      expect(rule(via(ALICE), room, "8")).toBe("4.2"); // hs1 has not signed
      const strict = withState(room, powerLevels({ [ALICE]: 100 }, { invite: 50 }));
      expect(rule(signedBy(via(BOB), "hs2"), strict, "8")).toBe("4.3.5.2");
      expect(rule(signedBy(via(CAROL), "hs3"), room, "8")).toBe("4.3.5.2"); // not joined
    });

    it("v7 has no restricted rule; v10 adds knock_restricted, v9 does not know it", () => {
      expect(rule(member(CAROL, "join"), baseRoom("7", "restricted"), "7")).toBe("4.2.6");
      const signed = signedBy(via(ALICE), "hs1");
      expect(rule(signed, baseRoom("10", "knock_restricted"), "10")).toBe("allow");
      expect(rule(signed, baseRoom("9", "knock_restricted"), "9")).toBe("4.3.7");
    });
  });
});

describe("member: invite", () => {
  it("v11: joined inviter with invite power, target neither joined nor banned", () => {
    const room = baseRoom("11");
    expect(rule(member(CAROL, "invite", ALICE), room, "11")).toBe("allow");
    expect(rule(member(ALICE, "invite", CAROL), room, "11")).toBe("4.4.2");
    expect(rule(member(BOB, "invite", ALICE), room, "11")).toBe("4.4.3");
    expect(rule(member(CAROL, "invite", ALICE), withState(room, member(CAROL, "ban", ALICE)), "11")).toBe("4.4.3");
    const strict = withState(room, powerLevels({ [ALICE]: 100 }, { invite: 50 }));
    expect(rule(member(CAROL, "invite", BOB), strict, "11")).toBe("4.4.5");
  });

  describe("third-party invites", () => {
    const seed = decodeBase64("YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1");
    const publicKey = encodeBase64(nobleCrypto.publicKey(seed));
    const tpiEvent = state("m.room.third_party_invite", "tok", BOB, {
      display_name: "c",
      key_validity_url: "u",
      public_key: publicKey,
    });
    const signed = (mxid: string, token = "tok") =>
      signJson({ mxid, token, sender: BOB }, "id.example", "ed25519:0", seed);
    const redeem = (s: object, sender = BOB) =>
      member(CAROL, "invite", sender, { third_party_invite: { display_name: "c", signed: s as never } });

    it("v11: a signature by the invite's key redeems it", () => {
      const room = withState(baseRoom("11"), tpiEvent);
      expect(rule(redeem(signed(CAROL)), room, "11")).toBe("allow");
      expect(rule(redeem(signed(BOB)), room, "11")).toBe("4.4.1.4");
      expect(rule(redeem(signed(CAROL, "other")), room, "11")).toBe("4.4.1.5");
      expect(rule(redeem(signed(CAROL), ALICE), room, "11")).toBe("4.4.1.6");
      expect(rule(redeem({ mxid: CAROL }), room, "11")).toBe("4.4.1.3");
      const forged = {
        ...signed(CAROL),
        signatures: { "id.example": { "ed25519:0": encodeBase64(new Uint8Array(64)) } },
      };
      expect(rule(redeem(forged), room, "11")).toBe("4.4.1.8");
      expect(rule(redeem(signed(CAROL)), withState(room, member(CAROL, "ban", ALICE)), "11")).toBe("4.4.1.1");
    });
  });
});

describe("member: leave, kick, unban", () => {
  it("v11", () => {
    const room = baseRoom("11");
    expect(rule(member(BOB, "leave"), room, "11")).toBe("allow");
    expect(rule(member(CAROL, "leave"), room, "11")).toBe("4.5.1");
    expect(rule(member(CAROL, "leave"), withState(room, member(CAROL, "invite", ALICE)), "11")).toBe("allow");
    expect(rule(member(CAROL, "leave"), withState(room, member(CAROL, "knock")), "11")).toBe("allow");
    expect(rule(member(BOB, "leave", ALICE), room, "11")).toBe("allow");
    expect(rule(member(ALICE, "leave", BOB), room, "11")).toBe("4.5.5");
    expect(rule(member(BOB, "leave", CAROL), room, "11")).toBe("4.5.2");
    const banned = withState(room, member(CAROL, "ban", ALICE));
    expect(rule(member(CAROL, "leave", ALICE), banned, "11")).toBe("allow");
    const highBan = withState(banned, powerLevels({ [ALICE]: 100 }, { ban: 101 }));
    expect(rule(member(CAROL, "leave", ALICE), highBan, "11")).toBe("4.5.3");
  });

  it("v6: a knock cannot be withdrawn (no knocking before v7)", () => {
    expect(rule(member(CAROL, "leave"), withState(baseRoom("6"), member(CAROL, "knock")), "6")).toBe("4.4.1");
  });
});

describe("member: ban", () => {
  it("v11", () => {
    const room = baseRoom("11");
    expect(rule(member(BOB, "ban", ALICE), room, "11")).toBe("allow");
    expect(rule(member(ALICE, "ban", BOB), room, "11")).toBe("4.6.3");
    expect(rule(member(BOB, "ban", CAROL), room, "11")).toBe("4.6.1");
  });

  it("v12: no one, not even another creator, can ban or kick a creator", () => {
    const room = baseRoom("12");
    room[0] = createEvent("12", { additional_creators: [BOB] });
    expect(rule(member(BOB, "ban", ALICE), room, "12")).toBe("5.6.3");
    expect(rule(member(BOB, "leave", ALICE), room, "12")).toBe("5.5.5");
    expect(rule(member(CAROL, "ban", ALICE), room, "12")).toBe("allow");
  });
});

describe("member: knock and unknown memberships", () => {
  it("v7: knocks need the knock join rule and come from the knocker", () => {
    expect(rule(member(CAROL, "knock"), baseRoom("7", "knock"), "7")).toBe("allow");
    expect(rule(member(CAROL, "knock"), baseRoom("7", "public"), "7")).toBe("4.6.1");
    expect(rule(member(CAROL, "knock", BOB), baseRoom("7", "knock"), "7")).toBe("4.6.2");
    expect(rule(member(BOB, "knock"), baseRoom("7", "knock"), "7")).toBe("4.6.4");
  });
  it("v6: knock is an unknown membership; v10 accepts knocks in knock_restricted rooms, v9 does not", () => {
    expect(rule(member(CAROL, "knock"), baseRoom("6", "knock"), "6")).toBe("4.6");
    expect(rule(member(CAROL, "knock"), baseRoom("10", "knock_restricted"), "10")).toBe("allow");
    expect(rule(member(CAROL, "knock"), baseRoom("9", "knock_restricted"), "9")).toBe("4.7.1");
    expect(rule(member(CAROL, "dance"), baseRoom("11"), "11")).toBe("4.8");
    expect(rule(state("m.room.member", CAROL, CAROL, {}), baseRoom("11"), "11")).toBe("4.1");
  });
});

describe("the rules after membership", () => {
  it.each([
    ["1", 6],
    ["6", 5],
    ["11", 5],
    ["12", 6],
  ])("v%s numbering starts at %i", (v, n) => {
    const room = baseRoom(v);
    const strict = withState(room, powerLevels(Number(v) >= 12 ? {} : { [ALICE]: 100 }, { invite: 50 }));
    expect(rule(ev("m.room.message", CAROL, { body: "x" }), room, v)).toBe(String(n));
    expect(rule(state("m.room.third_party_invite", "t", BOB, {}), strict, v)).toBe(`${n + 1}.1`);
    expect(rule(state("m.room.topic", "", BOB, { topic: "t" }), room, v)).toBe(String(n + 2));
    const open = withState(room, powerLevels(Number(v) >= 12 ? {} : { [ALICE]: 100 }, { state_default: 0 }));
    expect(rule(state("org.example", ALICE, BOB, {}), open, v)).toBe(String(n + 3));
    expect(rule(state("org.example", BOB, BOB, {}), open, v)).toBe("allow");
  });

  it("v1-v2 redactions: the redact level, or the same server as the redacted event", () => {
    const room = baseRoom("1");
    const redaction = (target: string) => ev("m.room.redaction", BOB, {}, { redacts: target, event_id: "$r:hs2" });
    expect(rule(redaction("$x:hs2"), room, "1")).toBe("allow");
    expect(rule(redaction("$x:hs1"), room, "1")).toBe("11.3");
    // v3: redactions are ordinary events here (applied later, spec v3-handling-redactions).
    expect(rule({ ...redaction("$x:hs1"), event_id: undefined }, baseRoom("3"), "3")).toBe("allow");
  });
});

describe("power levels", () => {
  const bobAt50 = (v: string, rest = {}) =>
    withState(
      baseRoom(v),
      powerLevels(Number(v) >= 12 ? { [BOB]: 50, [CAROL]: 50 } : { [ALICE]: 100, [BOB]: 50, [CAROL]: 50 }, rest),
    );
  const change = (v: string, users: object, rest = {}) =>
    state("m.room.power_levels", "", BOB, {
      users: { ...(Number(v) >= 12 ? {} : { [ALICE]: 100 }), ...users },
      ...rest,
    });

  it("the first power-levels event is allowed once well-formed", () => {
    expect(rule(powerLevels({ [ALICE]: 100 }), baseRoom("11").slice(0, 2), "11")).toBe("allow");
  });

  it("v10: integers only (9.1, 9.2, 9.3); v9 accepts integer strings", () => {
    const room = baseRoom("10").slice(0, 2);
    expect(rule(powerLevels({ [ALICE]: "100" }), room, "10")).toBe("9.3");
    expect(rule(powerLevels({ [ALICE]: 100 }, { ban: "50" }), room, "10")).toBe("9.1");
    expect(rule(powerLevels({ [ALICE]: 100 }, { events: { "m.room.name": "50" } }), room, "10")).toBe("9.2");
    expect(rule(powerLevels({ [ALICE]: "100" }, { ban: "50" }), baseRoom("9").slice(0, 2), "9")).toBe("allow");
    expect(rule(powerLevels({ bob: 1 }), baseRoom("9").slice(0, 2), "9")).toBe("9.1");
  });

  it("v12: creators may not be listed (10.4)", () => {
    expect(rule(powerLevels({ [ALICE]: 100 }), baseRoom("12").slice(0, 2), "12")).toBe("10.4");
  });

  it("v11: no one grants or removes more power than they hold (9.5-9.9)", () => {
    const room = bobAt50("11");
    expect(
      rule(
        change("11", { [BOB]: 50, [CAROL]: 50 }, { ban: 40 }),
        withState(room, powerLevels({ [ALICE]: 100, [BOB]: 50, [CAROL]: 50 }, { ban: 50 })),
        "11",
      ),
    ).toBe("allow");
    expect(
      rule(
        change("11", { [BOB]: 50, [CAROL]: 50 }, { ban: 40 }),
        withState(room, powerLevels({ [ALICE]: 100, [BOB]: 50, [CAROL]: 50 }, { ban: 100 })),
        "11",
      ),
    ).toBe("9.5");
    expect(rule(change("11", { [BOB]: 50, [CAROL]: 50 }, { kick: 60 }), room, "11")).toBe("9.5");
    const withEvents = withState(
      room,
      powerLevels({ [ALICE]: 100, [BOB]: 50, [CAROL]: 50 }, { events: { "m.room.tombstone": 100 } }),
    );
    expect(rule(change("11", { [BOB]: 50, [CAROL]: 50 }, { events: {} }), withEvents, "11")).toBe("9.6");
    expect(rule(change("11", { [BOB]: 50, [CAROL]: 50 }, { events: { "m.room.name": 100 } }), room, "11")).toBe("9.7");
    expect(rule(change("11", { [BOB]: 50, [CAROL]: 0 }), room, "11")).toBe("9.8");
    expect(rule(change("11", { [BOB]: 60, [CAROL]: 50 }), room, "11")).toBe("9.9");
    expect(rule(change("11", { [BOB]: 10, [CAROL]: 50 }), room, "11")).toBe("allow"); // one's own entry
  });

  it("notifications are guarded from v6, not before", () => {
    for (const [v, expected] of [
      ["5", "allow"],
      ["6", "9.4"],
    ] as const) {
      const room = withState(baseRoom(v), powerLevels({ [ALICE]: 100, [BOB]: 50 }, { notifications: { room: 100 } }));
      expect(
        rule(
          state("m.room.power_levels", "", BOB, { users: { [ALICE]: 100, [BOB]: 50 }, notifications: { room: 0 } }),
          room,
          v,
        ),
      ).toBe(expected);
    }
  });

  it("v12 creators pass every change check", () => {
    const room = baseRoom("12");
    expect(rule(state("m.room.power_levels", "", ALICE, { users: { [BOB]: 100 }, ban: 1000 }), room, "12")).toBe(
      "allow",
    );
  });
});
