// The phase bench/instructions.ts counts, bundled and run under valgrind: set up, warm up
// on a run of the same shape, then run the phase `size` times its unit, and print what was
// done as JSON on the last line of stdout.
//   engine <messages> [servers]: one busy room of 10 servers (or as many as given;
//     engine.bench.ts's shape), unsigned; prints the deliveries (PDUs accepted) of the
//     measured stretch. Its warm-up is a run of about WARM_UP_DELIVERIES.
//   state-res <resolutions> <room.jsonl> <warm-ups>: fresh resolutions of one room read
//     from a file (one event per line, then the state sets, as bench/state-res-cold.ts
//     reads), after as many warm-up resolutions as the bench gives that room.

import { readFileSync } from "node:fs";
import { parseRoomVersion, resolveState, type EventId, type Pdu, type StateKey } from "../core/index.ts";
import { busyRoom, SENDERS_PER_ROUND_MAX, talk } from "./engine.bench.ts";
import { BENCH_ROOM_VERSION } from "./state-res-rooms.ts";

const [phase, sizeText, file, warmupsText = "2"] = process.argv.slice(2);
const size = Number(sizeText);
/** The engine's warm-up: 200 messages among 10 servers, as this phase has always had. */
const WARM_UP_DELIVERIES = 1_800;

if (phase === "engine") {
  const servers = file === undefined ? 10 : Number(file);
  const senders = Math.min(servers, SENDERS_PER_ROUND_MAX);
  talk(busyRoom(servers, false), Math.ceil(WARM_UP_DELIVERIES / (servers - 1)), senders);
  const setup = busyRoom(servers, false);
  const before = setup.world.trace.count("pdu.accepted");
  talk(setup, size, senders);
  console.log(JSON.stringify({ units: setup.world.trace.count("pdu.accepted") - before }));
} else if (phase === "state-res" && file !== undefined) {
  const lines = readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l !== "");
  const sets = (JSON.parse(lines.pop()!) as Array<Array<[StateKey, EventId]>>).map((entries) => new Map(entries));
  const events = new Map<EventId, Pdu>();
  for (const line of lines) {
    const pdu = JSON.parse(line) as Pdu;
    events.set(pdu.event_id as EventId, pdu);
  }
  const version = parseRoomVersion(BENCH_ROOM_VERSION);
  const fetch = (id: EventId): Pdu | undefined => events.get(id);
  for (let i = 0; i < Number(warmupsText); i++) resolveState(version, sets, fetch);
  for (let i = 0; i < size; i++) resolveState(version, sets, fetch);
  console.log(JSON.stringify({ units: size }));
} else {
  console.error(
    "usage: instructions-phase <engine <messages> [servers] | state-res <resolutions> <room.jsonl> <warm-ups>>",
  );
  process.exit(2);
}
