// An honest server never creates what an honest peer would reject: the Client-Server API
// refuses, before building and signing, content with no canonical JSON form (M_BAD_JSON,
// 400) and events over the PDU limits (M_TOO_LARGE, 413). Calls answer; they never throw.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nodeCrypto } from "../../cli/node-crypto.ts";
import { checkPduFormat, PDU_LIMITS, type EventId, type JsonObject } from "../../core/index.ts";
import type { Client } from "../../sim/client.ts";
import { World } from "../../sim/world.ts";

function setUp() {
  const world = new World({ seed: 1, crypto: nodeCrypto });
  const hs = world.addServer("hs1");
  const registered = world.register("hs1", "alice");
  if (!registered.ok) throw new Error("alice must register");
  const alice = registered.value;
  const roomId = alice.createRoom({ preset: "private_chat" }).value();
  return { world, hs, alice, roomId };
}

function eventCount(alice: Client, roomId: string): number {
  return alice.hs.room(roomId)!.inStreamOrder().length;
}

/** A chain of `depth` nested objects, built without recursion. */
function nested(depth: number): JsonObject {
  let value: JsonObject = {};
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

describe("the Client-Server API's limits", () => {
  it("refuses a topic that makes the event larger than the PDU limit with M_TOO_LARGE (413), storing nothing", () => {
    const { alice, roomId } = setUp();
    const before = eventCount(alice, roomId);
    const r = alice.setTopic(roomId, "x".repeat(70_000)).result!;
    expect(r).toMatchObject({ ok: false, error: { errcode: "M_TOO_LARGE", status: 413 } });
    expect(eventCount(alice, roomId)).toBe(before);
  });

  it("refuses content just under the limit whose whole PDU (ids, hashes, signature) is over it", () => {
    const { alice, roomId } = setUp();
    // `{"topic":"…"}` is 12 bytes of framing: the content itself fits, the event does not.
    const r = alice.setTopic(roomId, "x".repeat(PDU_LIMITS.eventBytesMax - 12 - 100)).result!;
    expect(r).toMatchObject({ ok: false, error: { errcode: "M_TOO_LARGE", status: 413 } });
  });

  it("accepts an event that fits, and an honest peer's format check accepts what was stored", () => {
    const { alice, roomId } = setUp();
    const id = alice.setTopic(roomId, "x".repeat(60_000)).value();
    const room = alice.hs.room(roomId)!;
    expect(checkPduFormat(room.get(id)!.pdu, room.version).ok).toBe(true);
  });

  it("counts type and state_key limits in UTF-8 bytes (255), not characters", () => {
    const { alice, roomId } = setUp();
    const euro86 = "€".repeat(86); // 86 characters, 258 bytes
    expect(alice.setState(roomId, "org.example", euro86, {}).result).toMatchObject({
      ok: false,
      error: { errcode: "M_TOO_LARGE" },
    });
    expect(alice.sendEvent(roomId, `org.${euro86}`, {}).result).toMatchObject({
      ok: false,
      error: { errcode: "M_TOO_LARGE" },
    });
    expect(alice.setState(roomId, "org.example", "k".repeat(255), {}).result).toMatchObject({ ok: true });
  });

  it("refuses a createRoom whose name or initial state would be too large", () => {
    const { alice } = setUp();
    expect(alice.createRoom({ name: "n".repeat(70_000) }).result).toMatchObject({
      ok: false,
      error: { errcode: "M_TOO_LARGE" },
    });
    expect(alice.createRoom({ initialState: [{ type: "t".repeat(300), content: {} }] }).result).toMatchObject({
      ok: false,
      error: { errcode: "M_TOO_LARGE" },
    });
  });

  const badValues: Array<[string, unknown]> = [
    ["a float", 1.5],
    ["2^53", 2 ** 53],
    ["-(2^53)", -(2 ** 53)],
    ["NaN", Number.NaN],
    ["Infinity", Number.POSITIVE_INFINITY],
    ["a lone high surrogate", "a\uD800b"],
    ["a lone low surrogate", "\uDC00"],
    ["content nested 10,000 deep", nested(10_000)],
  ];
  for (const [name, value] of badValues) {
    it(`answers M_BAD_JSON (400) for ${name} in setState and sendMessage, without throwing`, () => {
      const { alice, roomId } = setUp();
      const content = { v: value } as JsonObject;
      expect(alice.setState(roomId, "org.example", "", content).result).toMatchObject({
        ok: false,
        error: { errcode: "M_BAD_JSON", status: 400 },
      });
      expect(alice.sendMessage(roomId, "hi", content).result).toMatchObject({
        ok: false,
        error: { errcode: "M_BAD_JSON", status: 400 },
      });
    });
  }

  it("answers a Matrix error, not a TypeError, for arguments of the wrong type (found by the fuzzer)", () => {
    const { alice, roomId } = setUp();
    const anything = (x: unknown) => x as string;
    expect(alice.setPowerLevel(roomId, anything(Object.create(null)), 50).result).toMatchObject({
      ok: false,
      error: { errcode: "M_INVALID_PARAM" },
    });
    // Once the client's 500 "internal error" fallback; a wrong type is the caller's mistake (400).
    expect(alice.createAlias(anything(0), roomId).result).toMatchObject({
      ok: false,
      error: { errcode: "M_INVALID_PARAM", status: 400 },
    });
    expect(alice.sendMessage(anything([[]]), "hi").result).toMatchObject({
      ok: false,
      error: { errcode: "M_INVALID_PARAM" },
    });
    expect(alice.redact(roomId, anything("\u0000") as EventId).result).toMatchObject({
      ok: false,
      error: { errcode: "M_INVALID_PARAM" },
    });
  });

  it("answers M_BAD_JSON for a lone surrogate in the state key or the message body", () => {
    const { alice, roomId } = setUp();
    expect(alice.setState(roomId, "org.example", "\uD83D", {}).result).toMatchObject({
      ok: false,
      error: { errcode: "M_BAD_JSON" },
    });
    expect(alice.sendMessage(roomId, "\uDE00").result).toMatchObject({ ok: false, error: { errcode: "M_BAD_JSON" } });
  });

  it("property: any content answers a value or a Matrix error, and what is stored passes an honest peer's format check", () => {
    const { alice, roomId } = setUp();
    const room = alice.hs.room(roomId)!;
    const hostile = fc.oneof(
      fc.jsonValue(),
      fc.double(),
      fc.bigInt().map((n) => Number(n)),
      fc.string({ unit: "binary" }),
      fc.string({ unit: "grapheme", maxLength: 300 }),
      fc.constant(nested(150)),
    );
    const content = fc.dictionary(fc.string({ maxLength: 20 }), hostile, { maxKeys: 4 });
    const seed = 13_001;
    fc.assert(
      fc.property(
        fc.string({ unit: "binary", maxLength: 300 }),
        fc.option(fc.string({ unit: "binary", maxLength: 300 })),
        content,
        (type, key, c) => {
          const pending =
            key === null
              ? alice.sendEvent(roomId, type, c as JsonObject)
              : alice.setState(roomId, type, key, c as JsonObject);
          const r = pending.result!;
          if (!r.ok) {
            expect(typeof r.error.errcode).toBe("string");
            expect(r.error.errcode.startsWith("M_")).toBe(true);
            return;
          }
          expect(checkPduFormat(room.get(r.value)!.pdu, room.version)).toMatchObject({ ok: true });
        },
      ),
      { seed, numRuns: 300 },
    );
  });
});
