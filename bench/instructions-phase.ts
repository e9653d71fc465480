// The phase bench/instructions.ts counts, bundled and run under valgrind: set up, warm up
// on a run of the same shape, then run the phase `size` times its unit, and print what was
// done as JSON on the last line of stdout.
//   engine <messages>: 10 servers in one busy room (engine.bench.ts's shape), unsigned;
//     prints the deliveries (PDUs accepted) of the measured stretch.
//   state-res <resolutions> <room.jsonl> <warm-ups>: fresh resolutions of one room read
//     from a file (one event per line, then the state sets, as bench/state-res-cold.ts
//     reads), after as many warm-up resolutions as the bench gives that room.

import { readFileSync } from "node:fs";
import { parseRoomVersion, resolveState, type EventId, type Pdu, type StateKey } from "../core/index.ts";
import { busyRoom, talk } from "./engine.bench.ts";
import { BENCH_ROOM_VERSION } from "./state-res-rooms.ts";

const [phase, sizeText, file, warmupsText = "2"] = process.argv.slice(2);
const size = Number(sizeText);

if (phase === "engine") {
  talk(busyRoom(10, false), 200, 10);
  const setup = busyRoom(10, false);
  const before = setup.world.trace.count("pdu.accepted");
  talk(setup, size, 10);
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
  console.error("usage: instructions-phase <engine <messages> | state-res <resolutions> <room.jsonl> <warm-ups>>");
  process.exit(2);
}
