// POST /_matrix/client/v3/rooms/{roomId}/upgrade (issue 14, item 14) through matrix-js-sdk's
// own `upgradeRoom`, in process on the simulation clock: the answer's replacement_room,
// the tombstone reaching the other server's client, that client joining the new room, and
// the errors the spec names (403 without the power, 400 M_UNSUPPORTED_ROOM_VERSION).

import * as sdk from "matrix-js-sdk";
import { describe, expect, it } from "vitest";
import { nodeCrypto } from "../../cli/node-crypto.ts";
import { EMPTY_SCENARIO, FrontEnd, InProcessSession, servedWorld } from "../../http/index.ts";
import { inProcessUser as user } from "./harness.ts";

/** The error a rejected SDK call carries: HTTP status and errcode. */
async function failure(
  session: InProcessSession,
  call: Promise<unknown>,
): Promise<{ status?: number; errcode?: string }> {
  try {
    await session.settled(call);
    return {};
  } catch (e) {
    const err = e as sdk.MatrixError;
    return { status: err.httpStatus, errcode: err.errcode };
  }
}

describe("POST /rooms/{roomId}/upgrade", () => {
  it("answers replacement_room; the other server's client sees the tombstone and joins the new room", async () => {
    const session = new InProcessSession(new FrontEnd(servedWorld(EMPTY_SCENARIO, 3, nodeCrypto)));
    session.start();
    try {
      const alice = await user(session, "hs1", "alice");
      const bob = await user(session, "hs2", "bob");
      const { room_id: roomId } = await session.settled(alice.createRoom({ preset: sdk.Preset.PublicChat }));
      await session.settled(bob.joinRoom(roomId, { viaServers: ["hs1"] }));

      expect(await failure(session, bob.upgradeRoom(roomId, "11"))).toEqual({ status: 403, errcode: "M_FORBIDDEN" });
      expect(await failure(session, alice.upgradeRoom(roomId, "99"))).toEqual({
        status: 400,
        errcode: "M_UNSUPPORTED_ROOM_VERSION",
      });

      const { replacement_room: newRoomId } = await session.settled(alice.upgradeRoom(roomId, "11"));
      expect(newRoomId).toMatch(/^!/);
      const tombstone = () => bob.getRoom(roomId)?.currentState.getStateEvents("m.room.tombstone", "");
      await session.runUntil(() => tombstone() !== null && tombstone() !== undefined);
      expect(tombstone()!.getContent()).toEqual({ body: "This room has been replaced", replacement_room: newRoomId });
      await session.settled(bob.joinRoom(newRoomId, { viaServers: [tombstone()!.getSender()!.split(":")[1]!] }));
      const created = () => bob.getRoom(newRoomId)?.currentState.getStateEvents("m.room.create", "");
      await session.runUntil(() => created() !== null && created() !== undefined);
      expect(created()!.getContent().predecessor).toEqual({ room_id: roomId, event_id: tombstone()!.getId() });
      alice.stopClient();
      bob.stopClient();
    } finally {
      session.stop();
    }
  });
});
