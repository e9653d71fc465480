// The browser benchmark's load: twelve servers in one room, every user talking twice a
// second over slow links (1.2 s one way, no jitter, so no event overtakes the one it
// cites and nobody needs get_missing_events), so that one transaction per pair of
// servers — 132, carrying a few hundred PDUs — is in the air at any moment once
// everyone has joined. A JSON
// scenario (docs/scenarios.md): the page loads it through the worker like any other.

export const BENCH_SERVERS = 12;
/** Joins one after another (concurrent joins race each other's state, which is another benchmark). */
export const JOIN_EVERY_MS = 5_000;
export const TRAFFIC_FROM_MS = 70_000;
export const TRAFFIC_TO_MS = 130_000;

/** The larger run that must stay usable (not at 60 fps): the same load over this many servers. */
export const BENCH_SERVERS_LARGE = 30;

/** The join phase's length for a run of `servers` servers (traffic starts after it). */
export function trafficFromMs(servers: number): number {
  return servers <= BENCH_SERVERS ? TRAFFIC_FROM_MS : 200 + servers * JOIN_EVERY_MS + 10_000;
}

export function benchScenario(count = BENCH_SERVERS): Record<string, unknown> {
  const servers = Array.from({ length: count }, (_, i) => `hs${String(i + 1).padStart(2, "0")}`);
  const from = trafficFromMs(count);
  const users = servers.map((s) => `@user:${s}`);
  const timeline: Array<Record<string, unknown>> = [
    { at: 0, do: "createRoom", user: users[0], room: "room", preset: "public_chat", name: `${count} servers` },
  ];
  users
    .slice(1)
    .forEach((user, i) =>
      timeline.push({ at: 200 + i * JOIN_EVERY_MS, do: "join", user, room: "room", via: [servers[0]] }),
    );
  for (let at = from; at < from + (TRAFFIC_TO_MS - TRAFFIC_FROM_MS); at += 500) {
    users.forEach((user, i) =>
      timeline.push({ at: at + i * 40, do: "message", user, room: "room", body: `tick ${at / 1000} from ${user}` }),
    );
  }
  return {
    name: count === BENCH_SERVERS ? "bench-twelve" : `bench-${count}`,
    description: `${count} servers, one room, everyone talking twice a second over 1.2 s links.`,
    roomVersion: "11",
    servers: servers.map((name) => ({ name })),
    users,
    // Signature checks make every server fetch every other's key on first contact (a
    // round trip each, one at a time): the benchmark is about drawing, not that wait.
    signing: false,
    network: [{ config: { latencyMsMin: 1_200, latencyMsMean: 1_200, jitterMs: 0 } }],
    timeline,
  };
}
