// Arguments of the wrong type are the caller's mistake, answered as a homeserver answers a
// bad parameter (M_INVALID_PARAM, 400), never M_UNKNOWN "internal error" (500), which is
// how the client reports an exception. Found by npm run fuzz (seed 13100): createAlias
// with a number, invite with an array nested 10,000 deep, messages with an object as limit,
// join with undefined as the room or a number as via.
import { describe, expect, it } from "vitest";
import { nodeCrypto } from "../../cli/node-crypto.ts";
import type { Pending } from "../../sim/client.ts";
import { World } from "../../sim/world.ts";

function nested(depth: number): unknown {
  let v: unknown = {};
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

function settle<T>(world: World, pending: Pending<T>) {
  world.run(() => pending.done, { virtualTimeMsMax: 60_000 });
  return pending.result;
}

describe("Client calls with arguments of the wrong type", () => {
  const world = new World({ seed: 1, crypto: nodeCrypto });
  world.addServer("hs1");
  const alice = world.register("hs1", "alice");
  if (!alice.ok) throw new Error("register");
  const client = alice.value;
  const roomId = client.createRoom({ preset: "public_chat" }).value();
  const call = client as unknown as Record<string, (...args: unknown[]) => Pending<unknown>>;

  it.each([
    ["join with undefined as the room", () => call.join!(undefined), /a room id is a string, not undefined/],
    ["join with null as the room", () => call.join!(null), /a room id is a string, not null/],
    ["join with a number as via", () => call.join!(roomId, 0), /via must be a list of server names/],
    ["join with a via list holding null", () => call.join!(roomId, [null]), /via must be a list of server names/],
    ["createAlias with a number", () => call.createAlias!(7, roomId), /a room alias must be a string/],
    ["createAlias with null", () => call.createAlias!(null, roomId), /a room alias must be a string/],
    ["invite with an array nested 10,000 deep", () => call.invite!(roomId, nested(10_000)), /user_id must be a string/],
    [
      "invite with an object without prototype",
      () => call.invite!(roomId, Object.create(null)),
      /user_id must be a string/,
    ],
    [
      "messages with an object as limit",
      () => call.messages!(roomId, Object.create(null)),
      /limit must be a whole number/,
    ],
    ["messages with a limit of 1.5", () => call.messages!(roomId, 1.5), /limit must be a whole number/],
    ["messages with a limit of -1", () => call.messages!(roomId, -1), /limit must be a whole number/],
  ])("%s: M_INVALID_PARAM, 400", (_, send, message) => {
    const result = settle(world, send());
    expect(result).toMatchObject({ ok: false, error: { errcode: "M_INVALID_PARAM", status: 400 } });
    expect((result as { error: { error: string } }).error.error).toMatch(message);
  });
});
