// Auth-event selection (server-server-api.md "Auth events selection") and the receipt
// checks (server-server-api.md "Checks performed on receipt of a PDU").
import { describe, expect, it } from "vitest";
import {
  authStateKeysFor,
  buildEvent,
  checkAuthAgainstState,
  checkAuthEventsList,
  checkPduFormat,
  checkPduSignaturesAndHash,
  computeRoomId,
  nobleCrypto,
  parseRoomVersion,
  requiredSigners,
  selectAuthEvents,
  stateKey,
  stateMapOf,
  type Pdu,
} from "../../../core/index.ts";
import { ALICE, BOB, CAROL, baseRoom, createEvent, ev, member, state } from "./room.ts";

const keysOf = (event: Parameters<typeof authStateKeysFor>[0], v: string) =>
  authStateKeysFor(event, parseRoomVersion(v));

describe("auth-event selection", () => {
  it("create (v1-v11 only), power levels, sender; for members the target and join rules", () => {
    const msg = { type: "m.room.message", sender: BOB, content: {} };
    expect(keysOf(msg, "11")).toEqual(
      [stateKey("m.room.create", ""), stateKey("m.room.member", BOB), stateKey("m.room.power_levels", "")].sort(),
    );
    expect(keysOf(msg, "12")).toEqual([stateKey("m.room.member", BOB), stateKey("m.room.power_levels", "")].sort());
    const join = {
      type: "m.room.member",
      state_key: CAROL,
      sender: CAROL,
      content: { membership: "join", join_authorised_via_users_server: ALICE },
    };
    expect(keysOf(join, "8")).toContain(stateKey("m.room.member", ALICE));
    expect(keysOf(join, "7")).not.toContain(stateKey("m.room.member", ALICE));
    expect(keysOf(join, "8")).toContain(stateKey("m.room.join_rules", ""));
    const leave = { type: "m.room.member", state_key: BOB, sender: ALICE, content: { membership: "leave" } };
    expect(keysOf(leave, "11")).not.toContain(stateKey("m.room.join_rules", ""));
    const tpi = {
      type: "m.room.member",
      state_key: CAROL,
      sender: BOB,
      content: { membership: "invite", third_party_invite: { display_name: "c", signed: { token: "tok" } } },
    };
    expect(keysOf(tpi, "11")).toContain(stateKey("m.room.third_party_invite", "tok"));
    expect(keysOf({ type: "m.room.create", state_key: "", sender: ALICE, content: {} }, "11")).toEqual([]);
  });

  it("picks the current events of those keys, sorted", () => {
    const room = baseRoom("11").map((e, i) => ({ ...e, event_id: `$${i}` }));
    const current = stateMapOf(room as Array<Pdu & { event_id: string }>);
    expect(
      selectAuthEvents({ type: "m.room.message", sender: BOB, content: {} }, current, parseRoomVersion("11")),
    ).toEqual(["$0", "$2", "$4"]);
    expect(
      selectAuthEvents(
        { type: "m.room.member", state_key: CAROL, sender: CAROL, content: { membership: "join" } },
        current,
        parseRoomVersion("11"),
      ),
    ).toEqual(["$0", "$2", "$3"]);
  });
});

describe("the auth_events list", () => {
  const room = baseRoom("11");
  const ids = room.map((_, i) => `$a${i}`);
  const msg = (cited: number[]) => ev("m.room.message", BOB, { body: "x" }, { auth_events: cited.map((i) => ids[i]!) });
  const check = (cited: number[], rejected: number[] = [], v = "11") =>
    checkAuthEventsList(
      msg(cited),
      cited.map((i) => room[i]!),
      parseRoomVersion(v),
      (id) => rejected.map((i) => ids[i]).includes(id),
    );

  it("v11: duplicates 2.1, unexpected 2.2, rejected 2.3, missing create 2.4", () => {
    expect(check([0, 2, 4])).toEqual({ allowed: true });
    expect(check([0, 2, 4, 2])).toMatchObject({ allowed: false, rule: "2.1" });
    expect(check([0, 2, 3, 4])).toMatchObject({ allowed: false, rule: "2.2" });
    expect(check([0, 2, 4], [2])).toMatchObject({ allowed: false, rule: "2.3" });
    expect(check([2, 4])).toMatchObject({ allowed: false, rule: "2.4" });
  });

  it("v12: the room id must be the create event's hash (2); citing the create is unexpected (3.2)", () => {
    const create = createEvent("12");
    const roomId = computeRoomId(create, parseRoomVersion("12"));
    const pl = { ...state("m.room.power_levels", "", ALICE, { users: {} }), room_id: roomId };
    const alice = { ...member(ALICE, "join"), room_id: roomId };
    const ok = { ...ev("m.room.message", ALICE, {}), room_id: roomId, auth_events: ["$pl", "$alice"] };
    expect(checkAuthEventsList(ok, [pl, alice], parseRoomVersion("12"), () => false, create)).toEqual({
      allowed: true,
    });
    expect(
      checkAuthEventsList({ ...ok, room_id: "!other:hs1" }, [pl, alice], parseRoomVersion("12"), () => false, create),
    ).toMatchObject({ rule: "2" });
    expect(
      checkAuthEventsList(
        { ...ok, auth_events: ["$c", "$pl", "$alice"] },
        [create, pl, alice],
        parseRoomVersion("12"),
        () => false,
        create,
      ),
    ).toMatchObject({ rule: "3.2" });
  });
});

describe("receipt checks", () => {
  const key = { serverName: "hs2", keyId: "ed25519:k", seed: new Uint8Array(32).fill(3) };
  const built = buildEvent({
    roomVersion: parseRoomVersion("11"),
    roomId: "!room:hs1",
    sender: BOB,
    type: "m.room.message",
    content: { body: "hello" },
    prevEvents: [{ eventId: "$p" as never, depth: 3 }],
    authEvents: ["$c", "$pl", "$m"],
    originServerTs: 10,
    key,
  }).pdu;
  const lookup = (server: string, keyId: string) =>
    server === "hs2" && keyId === "ed25519:k" ? nobleCrypto.publicKey(key.seed) : undefined;

  it("format: fields, counts and sizes", () => {
    expect(checkPduFormat(built, parseRoomVersion("11"))).toMatchObject({ ok: true });
    expect(checkPduFormat({ ...built, depth: "3" }, parseRoomVersion("11"))).toMatchObject({
      ok: false,
      reason: "depth must be a number",
    });
    expect(checkPduFormat({ ...built, prev_events: Array(21).fill("$p") }, parseRoomVersion("11"))).toMatchObject({
      ok: false,
    });
    expect(
      checkPduFormat({ ...built, prev_events: Array(21).fill("$p") }, parseRoomVersion("11"), {
        skipCountLimits: true,
      }),
    ).toMatchObject({ ok: true });
    expect(checkPduFormat({ ...built, content: { body: "x".repeat(70_000) } }, parseRoomVersion("11"))).toMatchObject({
      ok: false,
    });
    expect(checkPduFormat({ ...built, type: "t".repeat(256) }, parseRoomVersion("11"))).toMatchObject({
      ok: false,
      reason: "type longer than 255 bytes",
    });
    // Bytes of UTF-8, not characters: 85 snowmen are 255 bytes, 86 are 258; 128 "é" are 256.
    expect(checkPduFormat({ ...built, type: "☃".repeat(85) }, parseRoomVersion("11"))).toMatchObject({ ok: true });
    expect(checkPduFormat({ ...built, type: "☃".repeat(86) }, parseRoomVersion("11"))).toMatchObject({ ok: false });
    expect(checkPduFormat({ ...built, type: "é".repeat(128) }, parseRoomVersion("11"))).toMatchObject({ ok: false });
    expect(checkPduFormat({ ...built, content: { n: 1.5 } }, parseRoomVersion("11"))).toMatchObject({ ok: false });
    expect(checkPduFormat(built, parseRoomVersion("1"))).toMatchObject({
      ok: false,
      reason: "event_id is required in this room version",
    });
    expect(checkPduFormat("nope", parseRoomVersion("11"))).toMatchObject({ ok: false });
  });

  it("signatures: the sender's server must sign; a changed content is redacted, not dropped", () => {
    expect(requiredSigners(built, parseRoomVersion("11"))).toEqual(["hs2"]);
    expect(requiredSigners({ ...built, event_id: "$x:hs9" }, parseRoomVersion("1"))).toEqual(["hs2", "hs9"]);
    const via = {
      ...built,
      type: "m.room.member",
      state_key: BOB,
      content: { membership: "join", join_authorised_via_users_server: ALICE },
    };
    expect(requiredSigners(via, parseRoomVersion("8"))).toEqual(["hs1", "hs2"]);
    expect(checkPduSignaturesAndHash(built, parseRoomVersion("11"), lookup)).toMatchObject({
      ok: true,
      redacted: false,
    });
    expect(checkPduSignaturesAndHash(built, parseRoomVersion("11"), () => undefined)).toMatchObject({
      ok: false,
      reason: "no valid signature from hs2",
    });
    expect(checkPduSignaturesAndHash({ ...built, sender: CAROL }, parseRoomVersion("11"), lookup)).toMatchObject({
      ok: false,
    });
    const tampered = checkPduSignaturesAndHash(
      { ...built, content: { body: "changed" } },
      parseRoomVersion("11"),
      lookup,
    );
    expect(tampered).toMatchObject({ ok: true, redacted: true });
    expect(tampered.ok && tampered.pdu.content).toEqual({});
  });

  it("auth against a state picks the entries the rules consult", () => {
    const room = baseRoom("11").map((e, i) => ({ ...e, event_id: `$s${i}` }));
    const byId = new Map(room.map((e) => [e.event_id, e]));
    const s = stateMapOf(room as Array<Pdu & { event_id: string }>);
    expect(
      checkAuthAgainstState(ev("m.room.message", BOB, {}), s, (id) => byId.get(id), parseRoomVersion("11")),
    ).toEqual({ allowed: true });
    expect(
      checkAuthAgainstState(ev("m.room.message", CAROL, {}), s, (id) => byId.get(id), parseRoomVersion("11")),
    ).toMatchObject({ rule: "5" });
  });
});
