// Transaction limits on receipt (issue 14, item 13): Synapse answers 400 to a /send with
// more than 50 PDUs or more than 100 EDUs and processes none of it; netsplit 0.1 took it.
import { describe, expect, it } from "vitest";
import type { EventId, JsonObject, RoomId } from "../../../core/index.ts";
import { ask, presetWorld, settle, type PresetName } from "./helpers.ts";

function oversized(preset: PresetName, pdusCount: number, edusCount: number) {
  const world = presetWorld(preset, ["hs1", { name: "hs2", adversary: { kind: "withhold", from: ["hs1"] } }]);
  const alice = world.addClient("@alice:hs1");
  const roomId = alice.createRoom({ preset: "public_chat" }).value() as RoomId;
  const bob = world.addClient("@bob:hs2");
  bob.join(roomId, ["hs1"]);
  settle(world);
  const ids: EventId[] = [];
  for (let i = 0; i < pdusCount; i++) ids.push(bob.sendMessage(roomId, `#${i}`).value() as EventId);
  settle(world);
  const pdus = ids.map((id) => world.server("hs2").room(roomId)!.get(id)!.pdu);
  const edus: JsonObject[] = Array.from({ length: edusCount }, () => ({ edu_type: "m.unknown", content: {} }));
  const answer = ask(world, "hs2", "hs1", {
    method: "PUT",
    path: `/_matrix/federation/v1/send/big-${pdusCount}-${edusCount}`,
    body: { origin: "hs2", pdus, edus },
  });
  settle(world);
  const held = ids.filter((id) => world.server("hs1").room(roomId)!.has(id)).length;
  return { status: answer.status, held };
}

describe("transaction limits on receipt", () => {
  it("as Synapse: 51 PDUs, or 101 EDUs, are refused whole with 400", () => {
    expect(oversized("synapse", 51, 0)).toEqual({ status: 400, held: 0 });
    expect(oversized("synapse", 1, 101)).toEqual({ status: 400, held: 0 });
  });

  it("as Synapse: 50 PDUs and 100 EDUs are taken", () => {
    expect(oversized("synapse", 50, 100)).toEqual({ status: 200, held: 50 });
  });

  it("netsplit 0.1 took a transaction of any size", () => {
    expect(oversized("netsplit-0.1", 51, 101)).toEqual({ status: 200, held: 51 });
  });
});
