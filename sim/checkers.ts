// Checkers observe a world and report what is wrong; they never fix anything.

import { authEventIds, prevEventIds, type EventId, type Pdu, type RoomVersion } from "../core/index.ts";
import type { RoomStore, StoredEvent } from "./homeserver/room-store.ts";
import { checkAuth, checkPduSignaturesAndHash } from "./homeserver/protocol.ts";
import type { World } from "./world.ts";

/** Every accepted event on every server (of `among`, when given), in a fixed order. */
function forEachAccepted(
  world: World,
  among: readonly string[] | undefined,
  fn: (server: string, room: RoomStore, event: StoredEvent) => void,
): void {
  for (const name of world.serverNames()) {
    if (among && !among.includes(name)) continue;
    const hs = world.server(name);
    for (const roomId of [...hs.rooms.keys()].sort()) {
      const room = hs.rooms.get(roomId)!;
      for (const e of room.inStreamOrder()) if (e.status === "accepted") fn(name, room, e);
    }
  }
}

/**
 * One answer per PDU object within one checker call: servers mostly hold the same objects,
 * and an object asked the same question (`same`) gets the same answer, so `check` runs once
 * for all the servers that hold it. Nothing is remembered between calls.
 */
function oncePerObject<Q, R>(same: (a: Q, b: Q) => boolean): (pdu: Pdu, question: Q, check: () => R) => R {
  const answers = new WeakMap<Pdu, { question: Q; answer: R }>();
  return (pdu, question, check) => {
    const seen = answers.get(pdu);
    if (seen && same(seen.question, question)) return seen.answer;
    const answer = check();
    answers.set(pdu, { question, answer });
    return answer;
  };
}

/** Safety: every accepted event passes auth against its own auth events (plus the create event). */
export function checkAuthSafety(world: World, among?: readonly string[]): string[] {
  const problems: string[] = [];
  // The very same auth event objects under the same room version: the same answer.
  const checked = oncePerObject<{ auth: Pdu[]; version: RoomVersion }, ReturnType<typeof checkAuth>>(
    (a, b) => a.version === b.version && sameObjects(a.auth, b.auth),
  );
  forEachAccepted(world, among, (name, room, e) => {
    const auth = authEventIds(e.pdu).map((id) => room.get(id)?.pdu);
    if (auth.some((a) => a === undefined)) {
      problems.push(`${name} ${e.id}: accepted without holding its auth events`);
      return;
    }
    const events = e.pdu.type === "m.room.create" ? (auth as Pdu[]) : room.withCreateEvent(auth as Pdu[]);
    const r = checked(e.pdu, { auth: events, version: room.version }, () => checkAuth(e.pdu, events, room.version));
    if (!r.allowed) problems.push(`${name} ${e.id}: accepted but fails ${r.rule}: ${r.reason}`);
  });
  return problems;
}

function sameObjects(a: readonly object[], b: readonly object[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The DAG stays acyclic: every server's prev_events edges form no cycle. */
export function checkAcyclic(world: World): string[] {
  const problems: string[] = [];
  for (const name of world.serverNames()) {
    const hs = world.server(name);
    for (const roomId of [...hs.rooms.keys()].sort()) {
      const room = hs.rooms.get(roomId)!;
      const state = new Map<EventId, 1 | 2>(); // 1 = on the stack, 2 = done
      for (const start of room.inStreamOrder()) {
        if (state.has(start.id)) continue;
        const stack: Array<{ id: EventId; children: EventId[] }> = [
          { id: start.id, children: prevEventIds(start.pdu) },
        ];
        state.set(start.id, 1);
        while (stack.length > 0) {
          const top = stack[stack.length - 1]!;
          const next = top.children.pop();
          if (next === undefined) {
            state.set(top.id, 2);
            stack.pop();
            continue;
          }
          const seen = state.get(next);
          if (seen === 1) problems.push(`${name} ${roomId}: cycle through ${next}`);
          else if (seen === undefined) {
            const prev = room.get(next);
            if (!prev) continue;
            state.set(next, 1);
            stack.push({ id: next, children: prevEventIds(prev.pdu) });
          }
        }
      }
    }
  }
  return problems;
}

/**
 * Safety: no server holds an accepted event without a valid signature from each
 * required server, nor with a content hash that does not match (redacted copies aside).
 * Runs only when the world signs events.
 */
export function checkSignatureSafety(world: World, among?: readonly string[]): string[] {
  if (world.options.signing === false) return [];
  const problems: string[] = [];
  // Every key the server ever signed with: its current one and those it rotated away from.
  const keyOf = (server: string, keyId: string) => {
    let hs;
    try {
      hs = world.server(server);
    } catch {
      return undefined;
    }
    const key = [hs.key, ...hs.retiredKeys.map((r) => r.key)].find((k) => k.keyId === keyId);
    return key && world.crypto.publicKey(key.seed);
  };
  // keyOf is the world's, not a server's: under the same room version, the same answer. In a
  // signed day-long split the servers held 2,893 event objects 7,319 times; checking each
  // holding took 145-167 ms of the run's end, warm.
  const checked = oncePerObject<RoomVersion, ReturnType<typeof checkPduSignaturesAndHash>>((a, b) => a === b);
  forEachAccepted(world, among, (name, room, e) => {
    const result = checked(e.pdu, room.version, () =>
      checkPduSignaturesAndHash(e.pdu, room.version, keyOf, world.crypto),
    );
    if (!result.ok) problems.push(`${name} ${e.id}: accepted with ${result.reason}`);
  });
  return problems;
}

export interface ConvergenceResult {
  converged: boolean;
  /** Virtual time from the call until the servers agreed and the network was quiet. */
  virtualTimeToConvergeMs: number;
  divergentServers: string[];
  seed: string;
}

/**
 * Liveness: after a heal, run until every server in the room holds the same current
 * state and the network is quiet, within a virtual-time budget. A failure carries the
 * seed that reproduces it.
 */
export function runToConvergence(world: World, roomId: string, budgetMs: number): ConvergenceResult {
  const start = world.sim.nowMs;
  const result = world.run(() => world.quiescent() && world.divergentServers(roomId).length === 0, {
    virtualTimeMsMax: start + budgetMs,
  });
  return {
    converged: result.reason === "done",
    virtualTimeToConvergeMs: world.sim.nowMs - start,
    divergentServers: world.divergentServers(roomId),
    seed: String(world.options.seed),
  };
}
