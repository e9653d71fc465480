// What a client reads of a room (spec: client-server-api "Getting events for a room"):
// the current state, one state event, one event, the members, the joined members, and
// the user's joined rooms; as this client's server holds them now. Only members may
// look (403 M_FORBIDDEN otherwise), as on a homeserver with the usual history visibility.

import { isJsonObject, type JsonObject } from "../../core/index.ts";
import { clientViews } from "../../sim/index.ts";
import type { Route, RouteContext } from "../route-table.ts";
import { HttpError, jsonResponse, type HttpResponse } from "../types.ts";
import { messages } from "./messages.ts";

const ok = (body: unknown): HttpResponse => jsonResponse(200, body);

/** The room, when the user is (or was) in it on this server. */
export function roomOfMember(ctx: RouteContext, roomId: string, joinedOnly = false): string {
  const room = ctx.hs.room(roomId);
  const membership = room ? ctx.hs.membership(room, ctx.session.userId) : undefined;
  const allowed = joinedOnly ? membership === "join" : membership !== undefined && membership !== "invite";
  if (!allowed)
    throw new HttpError(403, "M_FORBIDDEN", `${ctx.session.userId} is not in room ${roomId} on ${ctx.hs.name}`);
  return roomId;
}

function stateEvents(ctx: RouteContext, roomId: string): JsonObject[] {
  return clientViews
    .currentStateEntries(ctx.hs, roomId)
    .map((e) => clientViews.eventInRoom(ctx.hs, roomId, e.eventId))
    .filter((e): e is JsonObject => e !== undefined);
}

function getStateEvent(ctx: RouteContext): HttpResponse {
  const roomId = roomOfMember(ctx, ctx.params.roomId!);
  const event = clientViews.currentStateEvent(ctx.hs, roomId, ctx.params.type!, ctx.params.stateKey ?? "");
  if (!event) throw new HttpError(404, "M_NOT_FOUND", `no ${ctx.params.type} state in ${roomId}`);
  // ?format=event asks for the whole event; the default is its content.
  return ok(ctx.query.get("format") === "event" ? event : event.content);
}

function members(ctx: RouteContext): HttpResponse {
  const roomId = roomOfMember(ctx, ctx.params.roomId!);
  const only = ctx.query.get("membership");
  const not = ctx.query.get("not_membership");
  const chunk = stateEvents(ctx, roomId).filter((e) => {
    if (e.type !== "m.room.member" || !isJsonObject(e.content)) return false;
    const m = e.content.membership;
    return (only === null || m === only) && (not === null || m !== not);
  });
  return ok({ chunk });
}

function joinedMembers(ctx: RouteContext): HttpResponse {
  const roomId = roomOfMember(ctx, ctx.params.roomId!, true);
  const joined: Record<string, JsonObject> = {};
  for (const e of stateEvents(ctx, roomId)) {
    if (e.type !== "m.room.member" || !isJsonObject(e.content) || e.content.membership !== "join") continue;
    const profile: JsonObject = {};
    if (typeof e.content.displayname === "string") profile.display_name = e.content.displayname;
    if (typeof e.content.avatar_url === "string") profile.avatar_url = e.content.avatar_url;
    joined[String(e.state_key)] = profile;
  }
  return ok({ joined });
}

export const ROOM_READ_ROUTES: readonly Route[] = [
  {
    method: "GET",
    path: "/rooms/{roomId}/state",
    auth: true,
    handle: (ctx) => ok(stateEvents(ctx, roomOfMember(ctx, ctx.params.roomId!))),
  },
  { method: "GET", path: "/rooms/{roomId}/state/{type}", auth: true, handle: getStateEvent },
  { method: "GET", path: "/rooms/{roomId}/state/{type}/{stateKey}", auth: true, handle: getStateEvent },
  {
    method: "GET",
    path: "/rooms/{roomId}/event/{eventId}",
    auth: true,
    handle: (ctx) => {
      const roomId = roomOfMember(ctx, ctx.params.roomId!);
      const event = clientViews.eventInRoom(ctx.hs, roomId, ctx.params.eventId!);
      if (!event) throw new HttpError(404, "M_NOT_FOUND", `${ctx.hs.name} holds no event ${ctx.params.eventId}`);
      return ok(event);
    },
  },
  { method: "GET", path: "/rooms/{roomId}/members", auth: true, handle: members },
  { method: "GET", path: "/rooms/{roomId}/joined_members", auth: true, handle: joinedMembers },
  { method: "GET", path: "/rooms/{roomId}/messages", auth: true, handle: messages },
  {
    method: "GET",
    path: "/joined_rooms",
    auth: true,
    handle: (ctx) =>
      ok({
        joined_rooms: clientViews
          .roomsOfUser(ctx.hs, ctx.session.userId)
          .filter((r) => r.membership === "join")
          .map((r) => r.roomId),
      }),
  },
];
