#!/usr/bin/env node
// A deliberately wrong resolver for `netsplit difftest`'s tests: for every state key it
// picks the state event with the greatest depth (then timestamp, then id) among all the
// fixture's events, ignoring forks, power levels and authorization. It prints a flat
// list of event ids, the second form of the resolver protocol (docs/cli.md).
import { readFileSync } from "node:fs";

const fixture = JSON.parse(readFileSync(process.argv[2], "utf8"));
const winners = new Map();
for (const e of fixture.events) {
  if (e.state_key === undefined) continue;
  const key = `${e.type}\u0000${e.state_key}`;
  const best = winners.get(key);
  const later =
    !best ||
    e.depth > best.depth ||
    (e.depth === best.depth &&
      (e.origin_server_ts > best.origin_server_ts ||
        (e.origin_server_ts === best.origin_server_ts && e.event_id > best.event_id)));
  if (later) winners.set(key, e);
}
process.stdout.write(JSON.stringify([...winners.values()].map((e) => e.event_id)) + "\n");
