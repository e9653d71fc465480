// matrix-bot-sdk's Appservice, unchanged, bridging through a served homeserver: the
// registration is loaded onto hs1, hs1 pushes transactions to the service's real port
// with the hs_token, and the service answers with ghosts (as_token, user_id
// masquerading) that a matrix-js-sdk user on hs2 sees over federation.

import { createServer } from "node:net";
import * as sdk from "matrix-js-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { attachHttpAppService } from "../../http/index.ts";
import { bodies, eventually, serve, startUser, type Served } from "./harness.ts";
import * as bot from "matrix-bot-sdk";

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe("matrix-bot-sdk Appservice over HTTP", () => {
  let served: Served;
  let appservice: bot.Appservice | undefined;
  beforeAll(async () => {
    bot.LogService.setLogger({ info() {}, warn() {}, error() {}, debug() {}, trace() {} });
    served = await serve({ mode: "lockstep" });
  });
  afterAll(async () => {
    appservice?.stop();
    await served?.close();
  });

  it("bridges a room: the service joins when invited and answers through a ghost", async () => {
    const port = await freePort();
    const registration = {
      id: "echo-bridge",
      url: `http://127.0.0.1:${port}`,
      as_token: "as-secret",
      hs_token: "hs-secret",
      sender_localpart: "echobot",
      namespaces: { users: [{ exclusive: true, regex: "@echo_.*:hs1" }], aliases: [], rooms: [] },
      rate_limited: false,
    };
    attachHttpAppService(served.frontEnd.world, "hs1", registration, {
      fetch: async (url, init) => ({ status: (await fetch(url, init)).status }),
    });
    appservice = new bot.Appservice({
      port,
      bindAddress: "127.0.0.1",
      homeserverName: "hs1",
      homeserverUrl: served.url("hs1"),
      registration: registration as unknown as bot.IAppserviceRegistration,
      storage: new bot.MemoryStorageProvider(),
    });
    const service = appservice;
    // The service's own calls, awaited before the test ends: one still in flight when the
    // servers close fails with ECONNRESET, outside the test.
    const calls: Promise<unknown>[] = [];
    service.on("room.invite", (roomId: string, event: { state_key: string }) => {
      if (event.state_key === service.botUserId) calls.push(service.botIntent.joinRoom(roomId));
    });
    service.on("room.message", (roomId: string, event: { sender: string; content?: { body?: string } }) => {
      if (service.isNamespacedUser(event.sender) || event.sender === service.botUserId) return;
      const ghost = service.getIntentForSuffix("alice");
      calls.push(
        (async () => {
          await ghost.ensureRegisteredAndJoined(roomId);
          await ghost.sendText(roomId, `echo: ${event.content?.body}`);
        })(),
      );
    });
    await service.begin();

    // The room lives on hs1, so the invite is an event hs1 holds and pushes. (An invite
    // from another server to a room hs1 does not hold yet is not pushed to services by the
    // simulated homeserver: docs/http.md.)
    const erin = await startUser(served.url("hs1"), "erin");
    const { room_id: roomId } = await erin.createRoom({ name: "bridged", preset: sdk.Preset.PublicChat });
    await erin.invite(roomId, "@echobot:hs1");
    const dave = await startUser(served.url("hs2"), "dave");
    await dave.joinRoom(roomId, { viaServers: ["hs1"] });
    await eventually(
      "the service's bot joins",
      () => dave.getRoom(roomId)?.getMember("@echobot:hs1")?.membership === "join",
    );
    await dave.sendTextMessage(roomId, "hello bridge");
    await eventually("the ghost answers", () => bodies(dave, roomId).includes("echo: hello bridge"));
    const ghostMessage = dave
      .getRoom(roomId)!
      .getLiveTimeline()
      .getEvents()
      .find((e) => e.getContent().body === "echo: hello bridge");
    expect(ghostMessage?.getSender()).toBe("@echo_alice:hs1");
    const world = served.frontEnd.world;
    expect(world.trace.all().some((r) => r.kind === "as.txn.received")).toBe(true);
    await Promise.all(calls);
    dave.stopClient();
    erin.stopClient();
  });
});
