// A matrix-bot-sdk bot, unchanged, against a served homeserver: it logs in, joins the
// room it is invited to (AutojoinRoomsMixin), and answers a command from a matrix-js-sdk
// user on another server, over federation.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bodies, eventually, serve, startUser, type Served } from "./harness.ts";
import * as bot from "matrix-bot-sdk";

describe("matrix-bot-sdk over HTTP", () => {
  let served: Served;
  beforeAll(async () => {
    bot.LogService.setLevel(bot.LogLevel.ERROR);
    bot.LogService.muteModule("MatrixClientLite");
    served = await serve({ mode: "lockstep" });
  });
  afterAll(async () => served?.close());

  it("a bot on hs1 answers !ping from a user on hs2", async () => {
    const hs1 = served.url("hs1");
    const registered = (await (
      await fetch(`${hs1}/_matrix/client/v3/register`, {
        method: "POST",
        body: JSON.stringify({ username: "pingbot", password: "pw", auth: { type: "m.login.dummy" } }),
      })
    ).json()) as { access_token: string };
    const client = new bot.MatrixClient(hs1, registered.access_token, new bot.MemoryStorageProvider());
    bot.AutojoinRoomsMixin.setupOnClient(client);
    client.on("room.message", (roomId: string, event: { sender: string; content?: { body?: string } }) => {
      if (event.sender === "@pingbot:hs1" || event.content?.body !== "!ping") return;
      void client.replyNotice(roomId, event, "pong");
    });
    await client.start();
    try {
      const carol = await startUser(served.url("hs2"), "carol");
      const { room_id: roomId } = await carol.createRoom({ name: "bots", invite: ["@pingbot:hs1"] });
      await eventually("the bot joins", () => carol.getRoom(roomId)?.getMember("@pingbot:hs1")?.membership === "join");
      await carol.sendTextMessage(roomId, "!ping");
      await eventually("the bot answers", () => bodies(carol, roomId).some((b) => b.includes("pong")));
      expect(await client.getJoinedRooms()).toEqual([roomId]);
      carol.stopClient();
    } finally {
      client.stop();
    }
  });
});
