// Real matrix-js-sdk clients over HTTP: two users on different virtual homeservers chat,
// a partition makes their timelines diverge, the heal converges them, and what each
// client holds agrees with what its server holds; then typing, a read receipt and
// presence cross between them.

import * as sdk from "matrix-js-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bodies, eventually, serve, startUser, type Served } from "./harness.ts";

describe("matrix-js-sdk over HTTP", () => {
  let served: Served;
  let alice: sdk.MatrixClient;
  let bob: sdk.MatrixClient;
  let roomId: string;

  beforeAll(async () => {
    served = await serve({ mode: "lockstep" });
    alice = await startUser(served.url("hs1"), "alice");
    bob = await startUser(served.url("hs2"), "bob");
  });

  afterAll(async () => {
    alice?.stopClient();
    bob?.stopClient();
    await served?.close();
  });

  it("two users on different servers chat through a room joined over federation", async () => {
    ({ room_id: roomId } = await alice.createRoom({
      preset: sdk.Preset.PublicChat,
      name: "netsplit",
      // Bob may set the topic too: the partition below is a topic war.
      power_level_content_override: { users: { "@alice:hs1": 100, "@bob:hs2": 50 } },
    }));
    await bob.joinRoom(roomId, { viaServers: ["hs1"] });
    await alice.sendTextMessage(roomId, "hello from hs1");
    await eventually("bob sees alice's message", () => bodies(bob, roomId).includes("hello from hs1"));
    await bob.sendTextMessage(roomId, "hi from hs2");
    await eventually("alice sees bob's message", () => bodies(alice, roomId).includes("hi from hs2"));
    expect(bob.getRoom(roomId)?.name).toBe("netsplit");
    expect(
      alice
        .getRoom(roomId)
        ?.getJoinedMembers()
        .map((m) => m.userId)
        .sort(),
    ).toEqual(["@alice:hs1", "@bob:hs2"]);
  });

  it("a partition makes the timelines diverge; the heal converges them and the clients agree with the servers", async () => {
    await served.control("partition", { groups: [["hs1"], ["hs2"]] });
    await alice.sendTextMessage(roomId, "alice alone");
    await alice.setRoomTopic(roomId, "topic from hs1");
    await bob.sendTextMessage(roomId, "bob alone");
    await bob.setRoomTopic(roomId, "topic from hs2");
    const topic = (c: sdk.MatrixClient) =>
      c.getRoom(roomId)?.currentState.getStateEvents("m.room.topic", "")?.getContent().topic;
    await eventually(
      "each sees its own side",
      () =>
        bodies(alice, roomId).includes("alice alone") &&
        bodies(bob, roomId).includes("bob alone") &&
        topic(alice) !== undefined &&
        topic(bob) !== undefined,
    );
    // Diverged: neither has the other's message, and each sees its own topic.
    expect(bodies(alice, roomId)).not.toContain("bob alone");
    expect(bodies(bob, roomId)).not.toContain("alice alone");
    expect(topic(alice)).toBe("topic from hs1");
    expect(topic(bob)).toBe("topic from hs2");

    await served.control("heal", {});
    await eventually(
      "both timelines hold both messages",
      () =>
        ["alice alone", "bob alone"].every((b) => bodies(alice, roomId).includes(b) && bodies(bob, roomId).includes(b)),
      60_000,
    );
    const world = served.frontEnd.world;
    await eventually("the servers converge", () => world.divergentServers(roomId).length === 0, 60_000);
    const serverTopic = () => {
      const id = world.server("hs1").room(roomId)!.currentState.entries();
      for (const [k, eventId] of id)
        if (k.endsWith("m.room.topic")) return world.server("hs1").room(roomId)!.get(eventId)!.pdu.content.topic;
      return undefined;
    };
    await eventually("both clients show the servers' resolved topic", () =>
      [alice, bob].every((c) => topic(c) === serverTopic()),
    );
    // Every state event each client holds is the one its server holds.
    for (const [client, server] of [
      [alice, "hs1"],
      [bob, "hs2"],
    ] as const) {
      const held = world.server(server).room(roomId)!;
      for (const [, eventId] of held.currentState.entries()) {
        const pdu = held.get(eventId)!.pdu;
        const inClient = client.getRoom(roomId)!.currentState.getStateEvents(pdu.type, pdu.state_key!);
        expect(inClient?.getId(), `${server} ${pdu.type} ${pdu.state_key}`).toBe(eventId);
      }
    }
  });

  // EDUs (issue 14 item 13): what one client sets crosses to the other server and reaches
  // the other client through /sync (ephemeral m.typing and m.receipt, top-level presence).
  it("bob's client sees alice typing, then stop", async () => {
    await alice.sendTyping(roomId, true, 30_000);
    await eventually("bob sees alice typing", () => bob.getRoom(roomId)?.getMember("@alice:hs1")?.typing === true);
    await alice.sendTyping(roomId, false, 0);
    await eventually("bob sees alice stop", () => bob.getRoom(roomId)?.getMember("@alice:hs1")?.typing === false);
  });

  it("alice's client sees bob's read receipt for her message", async () => {
    const { event_id: eventId } = await alice.sendTextMessage(roomId, "read me");
    await eventually("bob holds the message", () => bob.getRoom(roomId)?.findEventById(eventId) !== undefined);
    await bob.sendReadReceipt(bob.getRoom(roomId)!.findEventById(eventId)!);
    await eventually("alice sees bob's receipt", () => {
      const room = alice.getRoom(roomId);
      const event = room?.findEventById(eventId);
      return event !== undefined && room!.getUsersReadUpTo(event).includes("@bob:hs2");
    });
  });

  it("bob's client sees alice's presence and status message", async () => {
    await alice.setPresence({ presence: "unavailable", status_msg: "lunch" });
    await eventually("bob sees alice's presence", () => bob.getUser("@alice:hs1")?.presence === "unavailable");
    expect(bob.getUser("@alice:hs1")?.presenceStatusMsg).toBe("lunch");
    expect(await bob.getPresence("@alice:hs1")).toMatchObject({ presence: "unavailable", status_msg: "lunch" });
  });
});
