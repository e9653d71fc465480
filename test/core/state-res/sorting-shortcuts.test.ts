// The shortcuts resolution takes when it sorts (issue 11) give what the definitions give:
// event ids by code point (spec: Synapse and ruma compare ids as strings of code points),
// and the auth state keys with the create event's, distinct and sorted.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { authStateKeysFor } from "../../../core/auth/index.ts";
import { parseRoomVersion, stateKey, type EventId, type StateKey } from "../../../core/index.ts";
import { withCreateKey } from "../../../core/state-res/event-facts.ts";
import { compareEventIds, sortIds } from "../../../core/state-res/event-lookup.ts";

const CREATE = stateKey("m.room.create", "");

describe("sortIds", () => {
  it("orders by code point: an astral character sorts above U+FFFF, unlike code-unit order", () => {
    // "\u{1F600}" is the surrogate pair D83D DE00; "\uFFFD" is one code unit above D83D.
    const ids = ["$\uFFFD", "$\u{1F600}", "$a"] as EventId[];
    expect(sortIds([...ids])).toEqual(["$a", "$\uFFFD", "$\u{1F600}"]);
  });

  it("agrees with sorting by compareEventIds on any strings", () => {
    const id = fc.oneof(
      fc.string({ unit: "grapheme-ascii" }),
      fc.string({ unit: "binary" }),
      fc.string({ unit: fc.constantFrom("a", "\uD7FF", "\uD83D", "\uDE00", "\uE000", "\uFFFF") }),
    );
    fc.assert(
      fc.property(fc.array(id), (ids) => {
        expect(sortIds([...ids])).toEqual([...ids].sort(compareEventIds));
      }),
      { seed: 11, numRuns: 500 },
    );
  });
});

describe("withCreateKey", () => {
  const reference = (keys: readonly StateKey[]) => [...new Set([...keys, CREATE])].sort();

  it("puts the create key in its place, or leaves a list that has it as it is", () => {
    const member = stateKey("m.room.member", "@a:x");
    const pl = stateKey("m.room.power_levels", "");
    // "13:m.room.create" < "13:m.room.member@a:x" < "19:m.room.power_levels"
    expect(withCreateKey([member, pl])).toEqual([CREATE, member, pl]);
    const withIt = [CREATE, member, pl];
    expect(withCreateKey(withIt)).toBe(withIt);
  });

  it("agrees with a set and a sort, for any list (unsorted or repeated ones take the long way)", () => {
    const key = fc.oneof(
      fc.constant(CREATE),
      fc
        .tuple(fc.constantFrom("m.room.member", "m.room.create", "a", "m.room.zzzzzzzz"), fc.string())
        .map(([t, k]) => stateKey(t, k)),
    );
    fc.assert(
      fc.property(fc.array(key, { maxLength: 8 }), fc.boolean(), (keys, sorted) => {
        const input = sorted ? [...new Set(keys)].sort() : keys;
        expect(withCreateKey(input)).toEqual(reference(input));
      }),
      { seed: 11, numRuns: 1000 },
    );
  });

  it("agrees with a set and a sort on what core/auth's rules give, in v11 (with the create key) and v12 (without)", () => {
    for (const v of ["11", "12"]) {
      const version = parseRoomVersion(v);
      const join = { type: "m.room.member", state_key: "@b:x", sender: "@b:x", content: { membership: "join" } };
      const topic = { type: "m.room.topic", state_key: "", sender: "@a:x", content: {} };
      for (const event of [join, topic]) {
        const keys = authStateKeysFor(event, version);
        expect(withCreateKey(keys)).toEqual(reference(keys));
      }
    }
  });
});

describe("authStateKeysFor builds a member event's keys in sorted order", () => {
  // The spec's list (server-server-api.md "Auth events selection"), as a set, then sorted.
  const specKeys = (
    e: { sender: string; state_key: string; content: Record<string, unknown> },
    v: ReturnType<typeof parseRoomVersion>,
  ) => {
    const keys = new Set<StateKey>([stateKey("m.room.power_levels", ""), stateKey("m.room.member", e.sender)]);
    if (!v.auth.roomIdFromCreateEvent) keys.add(CREATE);
    keys.add(stateKey("m.room.member", e.state_key));
    const m = e.content.membership;
    if (m === "join" || m === "invite" || m === "knock") keys.add(stateKey("m.room.join_rules", ""));
    const token = (e.content.third_party_invite as { signed?: { token?: unknown } } | undefined)?.signed?.token;
    if (m === "invite" && typeof token === "string") keys.add(stateKey("m.room.third_party_invite", token));
    const via = e.content.join_authorised_via_users_server;
    if (v.auth.restrictedJoinRule && m === "join" && typeof via === "string") keys.add(stateKey("m.room.member", via));
    return [...keys].sort();
  };

  it("agrees with the spec's list as a set, sorted, for any member event", () => {
    const user = fc.constantFrom("@a:x", "@b:x", "@B:x", "@a:y", "", "@\u{1F600}:x", "@zz:x");
    const event = fc.record({
      sender: user,
      state_key: user,
      membership: fc.constantFrom("join", "invite", "leave", "ban", "knock"),
      via: fc.option(user, { nil: undefined }),
      token: fc.option(fc.string(), { nil: undefined }),
    });
    fc.assert(
      fc.property(event, fc.constantFrom("7", "8", "11", "12"), (e, v) => {
        const version = parseRoomVersion(v);
        const content: Record<string, unknown> = { membership: e.membership };
        if (e.via !== undefined) content.join_authorised_via_users_server = e.via;
        if (e.token !== undefined) content.third_party_invite = { signed: { token: e.token } };
        const pdu = { type: "m.room.member", sender: e.sender, state_key: e.state_key, content };
        expect(authStateKeysFor(pdu as never, version)).toEqual(specKeys(pdu, version));
      }),
      { seed: 11, numRuns: 2000 },
    );
  });
});
