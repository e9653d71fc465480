// What one resolution needs to know about each event, worked out once per event instead
// of once per question: the event, its (effective) auth event ids, whether it is a power
// event, the PL and create events it cites, its sender's power level, the state keys the
// authorization rules consult. Every step of v2 asked these again through fetchEvent and
// effectiveAuthEventIds (an array per call); sender power levels are remembered per
// (PL event, create event, sender), mainline positions per PL event (mainline.ts).

import { userPowerLevel } from "../auth/power-levels.ts";
import type { Pdu } from "../events.ts";
import type { EventId } from "../ids.ts";
import type { RoomVersion } from "../room-versions.ts";
import type { StateKey } from "../state-map.ts";
import { stateKey } from "../state-map.ts";
import {
  CREATE_KEY,
  effectiveAuthEventIds,
  isCreateEvent,
  isPowerEvent,
  isPowerLevelsEvent,
  mustFetch,
} from "./event-lookup.ts";
import type { FetchEvent, ResolvedOptions } from "./types.ts";

interface Facts {
  pdu: Pdu;
  auth: readonly EventId[];
  power: boolean | undefined;
  /** The PL event among the auth events; null for none, undefined before asked. */
  powerLevels: EventId | null | undefined;
  create: EventId | null | undefined;
  senderPowerLevel: number | undefined;
  authKeys: readonly StateKey[] | undefined;
  /** The event's own (type, state_key); null for a non-state event, undefined before asked. */
  key: StateKey | null | undefined;
}

export class EventFacts {
  private readonly facts = new Map<EventId, Facts>();
  /**
   * Sender power levels by PL event (or "" for none), then create event (or ""), then
   * sender: maps of ids already hashed, not a key string made per event.
   */
  private readonly levels = new Map<string, Map<string, Map<string, number>>>();

  constructor(
    readonly version: RoomVersion,
    private readonly fetchEvent: FetchEvent,
    private readonly options: Pick<ResolvedOptions, "createIsPowerEvent" | "authRules">,
  ) {}

  private of(id: EventId): Facts {
    let f = this.facts.get(id);
    if (f === undefined) {
      const pdu = mustFetch(this.fetchEvent, id);
      f = {
        pdu,
        auth: effectiveAuthEventIds(pdu, this.version),
        power: undefined,
        powerLevels: undefined,
        create: undefined,
        senderPowerLevel: undefined,
        authKeys: undefined,
        key: undefined,
      };
      this.facts.set(id, f);
    }
    return f;
  }

  pdu(id: EventId): Pdu {
    return this.of(id).pdu;
  }

  /** The event's auth events as resolution follows them (effectiveAuthEventIds). */
  authEventIds(id: EventId): readonly EventId[] {
    return this.of(id).auth;
  }

  isPower(id: EventId): boolean {
    const f = this.of(id);
    if (f.power === undefined) f.power = isPowerEvent(f.pdu, this.options);
    return f.power;
  }

  /** The `m.room.power_levels` event among the event's auth events (the first cited), if any. */
  citedPowerLevels(id: EventId): EventId | undefined {
    const f = this.of(id);
    if (f.powerLevels === undefined) this.readCited(f);
    return f.powerLevels ?? undefined;
  }

  /**
   * The power level of the event's sender from the PL and create events it cites (see
   * senderPowerLevel in power-ordering.ts, which this answers the same as).
   */
  senderPowerLevel(id: EventId): number {
    const f = this.of(id);
    if (f.senderPowerLevel === undefined) {
      if (f.powerLevels === undefined) this.readCited(f);
      const pl = f.powerLevels ?? undefined;
      const create = f.create ?? undefined;
      let byCreate = this.levels.get(pl ?? "");
      if (byCreate === undefined) this.levels.set(pl ?? "", (byCreate = new Map()));
      let bySender = byCreate.get(create ?? "");
      if (bySender === undefined) byCreate.set(create ?? "", (bySender = new Map()));
      let level = bySender.get(f.pdu.sender);
      if (level === undefined) {
        level = userPowerLevel(
          f.pdu.sender,
          pl === undefined ? undefined : this.pdu(pl),
          create === undefined ? undefined : this.pdu(create),
          this.version,
        );
        bySender.set(f.pdu.sender, level);
      }
      f.senderPowerLevel = level;
    }
    return f.senderPowerLevel;
  }

  /**
   * The event's own (type, state_key), or undefined for a non-state event: made once per
   * event, not once per check that falls back on it as an auth event.
   */
  ownStateKey(id: EventId): StateKey | undefined {
    const f = this.of(id);
    if (f.key === undefined) f.key = typeof f.pdu.state_key === "string" ? stateKey(f.pdu.type, f.pdu.state_key) : null;
    return f.key ?? undefined;
  }

  /** The state keys the authorization rules consult for the event, with the create event's, sorted. */
  authStateKeys(id: EventId): readonly StateKey[] {
    const f = this.of(id);
    if (f.authKeys === undefined) {
      const keys = new Set<StateKey>(this.options.authRules.authStateKeysFor(f.pdu, this.version));
      keys.add(CREATE_KEY);
      f.authKeys = [...keys].sort();
    }
    return f.authKeys;
  }

  /** The first PL event and the first create event among the auth events. */
  private readCited(f: Facts): void {
    let powerLevels: EventId | null = null;
    let create: EventId | null = null;
    for (const authId of f.auth) {
      const auth = this.pdu(authId);
      if (powerLevels === null && isPowerLevelsEvent(auth)) powerLevels = authId;
      if (create === null && isCreateEvent(auth)) create = authId;
    }
    f.powerLevels = powerLevels;
    f.create = create;
  }
}
