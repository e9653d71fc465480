// Which room versions a server supports: what it announces as `ver` in make_join and
// make_knock, and what it accepts as a resident's answer (spec: server-server-api.md
// "Joining Rooms"; Synapse: KNOWN_ROOM_VERSIONS, sent by FederationHandler.do_invite_join).

import { ROOM_VERSIONS } from "../../core/index.ts";

/** Every room version netsplit knows, in the spec's order. */
export const ALL_ROOM_VERSIONS: readonly string[] = Object.freeze(Object.keys(ROOM_VERSIONS));

/** The configured set, checked (an unknown id is bad input) and in the spec's order; every version when unset. */
export function supportedRoomVersions(configured: readonly string[] | undefined): readonly string[] {
  if (configured === undefined) return ALL_ROOM_VERSIONS;
  for (const id of configured)
    if (!ALL_ROOM_VERSIONS.includes(id))
      throw new Error(`room version ${JSON.stringify(id)} is not one netsplit knows: ${ALL_ROOM_VERSIONS.join(", ")}`);
  return Object.freeze(ALL_ROOM_VERSIONS.filter((id) => configured.includes(id)));
}
