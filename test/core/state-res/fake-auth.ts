// Stand-in authorization rules for unit tests of the resolution machinery, so that each
// test controls exactly which events pass: an event is allowed unless its content says
// `deny: true`, or it names in `needs` an event id that must be among its auth events.
// Every call is recorded, with the auth events it was given.

import type { AuthRulesApi, EventId, Pdu, StateKey } from "../../../core/index.ts";
import { stateKey } from "../../../core/index.ts";

export interface RecordedCheck {
  event: Pdu;
  authEvents: ReadonlyMap<StateKey, Pdu>;
}

export function fakeAuthRules(
  fetchId: (pdu: Pdu) => EventId,
  keys: (pdu: Pdu) => StateKey[] = (pdu) => [
    stateKey("m.room.power_levels", ""),
    stateKey("m.room.member", pdu.sender),
  ],
): AuthRulesApi & { calls: RecordedCheck[]; idsGiven: (i: number) => string[] } {
  const calls: RecordedCheck[] = [];
  return {
    calls,
    idsGiven: (i) => [...calls[i]!.authEvents.values()].map(fetchId).sort(),
    authStateKeysFor: (event) => keys(event),
    checkAuth: (event, authEvents) => {
      calls.push({ event, authEvents });
      if (event.content.deny === true) return { allowed: false, rule: "fake.deny", reason: "content.deny is true" };
      const needs = event.content.needs;
      if (typeof needs === "string" && ![...authEvents.values()].some((a) => fetchId(a) === needs)) {
        return { allowed: false, rule: "fake.needs", reason: `${needs} is not among the auth events` };
      }
      return { allowed: true };
    },
  };
}
