// fast-check generators for Matrix JSON and PDUs.
import fc from "fast-check";
import type { JsonObject, JsonValue, Pdu } from "../../core/index.ts";

/** Strings of any Unicode scalar values (no lone surrogates), astral ones included. */
export const unicodeString = (maxLength = 12) => fc.string({ unit: "binary", maxLength });

export const safeInteger = fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });

/** JSON values canonical JSON can encode: integers in the safe range, valid strings. */
export const canonicalJsonValue: fc.Arbitrary<JsonValue> = fc.letrec<{ value: JsonValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    safeInteger,
    unicodeString(),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(unicodeString(6), tie("value"), { maxKeys: 5 }),
  ),
})).value;

export const jsonObject: fc.Arbitrary<JsonObject> = fc.dictionary(unicodeString(6), canonicalJsonValue, { maxKeys: 6 });

/** Rebuild an object (recursively) with its keys in a shuffled order. */
export function shuffleKeys<T>(value: T, order: readonly number[]): T {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => shuffleKeys(v, order)) as T;
  const entries = Object.entries(value);
  const shuffled = entries
    .map((e, i) => ({ e, rank: order.length ? order[i % order.length]! * 1000 + i : i }))
    .sort((a, b) => a.rank - b.rank)
    .map(({ e: [k, v] }) => [k, shuffleKeys(v, order)] as const);
  return Object.fromEntries(shuffled) as T;
}

const eventTypes = fc.constantFrom(
  "m.room.message",
  "m.room.member",
  "m.room.create",
  "m.room.join_rules",
  "m.room.power_levels",
  "m.room.history_visibility",
  "m.room.aliases",
  "m.room.redaction",
  "m.room.topic",
  "org.example.custom",
);

/** PDU-shaped objects with arbitrary content, for laws about hashing, redaction and signing. */
export const pdu: fc.Arbitrary<Pdu> = fc
  .record({
    room_id: fc.constant("!room:hs1"),
    sender: fc.constantFrom("@alice:hs1", "@bob:hs1"),
    origin_server_ts: fc.integer({ min: 0, max: 2 ** 45 }),
    type: eventTypes,
    state_key: fc.option(fc.constantFrom("", "@alice:hs1", "x"), { nil: undefined }),
    content: fc.record(
      {
        membership: fc.constantFrom("join", "leave"),
        body: unicodeString(),
        creator: fc.constant("@alice:hs1"),
        join_rule: fc.constant("public"),
        allow: fc.constant([]),
        users: fc.dictionary(fc.constantFrom("@alice:hs1", "@bob:hs1"), fc.integer({ min: 0, max: 100 })),
        invite: fc.integer({ min: 0, max: 100 }),
        redacts: fc.constant("$target"),
        aliases: fc.constant(["#a:hs1"]),
        history_visibility: fc.constant("shared"),
        extra: jsonObject,
      },
      { requiredKeys: [] },
    ),
    prev_events: fc.array(fc.constantFrom("$a", "$b", "$c"), { maxLength: 3 }),
    auth_events: fc.array(fc.constantFrom("$create", "$pl", "$member"), { maxLength: 3 }),
    depth: fc.integer({ min: 1, max: 1000 }),
    hashes: fc.constant({ sha256: "aGFzaA" }),
    signatures: fc.constant({}),
    unsigned: fc.option(jsonObject, { nil: undefined }),
    origin: fc.option(fc.constant("hs1"), { nil: undefined }),
  })
  .map((p) => JSON.parse(JSON.stringify(p)) as Pdu);
