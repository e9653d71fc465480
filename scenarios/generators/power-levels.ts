// The power levels every generated room starts from, shared by both generators (the
// fast-check fixtures and the bulk forked rooms): moderators (50) may kick, ban, redact
// and send state, everyone may invite and talk, and the creator holds 100.

import type { JsonObject } from "../../core/index.ts";

/** The room-wide levels of a generated room's `m.room.power_levels` (all but `users` and `events`). */
export const GENERATED_POWER_DEFAULTS = {
  users_default: 0,
  events_default: 0,
  state_default: 50,
  ban: 50,
  kick: 50,
  redact: 50,
  invite: 0,
} as const satisfies JsonObject;

/**
 * A power-levels content: `users`, then the defaults, then `extra` (keys in this order,
 * which the generated fixtures' bytes depend on). Before v12 the creator is listed at 100
 * ahead of `levels`; since v12 creators are never listed (they outrank everyone) and
 * `levels` is used as it is, not copied.
 */
export function generatedPowerLevels(o: {
  creator: string;
  privilegedCreators: boolean;
  levels: JsonObject;
  extra?: JsonObject;
}): JsonObject {
  const users = o.privilegedCreators ? o.levels : { [o.creator]: 100, ...o.levels };
  return { users, ...GENERATED_POWER_DEFAULTS, ...o.extra };
}
