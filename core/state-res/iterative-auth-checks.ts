// Iterative auth checks (spec: rooms/fragments/v2-state-res.md "Iterative auth checks"):
// apply each event of a sorted list to the state if the authorization rules allow it
// against that state. A key the rules need but the state lacks is taken from the event's
// own auth events, provided that auth event was not rejected.

import type { Pdu } from "../events.ts";
import type { EventId } from "../ids.ts";
import type { RoomVersion } from "../room-versions.ts";
import type { StateKey, StateMap } from "../state-map.ts";
import { stateKey } from "../state-map.ts";
import { effectiveAuthEventIds, mustFetch, stateKeyOfEvent } from "./event-lookup.ts";
import { withCreateKey, type EventFacts } from "./event-facts.ts";
import type { AuthCheckRecord, FetchEvent, ResolvedOptions } from "./types.ts";

export interface AuthCheckContext {
  version: RoomVersion;
  fetchEvent: FetchEvent;
  options: Pick<ResolvedOptions, "isRejected" | "keepRejectedOutOfState" | "signer" | "authRules">;
  /** What resolution already knows of each event (auth events, auth state keys), if it has it. */
  facts?: EventFacts;
}

/**
 * The auth events an event is checked against during the iterative auth checks: for each
 * key the rules consult, the state's event, or failing that the event's own auth event
 * for that key. Rejected events are never used (spec: "Rejected auth events are
 * deliberately excluded"); like Synapse and ruma, a rejected event sitting in the state
 * counts as absent, so the event's own auth event stands in for it.
 * since v12: the create event is implied by room_id (effectiveAuthEventIds) and always
 * supplied, since the rules need it and the event never cites it.
 */
export function authEventsForCheck(
  pdu: Pdu,
  state: StateMap,
  ctx: AuthCheckContext,
  eventId?: EventId,
): Map<StateKey, Pdu> {
  const { version, fetchEvent, options, facts } = ctx;
  const known = facts !== undefined && eventId !== undefined;
  // No closure made per check: under esbuild's keepNames (tsx) each one costs a defineProperty.
  const events: EventSource = known ? facts : new FetchedEvents(fetchEvent);
  const out = new Map<StateKey, Pdu>();
  // Without facts (a direct call), as before: every auth event fetched, a missing one throws.
  let own = known ? undefined : ownAuthEvents(effectiveAuthEventIds(pdu, version), events, options);
  for (const k of known ? facts.authStateKeys(eventId) : sortedAuthStateKeys(pdu, ctx)) {
    const inState = state.get(k);
    if (inState !== undefined && !options.isRejected(inState)) out.set(k, events.pdu(inState));
    else {
      // In resolution the event's own auth events are all indexed (fetched) already, so
      // they are looked at only when the state lacks a key.
      own ??= ownAuthEvents(facts!.authEventIds(eventId!), events, options);
      const fallback = own.get(k);
      if (fallback !== undefined) out.set(k, fallback);
    }
  }
  return out;
}

function sortedAuthStateKeys(pdu: Pdu, ctx: AuthCheckContext): readonly StateKey[] {
  return withCreateKey(ctx.options.authRules.authStateKeysFor(pdu, ctx.version));
}

/** Where the checks read events and their own state keys: the resolution's facts, or fetchEvent. */
interface EventSource {
  pdu(id: EventId): Pdu;
  /** The event's (type, state_key), undefined for a non-state event; `pdu` is the event, when at hand. */
  ownStateKey(id: EventId, pdu?: Pdu): StateKey | undefined;
}

/** Events straight from fetchEvent (a direct call, without resolution's facts). */
class FetchedEvents implements EventSource {
  constructor(private readonly fetchEvent: FetchEvent) {}

  pdu(id: EventId): Pdu {
    return mustFetch(this.fetchEvent, id);
  }

  ownStateKey(id: EventId, pdu = this.pdu(id)): StateKey | undefined {
    return typeof pdu.state_key === "string" ? stateKey(pdu.type, pdu.state_key) : undefined;
  }
}

/** The event's own auth events that were not rejected, by key (the first for a repeated key). */
function ownAuthEvents(
  ids: readonly EventId[],
  events: EventSource,
  options: AuthCheckContext["options"],
): Map<StateKey, Pdu> {
  const own = new Map<StateKey, Pdu>();
  for (const id of ids) {
    if (options.isRejected(id)) continue;
    const auth = events.pdu(id);
    const k = events.ownStateKey(id, auth);
    if (k === undefined) continue;
    if (!own.has(k)) own.set(k, auth);
  }
  return own;
}

/**
 * Run the iterative auth checks from `initial` over `events` in order. Returns the new
 * state and, per event, whether it was applied (with the failing rule when not).
 * With keepRejectedOutOfState (Synapse, element-hq/synapse#13797) an event rejected
 * earlier is not re-checked and never enters the state.
 */
export function iterativeAuthChecks(
  initial: StateMap,
  events: readonly EventId[],
  ctx: AuthCheckContext,
): { state: Map<StateKey, EventId>; records: AuthCheckRecord[] } {
  const state = new Map<StateKey, EventId>(initial);
  const records: AuthCheckRecord[] = [];
  for (const eventId of events) {
    const pdu = ctx.facts ? ctx.facts.pdu(eventId) : mustFetch(ctx.fetchEvent, eventId);
    const key = stateKeyOfEvent(pdu, eventId);
    if (ctx.options.keepRejectedOutOfState && ctx.options.isRejected(eventId)) {
      records.push({ eventId, outcome: "skipped-rejected" });
      continue;
    }
    const authEvents = authEventsForCheck(pdu, state, ctx, eventId);
    const signer = ctx.options.signer;
    const result = ctx.options.authRules.checkAuth(pdu, authEvents, ctx.version, signer ? { signer } : undefined);
    if (result.allowed) {
      state.set(key, eventId);
      records.push({ eventId, outcome: "accepted" });
    } else {
      records.push({ eventId, outcome: "rejected", rule: result.rule, reason: result.reason });
    }
  }
  return { state, records };
}
