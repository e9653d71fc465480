// Small worlds for the federation-behaviour tests (issue 14): every server on one named
// preset of FEDERATION_PRESETS, PDUs delivered by hand, and the requests the trace saw.
import { nodeCrypto } from "../../../cli/node-crypto.ts";
import { buildEvent, parseUserId, type EventId, type JsonObject, type Pdu, type RoomId } from "../../../core/index.ts";
import { FEDERATION_PRESETS, type AdversarySpec } from "../../../sim/index.ts";
import { World } from "../../../sim/world.ts";

export type PresetName = keyof typeof FEDERATION_PRESETS;
export const PRESETS: PresetName[] = ["synapse", "netsplit-0.1"];

export function presetWorld(
  preset: PresetName,
  servers: ReadonlyArray<string | { name: string; adversary: AdversarySpec }>,
  seed = 14,
): World {
  const world = new World({ seed, crypto: nodeCrypto });
  for (const s of servers) {
    const { name, adversary } = typeof s === "string" ? { name: s, adversary: undefined } : s;
    world.addServer(name, { params: FEDERATION_PRESETS[preset], ...(adversary ? { adversary } : {}) });
  }
  return world;
}

export function settle(world: World): void {
  world.run(() => world.quiescent());
}

/** A PDU from `sender` built by hand on `server`'s view of the room (not stored, not sent). */
export function handBuilt(
  world: World,
  server: string,
  roomId: RoomId,
  fields: { sender: string; type: string; content: JsonObject; stateKey?: string; prevs: EventId[]; ts?: number },
): { eventId: EventId; pdu: Pdu } {
  const hs = world.server(server);
  const room = hs.room(roomId)!;
  const sender = parseUserId(fields.sender);
  const prepared = hs.prepareLocalEvent(room, {
    sender,
    type: fields.type,
    stateKey: fields.stateKey,
    content: fields.content,
  });
  if (!prepared.ok) throw new Error(prepared.error.error);
  return buildEvent({
    roomVersion: room.version,
    roomId,
    sender,
    type: fields.type,
    ...(fields.stateKey !== undefined ? { stateKey: fields.stateKey } : {}),
    content: fields.content,
    prevEvents: fields.prevs.map((id) => ({ eventId: id, depth: room.get(id)!.pdu.depth })),
    authEvents: prepared.value.pdu.auth_events as EventId[],
    originServerTs: fields.ts ?? prepared.value.pdu.origin_server_ts,
    key: hs.key,
    crypto: nodeCrypto,
  });
}

let txn = 0;

/** PUT /send from `from` to `to` with these PDUs; the per-PDU results once the world settles. */
export function deliver(world: World, from: string, to: string, pdus: Pdu[]): Record<string, JsonObject> {
  let result: Record<string, JsonObject> | undefined;
  world.sim.rpc.request(
    from,
    to,
    { method: "PUT", path: `/_matrix/federation/v1/send/by-hand-${++txn}`, body: { origin: from, pdus } },
    (o) => {
      if (o.ok) result = (o.body as { pdus: Record<string, JsonObject> }).pdus;
    },
  );
  world.run(() => result !== undefined && world.quiescent());
  if (!result) throw new Error(`no answer to /send from ${from} to ${to}`);
  return result;
}

/** One federation request and its answer (status and body). */
export function ask(
  world: World,
  from: string,
  to: string,
  request: { method: "GET" | "PUT" | "POST"; path: string; body?: JsonObject },
): { status: number; body: JsonObject } {
  let answer: { status: number; body: JsonObject } | undefined;
  world.sim.rpc.request(from, to, request, (o) => {
    if (o.ok) answer = { status: o.status, body: o.body as JsonObject };
  });
  world.run(() => answer !== undefined);
  if (!answer) throw new Error(`no answer to ${request.path}`);
  return answer;
}

/** Paths of the federation requests `from` sent to `to`, in order. */
export function requestsFrom(world: World, from: string, to?: string): string[] {
  return world.trace
    .all()
    .flatMap((r) => (r.kind === "rpc.request" && r.from === from && (to === undefined || r.to === to) ? [r.path] : []));
}

export const MISSING_EVENTS = "/federation/v1/get_missing_events/";
