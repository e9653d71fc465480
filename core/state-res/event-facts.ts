// What one resolution needs to know about each event, worked out once per event instead
// of once per question: the event, its (effective) auth event ids, whether it is a power
// event, the PL and create events it cites, its sender's power level, the state keys the
// authorization rules consult. Every step of v2 asked these again through fetchEvent and
// effectiveAuthEventIds (an array per call); sender power levels are remembered per
// (PL event, create event, sender), mainline positions per PL event (mainline.ts).
//
// Facts live in arrays by the event's dense index in the auth-chain index (which holds
// every event resolution reads: the state sets' events and their auth chains), so the
// steps that walk the DAG ask by index and hash no event id (issue 11).

import { userPowerLevel } from "../auth/power-levels.ts";
import type { Pdu } from "../events.ts";
import type { EventId } from "../ids.ts";
import type { RoomVersion } from "../room-versions.ts";
import type { StateKey } from "../state-map.ts";
import { internedStateKey } from "../state-map.ts";
import type { AuthChainIndex } from "./auth-chain-index.ts";
import { CREATE_KEY, effectiveAuthEventIds, isPowerEvent, mustFetch } from "./event-lookup.ts";
import type { FetchEvent, ResolvedOptions } from "./types.ts";

/** `power` before it is asked. */
const UNKNOWN = -1;

export class EventFacts {
  /**
   * Per dense index: 1 + the event's slot in the arrays below, 0 before resolution meets it.
   * The arrays hold only the events one resolution reads (thousands), not one entry per
   * event of the index: a homeserver's index holds its room's whole history, and arrays of
   * that length per resolution, in the old generation and written with young objects, made
   * the collector's work grow with the room (issue 11's growth from 11k to 45k events).
   */
  private slotOf = new Int32Array(0);
  private readonly pdus: Pdu[] = [];
  private readonly auth: Array<readonly EventId[] | undefined> = [];
  /** 1 a power event, 0 not, UNKNOWN before asked. */
  private readonly power: number[] = [];
  /** The sender's power level; NaN before asked (a level is never NaN). */
  private readonly levelOf: number[] = [];
  private readonly authKeys: Array<readonly StateKey[] | undefined> = [];
  /** The event's own (type, state_key); null for a non-state event, undefined before asked. */
  private readonly keys: Array<StateKey | null | undefined> = [];
  /**
   * Sender power levels by PL event index (or -1 for none), then create event index (or
   * -1), then sender.
   */
  private readonly levels = new Map<number, Map<number, Map<string, number>>>();

  constructor(
    readonly version: RoomVersion,
    readonly index: AuthChainIndex,
    private readonly fetchEvent: FetchEvent,
    private readonly options: Pick<ResolvedOptions, "createIsPowerEvent" | "authRules">,
  ) {}

  /** The event's slot, made (and the event fetched: every fact starts from it) when first met. */
  private slot(x: number): number {
    if (x >= this.slotOf.length) {
      const grown = new Int32Array(Math.max(this.index.size, x + 1));
      grown.set(this.slotOf);
      this.slotOf = grown;
    }
    let s = this.slotOf[x]! - 1;
    if (s < 0) {
      const pdu = mustFetch(this.fetchEvent, this.index.idOf(x));
      s = this.pdus.length;
      this.pdus.push(pdu);
      this.auth.push(undefined);
      this.power.push(UNKNOWN);
      this.levelOf.push(Number.NaN);
      this.authKeys.push(undefined);
      this.keys.push(undefined);
      this.slotOf[x] = s + 1;
    }
    return s;
  }

  /** The event's dense index (indexing it if it is new: resolution's events all are by now). */
  indexOf(id: EventId): number {
    return this.index.indexOf(id);
  }

  idOf(x: number): EventId {
    return this.index.idOf(x);
  }

  pdu(id: EventId): Pdu {
    return this.pduAt(this.index.indexOf(id));
  }

  pduAt(x: number): Pdu {
    return this.pdus[this.slot(x)]!;
  }

  /** The event's auth events as resolution follows them (effectiveAuthEventIds). */
  authEventIds(id: EventId): readonly EventId[] {
    const s = this.slot(this.index.indexOf(id));
    let auth = this.auth[s];
    if (auth === undefined) this.auth[s] = auth = effectiveAuthEventIds(this.pdus[s]!, this.version);
    return auth;
  }

  isPowerAt(x: number): boolean {
    const s = this.slot(x);
    let power = this.power[s]!;
    if (power === UNKNOWN) this.power[s] = power = isPowerEvent(this.pdus[s]!, this.options) ? 1 : 0;
    return power === 1;
  }

  /** The `m.room.power_levels` event among the event's auth events (the first cited), if any. */
  citedPowerLevels(id: EventId): EventId | undefined {
    const pl = this.index.citedPowerLevelsIndex(this.index.indexOf(id));
    return pl < 0 ? undefined : this.index.idOf(pl);
  }

  /**
   * The power level of the event's sender from the PL and create events it cites (see
   * senderPowerLevel in power-ordering.ts, which this answers the same as). The auth-chain
   * index found which those are when it indexed the event.
   */
  senderPowerLevelAt(x: number): number {
    const s = this.slot(x);
    let level = this.levelOf[s]!;
    if (Number.isNaN(level)) {
      const pl = this.index.citedPowerLevelsIndex(x);
      const create = this.index.citedCreateIndex(x);
      const sender = this.pdus[s]!.sender;
      let byCreate = this.levels.get(pl);
      if (byCreate === undefined) this.levels.set(pl, (byCreate = new Map()));
      let bySender = byCreate.get(create);
      if (bySender === undefined) byCreate.set(create, (bySender = new Map()));
      let known = bySender.get(sender);
      if (known === undefined) {
        known = userPowerLevel(
          sender,
          pl < 0 ? undefined : this.pduAt(pl),
          create < 0 ? undefined : this.pduAt(create),
          this.version,
        );
        bySender.set(sender, known);
      }
      this.levelOf[s] = level = known;
    }
    return level;
  }

  /**
   * The event's own (type, state_key), or undefined for a non-state event: made once per
   * event, not once per check that falls back on it as an auth event.
   */
  ownStateKey(id: EventId): StateKey | undefined {
    const s = this.slot(this.index.indexOf(id));
    let key = this.keys[s];
    if (key === undefined) {
      const pdu = this.pdus[s]!;
      this.keys[s] = key = typeof pdu.state_key === "string" ? internedStateKey(pdu.type, pdu.state_key) : null;
    }
    return key ?? undefined;
  }

  /** The state keys the authorization rules consult for the event, with the create event's, sorted. */
  authStateKeys(id: EventId): readonly StateKey[] {
    const s = this.slot(this.index.indexOf(id));
    let keys = this.authKeys[s];
    if (keys === undefined) {
      this.authKeys[s] = keys = withCreateKey(this.options.authRules.authStateKeysFor(this.pdus[s]!, this.version));
    }
    return keys;
  }
}

/**
 * The keys with the create event's, distinct and sorted. core/auth's authStateKeysFor
 * already gives them sorted and distinct (with the create key before v12): then the list
 * is used as it is, or with the create key put in its place, instead of a set and a sort
 * per event (issue 11). Other rules' lists take the long way.
 */
export function withCreateKey(keys: readonly StateKey[]): readonly StateKey[] {
  let at = -1; // where the create key goes
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    if (i > 0 && !(keys[i - 1]! < k)) return [...new Set<StateKey>(keys).add(CREATE_KEY)].sort();
    if (k === CREATE_KEY) at = -2;
    else if (at === -1 && CREATE_KEY < k) at = i;
  }
  if (at === -2) return keys;
  if (at === -1) return [...keys, CREATE_KEY];
  return [...keys.slice(0, at), CREATE_KEY, ...keys.slice(at)];
}
