// Issue 14, item 2: a destination's backoff gates every federation request Synapse sends
// through its retry limiter, not only /send; a 4xx answer does not count as a failure.
import { describe, expect, it } from "vitest";
import { nodeCrypto } from "../../cli/node-crypto.ts";
import type { RoomId } from "../../core/index.ts";
import {
  DEFAULT_FEDERATION_PARAMS,
  NETSPLIT_0_1_FEDERATION_PARAMS,
  type FederationParams,
} from "../../sim/homeserver/federation-params.ts";
import type { RpcOutcome } from "../../sim/network/rpc.ts";
import { World } from "../../sim/world.ts";

function twoServers(params: FederationParams) {
  const world = new World({ seed: 1, crypto: nodeCrypto });
  for (const name of ["hs1", "hs2"]) world.addServer(name, { params });
  const alice = world.addClient("@alice:hs1");
  const roomId = alice.createRoom({ preset: "public_chat", name: "gate" }).value();
  world.addClient("@bob:hs2").join(roomId, ["hs1"]);
  world.run(() => world.quiescent());
  const hs1 = world.server("hs1");
  /** Make a request from hs1 to hs2; the outcome, and whether it reached the network. */
  const ask = (path: string, method: "GET" | "PUT" | "POST" = "GET") => {
    const before = world.trace.count("rpc.request");
    let outcome: RpcOutcome | undefined;
    hs1.request("hs2", { method, path, ...(method === "GET" ? {} : { body: {} }) }, (o) => void (outcome = o));
    const sent = world.trace.count("rpc.request") > before;
    world.run(() => outcome !== undefined, { virtualTimeMsMax: world.sim.nowMs + 10 * 60_000 });
    return { outcome: outcome!, sent };
  };
  return { world, alice, roomId, hs1, ask };
}

const room = (roomId: RoomId) => encodeURIComponent(roomId);

/** Let a message from hs1 fail towards hs2 until hs1 backs off. */
function backOffViaSend(w: ReturnType<typeof twoServers>) {
  w.world.sim.partition(["hs1"], ["hs2"]);
  w.alice.sendMessage(w.roomId, "into the void");
  w.world.run(() => w.world.trace.count("fed.backoff") > 0, { virtualTimeMsMax: 3600_000 });
  expect(w.world.trace.count("fed.backoff")).toBe(1);
  w.world.sim.repair();
}

describe("backoff gate on outgoing federation requests (issue 14, item 2)", () => {
  it("after /send failed, get_missing_events, state_ids, backfill, event and make_join fail at once without touching the network", () => {
    const w = twoServers(DEFAULT_FEDERATION_PARAMS);
    backOffViaSend(w);
    const r = room(w.roomId);
    for (const [path, method] of [
      [`/_matrix/federation/v1/get_missing_events/${r}`, "POST"],
      [`/_matrix/federation/v1/state_ids/${r}?event_id=x`, "GET"],
      [`/_matrix/federation/v1/backfill/${r}?v=x&limit=10`, "GET"],
      [`/_matrix/federation/v1/event/x`, "GET"],
      [`/_matrix/federation/v1/make_join/${r}/%40carol%3Ahs1`, "GET"],
    ] as const) {
      const { outcome, sent } = w.ask(path, method);
      expect({ path, sent, outcome }).toEqual({ path, sent: false, outcome: { ok: false, error: "backing off" } });
    }
  });

  it("netsplit 0.1 gated only /send: the same requests went out", () => {
    const w = twoServers(NETSPLIT_0_1_FEDERATION_PARAMS);
    backOffViaSend(w);
    const { outcome, sent } = w.ask(`/_matrix/federation/v1/state_ids/${room(w.roomId)}?event_id=x`);
    expect(sent).toBe(true);
    expect(outcome.ok).toBe(true);
  });

  it("requests Synapse makes with ignore_backoff (invites, key fetches) are not gated", () => {
    const w = twoServers(DEFAULT_FEDERATION_PARAMS);
    backOffViaSend(w);
    expect(w.ask(`/_matrix/federation/v2/invite/${room(w.roomId)}/x`, "PUT").sent).toBe(true);
    expect(w.ask(`/_matrix/key/v2/server`).sent).toBe(true);
  });

  it("a timeout of a gated request backs the destination off; a 4xx does not; a success clears it", () => {
    const w = twoServers(DEFAULT_FEDERATION_PARAMS);
    const r = room(w.roomId);
    // A 404 (no such room) is an answer: the destination is up.
    expect(w.ask(`/_matrix/federation/v1/state_ids/!nowhere%3Ahs2?event_id=x`).outcome).toMatchObject({ status: 404 });
    expect(w.world.trace.count("fed.backoff")).toBe(0);
    expect(w.ask(`/_matrix/federation/v1/state_ids/${r}?event_id=x`).sent).toBe(true);
    // A timeout counts.
    w.world.sim.partition(["hs1"], ["hs2"]);
    expect(w.ask(`/_matrix/federation/v1/event/x`).outcome).toEqual({ ok: false, error: "timeout" });
    expect(w.world.trace.count("fed.backoff")).toBe(1);
    w.world.sim.repair();
    expect(w.ask(`/_matrix/federation/v1/event/x`).sent).toBe(false);
    // A request from hs2 shows it is up: the backoff is cleared.
    w.world.server("hs2").request("hs1", { method: "GET", path: `/_matrix/federation/v1/event/x` }, () => {});
    w.world.run(() => w.world.quiescent());
    expect(w.ask(`/_matrix/federation/v1/event/x`).sent).toBe(true);
  });
});
