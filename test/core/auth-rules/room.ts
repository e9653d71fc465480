// A tiny room builder for auth-rule tests: readable ids, no hashes or signatures (the
// rules under test do not look at them), and the auth events as a list.
import type { JsonObject, Pdu } from "../../../core/index.ts";

export const ALICE = "@alice:hs1"; // the creator
export const BOB = "@bob:hs2";
export const CAROL = "@carol:hs3";

let counter = 0;

export function ev(type: string, sender: string, content: JsonObject, extra: Partial<Pdu> = {}): Pdu {
  counter++;
  return {
    room_id: "!room:hs1",
    sender,
    origin_server_ts: counter,
    type,
    content,
    prev_events: ["$prev"],
    auth_events: [],
    depth: counter,
    hashes: { sha256: "x" },
    signatures: {},
    ...extra,
  } as Pdu;
}

export const state = (type: string, key: string, sender: string, content: JsonObject, extra: Partial<Pdu> = {}) =>
  ev(type, sender, content, { state_key: key, ...extra });

export function createEvent(version: string, extra: JsonObject = {}): Pdu {
  const v = Number(version);
  const content: JsonObject = { room_version: version, ...(v <= 10 ? { creator: ALICE } : {}), ...extra };
  return state("m.room.create", "", ALICE, content, { prev_events: [], ...(v >= 12 ? { room_id: undefined } : {}) });
}

export const member = (user: string, membership: string, sender = user, content: JsonObject = {}) =>
  state("m.room.member", user, sender, { membership, ...content });

export function powerLevels(users: JsonObject, rest: JsonObject = {}): Pdu {
  return state("m.room.power_levels", "", ALICE, { users, ...rest });
}

export const joinRules = (rule: string, extra: JsonObject = {}) =>
  state("m.room.join_rules", "", ALICE, { join_rule: rule, ...extra });

/** A room where Alice created, joined and set PL (Alice 100, or nothing listed in v12), and Bob joined. */
export function baseRoom(version: string, joinRule = "public"): Pdu[] {
  const v12 = Number(version) >= 12;
  return [
    createEvent(version),
    member(ALICE, "join"),
    powerLevels(v12 ? {} : { [ALICE]: 100 }),
    joinRules(joinRule),
    member(BOB, "join"),
  ];
}
