// What a check sees at the end of a run: the world, the scenario, and the names the
// scenario gave to rooms and events (labels) mapped to their real ids.

import type { EventId, RoomId } from "../../core/index.ts";
import type { World } from "../../sim/index.ts";
import type { Scenario } from "./types.ts";

export interface CheckContext {
  world: World;
  scenario: Scenario;
  /** Room label → room id (rooms created by the timeline). */
  rooms: ReadonlyMap<string, RoomId>;
  /** Event label → event id (events created by labelled timeline actions). */
  events: ReadonlyMap<string, EventId>;
  /** Servers that follow the protocol (no adversary, or only a skewed clock). */
  honestServers: readonly string[];
}

/** The servers a check looks at: those it names, else every honest server holding the room. */
export function serversFor(ctx: CheckContext, roomId: RoomId | undefined, named?: readonly string[]): string[] {
  if (named) return [...named];
  return ctx.honestServers.filter((s) => {
    const hs = ctx.world.server(s);
    const room = roomId ? hs.room(roomId) : undefined;
    return hs.up && room !== undefined && hs.serversInRoom(room).includes(s);
  });
}
