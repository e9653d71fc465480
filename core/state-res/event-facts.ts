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
  /** How many events the arrays below have room for (grown when the index grows). */
  private size = 0;
  private pdus: Array<Pdu | undefined> = [];
  private auth: Array<readonly EventId[] | undefined> = [];
  /** 1 a power event, 0 not, UNKNOWN before asked. */
  private power = new Int8Array(0);
  /** The sender's power level; NaN before asked (a level is never NaN). */
  private levelOf = new Float64Array(0);
  private authKeys: Array<readonly StateKey[] | undefined> = [];
  /** The event's own (type, state_key); null for a non-state event, undefined before asked. */
  private keys: Array<StateKey | null | undefined> = [];
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
  ) {
    this.grow();
  }

  /** Room for every event the index holds now. */
  private grow(): void {
    const size = this.index.size;
    const fill = <T>(a: T[]): T[] => {
      for (let i = a.length; i < size; i++) a.push(undefined as T);
      return a;
    };
    this.pdus = fill(this.pdus);
    this.auth = fill(this.auth);
    this.authKeys = fill(this.authKeys);
    this.keys = fill(this.keys);
    const power = new Int8Array(size).fill(UNKNOWN);
    power.set(this.power);
    this.power = power;
    const levelOf = new Float64Array(size).fill(Number.NaN);
    levelOf.set(this.levelOf);
    this.levelOf = levelOf;
    this.size = size;
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
    if (x >= this.size) this.grow();
    let pdu = this.pdus[x];
    if (pdu === undefined) this.pdus[x] = pdu = mustFetch(this.fetchEvent, this.index.idOf(x));
    return pdu;
  }

  /** The event's auth events as resolution follows them (effectiveAuthEventIds). */
  authEventIds(id: EventId): readonly EventId[] {
    const x = this.index.indexOf(id);
    if (x >= this.size) this.grow();
    let auth = this.auth[x];
    if (auth === undefined) this.auth[x] = auth = effectiveAuthEventIds(this.pduAt(x), this.version);
    return auth;
  }

  isPowerAt(x: number): boolean {
    if (x >= this.size) this.grow();
    let power = this.power[x]!;
    if (power === UNKNOWN) this.power[x] = power = isPowerEvent(this.pduAt(x), this.options) ? 1 : 0;
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
    if (x >= this.size) this.grow();
    let level = this.levelOf[x]!;
    if (Number.isNaN(level)) {
      const pl = this.index.citedPowerLevelsIndex(x);
      const create = this.index.citedCreateIndex(x);
      const sender = this.pduAt(x).sender;
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
      this.levelOf[x] = level = known;
    }
    return level;
  }

  /**
   * The event's own (type, state_key), or undefined for a non-state event: made once per
   * event, not once per check that falls back on it as an auth event.
   */
  ownStateKey(id: EventId): StateKey | undefined {
    const x = this.index.indexOf(id);
    if (x >= this.size) this.grow();
    let key = this.keys[x];
    if (key === undefined) {
      const pdu = this.pduAt(x);
      this.keys[x] = key = typeof pdu.state_key === "string" ? internedStateKey(pdu.type, pdu.state_key) : null;
    }
    return key ?? undefined;
  }

  /** The state keys the authorization rules consult for the event, with the create event's, sorted. */
  authStateKeys(id: EventId): readonly StateKey[] {
    const x = this.index.indexOf(id);
    if (x >= this.size) this.grow();
    let keys = this.authKeys[x];
    if (keys === undefined) {
      this.authKeys[x] = keys = withCreateKey(this.options.authRules.authStateKeysFor(this.pduAt(x), this.version));
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
