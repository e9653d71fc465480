// A homeserver's room alias directory (spec: client-server-api "Room aliases",
// PUT/GET /directory/room/{roomAlias}): local aliases and the room each points to. It is
// persisted. Resolving a remote server's alias over federation (/query/directory) is not
// modelled; application services ask about unknown local aliases (sim/appservice/queries.ts).

import type { RoomId, UserId } from "../../core/index.ts";

/** `#localpart:server`, the alias grammar (spec appendices, "Room Aliases"). */
export function parseRoomAlias(alias: string): { localpart: string; server: string } | undefined {
  const colon = alias.indexOf(":");
  if (!alias.startsWith("#") || colon < 2 || colon === alias.length - 1 || alias.length > 255) return undefined;
  return { localpart: alias.slice(1, colon), server: alias.slice(colon + 1) };
}

/** At most this many aliases per server. */
export const ALIASES_MAX = 100_000;

export class RoomDirectory {
  private readonly aliases = new Map<string, { roomId: RoomId; creator: UserId }>();

  get(alias: string): RoomId | undefined {
    return this.aliases.get(alias)?.roomId;
  }

  has(alias: string): boolean {
    return this.aliases.has(alias);
  }

  /** False when the directory is full. */
  set(alias: string, roomId: RoomId, creator: UserId): boolean {
    if (!this.aliases.has(alias) && this.aliases.size >= ALIASES_MAX) return false;
    this.aliases.set(alias, { roomId, creator });
    return true;
  }

  delete(alias: string): boolean {
    return this.aliases.delete(alias);
  }

  /** Point every alias of one room at another, keeping who created each (a room upgrade moves them). */
  repoint(from: RoomId, to: RoomId): string[] {
    const moved = this.aliasesFor(from);
    for (const alias of moved) this.aliases.set(alias, { ...this.aliases.get(alias)!, roomId: to });
    return moved;
  }

  /** The local aliases pointing at a room, sorted. */
  aliasesFor(roomId: RoomId | string): string[] {
    return [...this.aliases.entries()]
      .filter(([, v]) => v.roomId === roomId)
      .map(([a]) => a)
      .sort();
  }
}
