// The events an auth check runs against, keyed by (type, state_key): the event's own
// auth events, or the matching entries of some state. The rules read them through this
// small view so that "the sender's current membership" means one thing everywhere.

import type { Pdu } from "../events.ts";
import type { RoomVersion } from "../room-versions.ts";
import { internedStateKey, stateKey, type StateKey } from "../state-map.ts";
import { userPowerLevel } from "./power-levels.ts";

// Asked on nearly every check (state resolution runs thousands): made once, not per call.
const CREATE_KEY = stateKey("m.room.create", "");
const POWER_LEVELS_KEY = stateKey("m.room.power_levels", "");

export class AuthEvents {
  private readonly byKey: ReadonlyMap<StateKey, Pdu>;

  constructor(
    events: readonly Pdu[] | ReadonlyMap<StateKey, Pdu>,
    readonly version: RoomVersion,
  ) {
    if (Array.isArray(events)) {
      const map = new Map<StateKey, Pdu>();
      for (const e of events as readonly Pdu[]) {
        if (typeof e?.state_key === "string") map.set(stateKey(e.type, e.state_key), e);
      }
      this.byKey = map;
    } else {
      this.byKey = events as ReadonlyMap<StateKey, Pdu>;
    }
  }

  get(type: string, key = ""): Pdu | undefined {
    return this.byKey.get(internedStateKey(type, key));
  }

  get create(): Pdu | undefined {
    return this.byKey.get(CREATE_KEY);
  }

  get powerLevels(): Pdu | undefined {
    return this.byKey.get(POWER_LEVELS_KEY);
  }

  /** A user's membership; absent means `leave` (spec: "current membership state"). */
  membership(userId: string): string {
    const m = this.get("m.room.member", userId)?.content.membership;
    return typeof m === "string" ? m : "leave";
  }

  /** The join rule, or the version's reading of a room without one (joinRuleWhenAbsent). */
  joinRule(): string | undefined {
    const rule = this.get("m.room.join_rules")?.content.join_rule;
    if (typeof rule === "string") return rule;
    return this.version.auth.joinRuleWhenAbsent === "invite" ? "invite" : undefined;
  }

  powerLevel(userId: string): number {
    return userPowerLevel(userId, this.powerLevels, this.create, this.version);
  }
}
