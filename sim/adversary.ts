// Adversaries: homeservers that break the protocol on purpose, so that a scenario can
// show what the honest servers do about it. Each kind changes one thing a server does
// and nothing else. An adversary plugs into its homeserver through the hooks of
// sim/homeserver/misbehaviour.ts (World.addServer makes it from the spec):
//
//   stale-prev-events  new events from its users cite the forward extremities it had
//                      at `sinceMs`, with auth events from the state there: the ban /
//                      join-rule evasion story. Honest receivers soft-fail them
//                      (server-server-api.md, "Soft failure").
//   forge-signature    every message its users send goes out with a twin claiming to
//                      be from `impersonate`, signed with its own key only. Receivers
//                      drop the twin: the sender's server did not sign it.
//   bad-hash           messages go out with their content changed after hashing and
//                      signing. Receivers find the content hash wrong and keep only the
//                      redacted event ("Checks performed on receipt of a PDU", step 3).
//   withhold           never pushes its events to the servers in `from`; they learn of
//                      them only when another event cites them (get_missing_events).
//   clock-ahead        its clock runs `offsetMs` ahead, so its origin_server_ts wins
//                      (or loses) every timestamp tie-break.
//   stale-state        whenever it serves room state (send_join's `state` and /state_ids'
//                      `pdu_ids`, with the auth chain of what it serves), it reports the
//                      previous event of (`type`, `stateKey`, default "") instead of the
//                      current one: the event that held the key in the state before the
//                      current one. Its own view stays honest. Receivers cannot tell (each
//                      event is genuine, only out of date): a server that joins through it,
//                      or fills a gap from it, holds a state set with older state than the
//                      auth chains imply, the faulty state set behind MSC4297's problems A
//                      and B (scenarios/v2-vs-v21.ts).

import {
  computeContentHash,
  computeEventId,
  signEvent,
  stateKey,
  type EventId,
  type Pdu,
  type RoomVersion,
} from "../core/index.ts";
import type { OutgoingPdu } from "./homeserver/federation-sender.ts";
import type { Misbehaviour, MisbehaviourHost } from "./homeserver/misbehaviour.ts";
import type { RoomStore, StoredEvent } from "./homeserver/room-store.ts";

export type AdversarySpec =
  | { kind: "stale-prev-events"; sinceMs: number; users?: string[] }
  | { kind: "forge-signature"; impersonate: string }
  | { kind: "bad-hash" }
  | { kind: "withhold"; from: string[] }
  | { kind: "clock-ahead"; offsetMs: number }
  | { kind: "stale-state"; type: string; stateKey?: string };

export const ADVERSARY_KINDS = [
  "stale-prev-events",
  "forge-signature",
  "bad-hash",
  "withhold",
  "clock-ahead",
  "stale-state",
] as const;

/** An adversary: the misbehaviour hooks of its homeserver, and the spec it was made from. */
export interface Adversary extends Misbehaviour {
  readonly spec: AdversarySpec;
}

export type AdversaryHost = MisbehaviourHost;

export function makeAdversary(spec: AdversarySpec, host: AdversaryHost): Adversary {
  switch (spec.kind) {
    case "stale-prev-events":
      return stalePrevEvents(spec);
    case "forge-signature":
      return forgeSignature(spec, host);
    case "bad-hash":
      return badHash(spec);
    case "withhold":
      return { spec, outgoing: (destination, _room, pdus) => (spec.from.includes(destination) ? [] : [...pdus]) };
    case "clock-ahead":
      return { spec, clockOffsetMs: spec.offsetMs };
    case "stale-state":
      return staleState(spec);
    default:
      throw new Error(`unknown adversary kind ${JSON.stringify((spec as { kind?: unknown }).kind)}`);
  }
}

function stalePrevEvents(spec: Extract<AdversarySpec, { kind: "stale-prev-events" }>): Adversary {
  // Per room: the extremities as they were at sinceMs, then the tip of the stale fork.
  const pinned = new Map<string, EventId[]>();
  const forkTip = new Map<string, EventId>();
  const onFork = (sender: string) => spec.users === undefined || spec.users.includes(sender);
  return {
    spec,
    observed(room, nowMs) {
      if (nowMs < spec.sinceMs) pinned.set(room.roomId, room.extremityIds());
    },
    prevEvents(room, sender, honest) {
      if (!onFork(sender)) return honest;
      const tip = forkTip.get(room.roomId);
      const ids = tip ? [tip] : pinned.get(room.roomId);
      if (!ids) return honest;
      const events = ids
        .map((id) => room.get(id))
        .filter((e): e is StoredEvent => e !== undefined && e.stateAfter !== undefined);
      return events.length > 0 ? events : honest;
    },
    // A cheater does not ask a resident for a join template: it builds the join on its old state.
    joinsLocally: (room) => pinned.has(room.roomId),
    created(room, event) {
      if (pinned.has(room.roomId) && onFork(event.pdu.sender)) forkTip.set(room.roomId, event.id);
    },
  };
}

/**
 * Serve the key's previous value: the event in the state before the current event of
 * that key. When the current event is the key's first (nothing older) or its state is
 * unknown (an outlier), the state is served as it is: there is nothing older to report.
 */
function staleState(spec: Extract<AdversarySpec, { kind: "stale-state" }>): Adversary {
  const key = stateKey(spec.type, spec.stateKey ?? "");
  return {
    spec,
    servedState(room, state) {
      const current = state.get(key);
      const previous = current === undefined ? undefined : room.get(current)?.stateBefore?.get(key);
      return previous === undefined ? state : state.with(key, previous);
    },
  };
}

function forgeSignature(spec: Extract<AdversarySpec, { kind: "forge-signature" }>, host: AdversaryHost): Adversary {
  const twins = new Map<EventId, OutgoingPdu>();
  const twinOf = (room: RoomStore, p: OutgoingPdu): OutgoingPdu => {
    let twin = twins.get(p.eventId);
    if (!twin) {
      const body = `[forged] ${String(p.pdu.content.body ?? "")}`;
      const unsigned: Pdu = {
        ...p.pdu,
        sender: spec.impersonate,
        content: { ...p.pdu.content, body },
        signatures: {},
        // v1-v2: the sender names the event; the twin needs a name of its own.
        ...(typeof p.pdu.event_id === "string" ? { event_id: `$forged-${p.pdu.event_id.slice(1)}` } : {}),
      };
      const pdu = rehashAndSign(unsigned, room.version, host);
      twin = { eventId: computeEventId(pdu, room.version, host.crypto), pdu };
      twins.set(p.eventId, twin);
    }
    return twin;
  };
  return {
    spec,
    outgoing: (_destination, room, pdus) =>
      pdus.flatMap((p) =>
        p.pdu.type === "m.room.message" && p.pdu.sender !== spec.impersonate ? [p, twinOf(room, p)] : [p],
      ),
  };
}

function badHash(spec: AdversarySpec): Adversary {
  return {
    spec,
    outgoing: (_destination, _room, pdus) =>
      pdus.map((p) =>
        p.pdu.type === "m.room.message"
          ? {
              eventId: p.eventId,
              pdu: { ...p.pdu, content: { ...p.pdu.content, body: `[tampered] ${String(p.pdu.content.body ?? "")}` } },
            }
          : p,
      ),
  };
}

/** A new content hash and this server's signature only (a forger cannot sign for others). */
function rehashAndSign(pdu: Pdu, version: RoomVersion, host: AdversaryHost): Pdu {
  const { hashes: _hashes, ...rest } = pdu;
  const hashed = { ...rest, hashes: { sha256: computeContentHash(rest as Pdu, host.crypto) } } as Pdu;
  return host.verifySignatures
    ? (signEvent(hashed, version, host.name, host.key.keyId, host.key.seed, host.crypto) as Pdu)
    : hashed;
}
