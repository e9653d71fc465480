// Everyone speaking at once (issue 12): more servers send concurrently than an event may
// cite, so every round leaves more forward extremities than prevEventsMax. Dummy events
// merge them; they must not call for more dummies (which cascaded across servers), and
// the room's extremities must stay bounded by the number of concurrent senders, round
// after round, instead of growing. This is the inline policy (dummyEvents "inline",
// netsplit 0.1's); Synapse's job is tested in test/sim/federation/dummy-events.test.ts.
import { describe, expect, it } from "vitest";
import { nodeCrypto } from "../../cli/node-crypto.ts";
import { DEFAULT_FEDERATION_PARAMS, World } from "../../sim/index.ts";
import type { TraceRecord } from "../../sim/trace.ts";

const DUMMY = "org.matrix.dummy_event";

function everyoneAtOnce(servers: number, rounds: number) {
  const world = new World({ seed: 7, crypto: nodeCrypto, signing: false });
  const names = Array.from({ length: servers }, (_, i) => `hs${i + 1}`);
  for (const n of names) world.addServer(n, { params: { dummyEvents: "inline" } });
  const clients = names.map((n) => world.addClient(`@user:${n}`));
  const roomId = clients[0]!.createRoom({ preset: "public_chat" }).value();
  for (const c of clients.slice(1)) {
    c.join(roomId, ["hs1"]);
    world.run(() => world.quiescent());
  }
  const firstTalk = world.trace.length;
  const extremitiesAfterRound: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const c of clients) c.sendMessage(roomId, `round ${r}`);
    expect(world.run(() => world.quiescent()).reason).toBe("done");
    extremitiesAfterRound.push(
      names.reduce((most, n) => Math.max(most, world.server(n).room(roomId)!.extremityIds().length), 0),
    );
  }
  const talk = world.trace.all().slice(firstTalk);
  const created = talk.filter((r): r is Extract<TraceRecord, { kind: "pdu.created" }> => r.kind === "pdu.created");
  return { world, roomId, talk, created, extremitiesAfterRound };
}

describe("dummy events when everyone speaks at once", () => {
  // More servers than an event may cite, so that rounds leave the room wide.
  const servers = 2 * DEFAULT_FEDERATION_PARAMS.prevEventsMax + 4;
  const rounds = 4;

  it("sends at most one dummy per message, never a dummy after a dummy, and every server accepts each event once", () => {
    const { world, roomId, talk, created } = everyoneAtOnce(servers, rounds);
    const messages = created.filter((r) => r.type === "m.room.message");
    const dummies = created.filter((r) => r.type === DUMMY);
    expect(messages).toHaveLength(servers * rounds);
    expect(dummies.length).toBeGreaterThan(0);
    expect(dummies.length).toBeLessThanOrEqual(messages.length);
    const dummyIds = new Set(dummies.map((d) => d.event));
    // A dummy follows the event that made the room wide: its first prev event, never a dummy.
    for (const d of dummies) expect(dummyIds.has(d.prevEvents[0]!)).toBe(false);
    const accepted = talk.filter((r) => r.kind === "pdu.accepted").length;
    expect(accepted).toBe(created.length * (servers - 1));
    expect(world.divergentServers(roomId)).toEqual([]);
  });

  it("keeps the room's forward extremities bounded by the senders, round after round", () => {
    const { extremitiesAfterRound } = everyoneAtOnce(servers, rounds);
    for (const n of extremitiesAfterRound) expect(n).toBeLessThanOrEqual(servers);
  });

  it("merges: a dummy cites more than one event and at most prevEventsMax", () => {
    const { created } = everyoneAtOnce(servers, 2);
    const dummies = created.filter((r) => r.type === DUMMY);
    for (const d of dummies) {
      expect(d.prevEvents.length).toBeLessThanOrEqual(DEFAULT_FEDERATION_PARAMS.prevEventsMax);
      expect(d.prevEvents.length).toBeGreaterThan(1);
    }
  });
});
