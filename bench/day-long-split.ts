// The day-long split of issue 12 as a JSON scenario: five servers share a room, the
// network splits two against three for 24 hours while each side sends a message a minute,
// then heals. `netsplit run` takes it as a file; bench/day-long-split.bench.ts times that
// whole process, start-up included. `npx tsx bench/day-long-split.ts FILE` writes the file.

import { writeFileSync } from "node:fs";

const MINUTE_MS = 60_000;
const SPLIT_MINUTES = 24 * 60;
const SERVERS = ["hs1", "hs2", "hs3", "hs4", "hs5"];
const USERS = ["@alice:hs1", "@bob:hs2", "@carol:hs3", "@dave:hs4", "@erin:hs5"];
const SIDES = [
  ["hs1", "hs2"],
  ["hs3", "hs4", "hs5"],
];

export function dayLongSplit(): object {
  const timeline: object[] = [{ at: 0, do: "createRoom", user: USERS[0], room: "room", preset: "public_chat" }];
  USERS.slice(1).forEach((user, i) =>
    timeline.push({ at: 100 * (i + 1), do: "join", user, room: "room", via: ["hs1"], expect: "ok" }),
  );
  const splitAt = MINUTE_MS;
  timeline.push({ at: splitAt, do: "partition", partition: { shape: "split", sides: SIDES } });
  for (let minute = 1; minute <= SPLIT_MINUTES; minute++) {
    // Each side's users take turns, one message a minute per side.
    for (const side of SIDES) {
      const server = side[minute % side.length]!;
      const user = USERS[SERVERS.indexOf(server)]!;
      timeline.push({
        at: splitAt + minute * MINUTE_MS - 30_000,
        do: "message",
        user,
        room: "room",
        body: `${server} at minute ${minute}`,
      });
    }
  }
  const healAt = splitAt + (SPLIT_MINUTES + 1) * MINUTE_MS;
  timeline.push({ at: healAt, do: "heal" });

  return {
    name: "day-long-split",
    description: "Five servers split two against three for a day, each side sending a message a minute, then heal.",
    servers: SERVERS.map((name) => ({ name })),
    users: USERS,
    timeline,
    // After a day of failed transactions a server's backoff toward the other side is most of
    // a day too: the budget lets the run go on until the next attempts catch both sides up.
    convergenceBudgetMs: 2 * SPLIT_MINUTES * MINUTE_MS,
    checks: [{ check: "converged", room: "room" }],
  };
}

if (process.argv[1]?.endsWith("day-long-split.ts")) {
  const file = process.argv[2];
  if (!file) throw new Error("usage: npx tsx bench/day-long-split.ts FILE");
  writeFileSync(file, JSON.stringify(dayLongSplit()) + "\n");
}
