// `npm run demo`: build a room's first events as a homeserver would — create,
// the creator's join, power levels, join rules, a message — sign them, then verify each
// with both crypto backends and print them.

import {
  buildEvent,
  checkContentHash,
  computeEventId,
  nobleCrypto,
  parseRoomVersion,
  verifyEventSignature,
  type BuiltEvent,
  type JsonObject,
  type PrevEvent,
} from "../core/index.ts";
import { runNetsplitDemo } from "./demo-netsplit.ts";
import { nodeCrypto } from "./node-crypto.ts";

const ROOM_VERSION = parseRoomVersion("12");
const SERVER = "hs1.example";
const ALICE = `@alice:${SERVER}`;
// A fixed seed keeps the demo's output identical from run to run.
const key = { serverName: SERVER, keyId: "ed25519:demo", seed: new Uint8Array(32).fill(7) };

interface Step {
  type: string;
  stateKey?: string;
  content: JsonObject;
}

const steps: Step[] = [
  { type: "m.room.create", stateKey: "", content: { room_version: ROOM_VERSION.id } },
  { type: "m.room.member", stateKey: ALICE, content: { membership: "join", displayname: "Alice" } },
  {
    type: "m.room.power_levels",
    stateKey: "",
    // v12: creators are not listed; the tombstone level sits above state_default.
    content: {
      users: {},
      users_default: 0,
      events: { "m.room.tombstone": 150 },
      state_default: 50,
      ban: 50,
      kick: 50,
      redact: 50,
      invite: 0,
    },
  },
  { type: "m.room.join_rules", stateKey: "", content: { join_rule: "public" } },
  { type: "m.room.message", content: { msgtype: "m.text", body: "Hello, federation!" } },
];

function buildRoom(): BuiltEvent[] {
  const built: BuiltEvent[] = [];
  const state = new Map<string, BuiltEvent>();
  let prev: PrevEvent[] = [];
  steps.forEach((step, i) => {
    // Auth events as the spec selects them: (v12: no create) power levels and the
    // sender's membership, once they exist.
    const authEvents = ["m.room.power_levels|", `m.room.member|${ALICE}`]
      .map((k) => state.get(k)?.eventId)
      .filter((id): id is NonNullable<typeof id> => id !== undefined);
    const event = buildEvent({
      roomVersion: ROOM_VERSION,
      ...(i === 0 ? {} : { roomId: built[0]!.roomId }),
      sender: ALICE,
      type: step.type,
      ...(step.stateKey !== undefined ? { stateKey: step.stateKey } : {}),
      content: step.content,
      prevEvents: prev,
      authEvents,
      originServerTs: 1_700_000_000_000 + i * 1000,
      key,
      crypto: nodeCrypto,
    });
    built.push(event);
    if (step.stateKey !== undefined) state.set(`${step.type}|${step.stateKey}`, event);
    prev = [{ eventId: event.eventId, depth: event.pdu.depth }];
  });
  return built;
}

const events = buildRoom();
const publicKey = nodeCrypto.publicKey(key.seed);
console.log(`netsplit demo: the first events of a room version ${ROOM_VERSION.id} room on ${SERVER}`);
console.log(`room id: ${events[0]!.roomId}\n`);
for (const { eventId, pdu } of events) {
  const checks = [nodeCrypto, nobleCrypto].map((backend) => {
    const ok =
      verifyEventSignature(pdu, ROOM_VERSION, SERVER, key.keyId, publicKey, backend) &&
      checkContentHash(pdu, backend) &&
      computeEventId(pdu, ROOM_VERSION, backend) === eventId;
    return `${backend.name}: ${ok ? "ok" : "FAILED"}`;
  });
  console.log(
    `${eventId}  depth ${pdu.depth}  ${pdu.type}${pdu.state_key !== undefined ? ` ${JSON.stringify(pdu.state_key)}` : ""}`,
  );
  console.log(`  signature, hash and id verified — ${checks.join(", ")}`);
}
console.log("\nThe message event as it travels over federation:\n");
console.log(JSON.stringify(events.at(-1)!.pdu, null, 2));

runNetsplitDemo();
