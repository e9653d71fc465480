// Fuzzing the simulated Client: random calls with valid, near-valid and hostile
// arguments (floats, 2^53, NaN, lone surrogates, huge and deeply nested values, wrong
// types). The contract: a call never throws; it settles with a value or a Matrix error
// (errcode M_…, an HTTP status); what an honest server stored passes an honest peer's
// format check.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nodeCrypto } from "../../cli/node-crypto.ts";
import { checkPduFormat } from "../../core/index.ts";
import type { Client, Pending } from "../../sim/client.ts";
import { World } from "../../sim/world.ts";
import { fuzzRuns, fuzzSeed, Tally } from "./budget.ts";

function nested(depth: number): unknown {
  let v: unknown = {};
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

const hostileScalar = fc.oneof(
  fc.constantFrom(
    1.5,
    2 ** 53,
    -(2 ** 53),
    Number.NaN,
    Number.POSITIVE_INFINITY,
    -0,
    "\uD800",
    "a\uDC00",
    "",
    "@",
    "!:",
    "#:",
    null,
    undefined,
    true,
  ),
  fc.integer(),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constant("x".repeat(70_000)),
  fc.constant("€".repeat(90)),
);
const hostile: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileScalar },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 8 }), hostileScalar, { maxKeys: 3 }) },
  // Markers, replaced at call time: fast-check cannot print a value nested 10,000 deep.
  { weight: 1, arbitrary: fc.constantFrom("@DEEP200@", "@DEEP10000@") },
);

type Call = [string, unknown[]];
const METHODS = [
  "sendMessage",
  "sendEvent",
  "setState",
  "setTopic",
  "setPowerLevel",
  "redact",
  "invite",
  "join",
  "createAlias",
  "leave",
  "kick",
  "ban",
  "unban",
  "messages",
  "createRoom",
] as const;

/** A room argument: the real room, near it, or hostile. */
const call = (roomId: string): fc.Arbitrary<Call> =>
  fc
    .tuple(
      fc.constantFrom(...METHODS),
      fc.oneof(fc.constant(roomId), fc.constant(roomId + "x"), hostile),
      fc.array(fc.oneof(fc.constantFrom("m.room.topic", "@bob:hs1", "", "org.example"), hostile), { maxLength: 3 }),
    )
    .map(([m, room, rest]) => [m, m === "createRoom" ? [room] : [room, ...rest]]);

describe("fuzz: Client calls", () => {
  it("never throw; settle with a value or a Matrix error; stored events pass a peer's format check", () => {
    const seed = fuzzSeed(13_100);
    const tally = new Tally();
    fc.assert(
      fc.property(fc.array(call("!room"), { minLength: 1, maxLength: 6 }), (calls) => {
        const world = new World({ seed: 1, crypto: nodeCrypto });
        world.addServer("hs1");
        const alice = world.register("hs1", "alice");
        if (!alice.ok) throw new Error("register");
        world.register("hs1", "bob");
        const roomId = alice.value.createRoom({ preset: "public_chat" }).value();
        const client = alice.value as unknown as Record<string, (...args: unknown[]) => Pending<unknown>>;
        const pendings: Array<Pending<unknown>> = [];
        for (const [method, args] of calls) {
          const real = args.map((a) =>
            a === "!room" ? roomId : a === "@DEEP200@" ? nested(200) : a === "@DEEP10000@" ? nested(10_000) : a,
          );
          pendings.push(
            client[method]!.apply(alice.value as Client, method === "createRoom" ? [{ name: real[0] }] : real),
          );
        }
        world.run(() => pendings.every((p) => p.done), { virtualTimeMsMax: 60_000 });
        for (const p of pendings) {
          tally.add(!p.result ? "unsettled" : p.result.ok ? "ok" : p.result.error.errcode);
          if (!p.result || p.result.ok) continue;
          expect(p.result.error.errcode).toMatch(/^M_[A-Z_]+$/);
          expect(p.result.error.status).toBeGreaterThanOrEqual(400);
          // The client's last resort turns an exception into M_UNKNOWN "internal error" (500):
          // a crash all the same. A wrong type is the caller's mistake: M_BAD_JSON or M_INVALID_PARAM.
          expect(p.result.error.error).not.toMatch(/^internal error/);
        }
        const room = world.server("hs1").room(roomId)!;
        for (const stored of room.inStreamOrder())
          expect(checkPduFormat(stored.pdu, room.version)).toMatchObject({ ok: true });
      }),
      { seed, numRuns: fuzzRuns(150) },
    );
    tally.print("Client calls (calls, in sequences of 1 to 6)");
  });
});
