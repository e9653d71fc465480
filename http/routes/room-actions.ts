// What a client does to rooms (spec: client-server-api "Rooms", "Room membership",
// "Sending events", "Redactions", "Room aliases"): createRoom, join, invite, leave,
// kick, ban, unban, forget, send (idempotent per device and transaction id), state,
// redact, upgrade, and the local room directory. Each is a thin call on sim/'s homeserver API;
// each change is a `client.action` record in the trace.

import { isJsonObject, type EventId, type JsonObject, type JsonValue } from "../../core/index.ts";
import { clientServerApi, clientViews, type RoomPreset } from "../../sim/index.ts";
import { stringField, valueOf } from "../results.ts";
import type { Route, RouteContext } from "../route-table.ts";
import { HttpError, jsonResponse, type HttpResponse } from "../types.ts";
import { traced, tracedLater } from "./trace-action.ts";

const api = clientServerApi;
const ok = (body: unknown = {}): HttpResponse => jsonResponse(200, body);
const PRESETS: readonly RoomPreset[] = ["private_chat", "trusted_private_chat", "public_chat"];

function objectField(body: JsonObject, name: string): JsonObject | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  if (!isJsonObject(value)) throw new HttpError(400, "M_BAD_JSON", `${name} must be an object`);
  return value;
}

function stringList(body: JsonObject, name: string): string[] {
  const value: JsonValue | undefined = body[name];
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string"))
    throw new HttpError(400, "M_BAD_JSON", `${name} must be a list of strings`);
  return value as string[];
}

function initialState(body: JsonObject): Array<{ type: string; state_key?: string; content: JsonObject }> | undefined {
  const value = body.initial_state;
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw new HttpError(400, "M_BAD_JSON", "initial_state must be a list");
  return value.map((e) => {
    if (!isJsonObject(e) || typeof e.type !== "string" || !isJsonObject(e.content))
      throw new HttpError(400, "M_BAD_JSON", "each initial_state entry has a type and a content object");
    return { type: e.type, state_key: stringField(e, "state_key") ?? "", content: e.content };
  });
}

/** POST /createRoom: the room, its alias (room_alias_name), then its invites; answered once every invite is. */
async function createRoom(ctx: RouteContext): Promise<HttpResponse> {
  const { hs, body, session } = ctx;
  const preset = stringField(body, "preset");
  if (preset !== undefined && !PRESETS.includes(preset as RoomPreset))
    throw new HttpError(400, "M_INVALID_PARAM", `unknown preset ${preset}`);
  const visibility = stringField(body, "visibility");
  const aliasName = stringField(body, "room_alias_name");
  const alias = aliasName === undefined ? undefined : `#${aliasName}:${hs.name}`;
  if (alias && hs.directory.has(alias)) throw new HttpError(400, "M_ROOM_IN_USE", `${alias} is taken`);
  const invites = stringList(body, "invite");
  const name = stringField(body, "name");
  const topic = stringField(body, "topic");
  const roomVersion = stringField(body, "room_version");
  const creationContent = objectField(body, "creation_content");
  const powerLevelContentOverride = objectField(body, "power_level_content_override");
  const state = initialState(body);
  const roomId = traced(ctx, "createRoom", undefined, () =>
    valueOf(
      api.createRoom(hs, session, {
        ...(preset !== undefined ? { preset: preset as RoomPreset } : {}),
        // Without a preset the spec derives it from the visibility.
        ...(preset === undefined && visibility === "public" ? { preset: "public_chat" as RoomPreset } : {}),
        ...(name !== undefined ? { name } : {}),
        ...(topic !== undefined ? { topic } : {}),
        ...(roomVersion !== undefined ? { roomVersion } : {}),
        ...(creationContent ? { creationContent } : {}),
        ...(powerLevelContentOverride ? { powerLevelContentOverride } : {}),
        ...(state ? { initialState: state } : {}),
      }),
    ),
  );
  if (alias) traced(ctx, "createAlias", roomId, () => valueOf(api.createAlias(hs, session, alias, roomId)));
  // is_direct marks the invites for the invitees' m.direct; netsplit keeps no account data for them.
  const invited = invites.map((userId) =>
    tracedLater<EventId>(ctx, "invite", roomId, (reply) => api.invite(hs, session, roomId, userId, reply)),
  );
  await Promise.allSettled(invited);
  return ok({ room_id: roomId });
}

async function join(ctx: RouteContext, roomIdOrAlias: string): Promise<HttpResponse> {
  const { hs, session } = ctx;
  const via = [...ctx.query.getAll("via"), ...ctx.query.getAll("server_name")];
  await tracedLater<EventId>(ctx, "join", roomIdOrAlias, (reply) => api.join(hs, session, roomIdOrAlias, via, reply));
  const roomId = roomIdOrAlias.startsWith("#") ? hs.directory.get(roomIdOrAlias) : roomIdOrAlias;
  return ok({ room_id: roomId ?? roomIdOrAlias });
}

/** POST /knock/{roomIdOrAlias} (spec: client-server-api "Knocking on rooms"): answered with the room id. */
async function knock(ctx: RouteContext, roomIdOrAlias: string): Promise<HttpResponse> {
  const { hs, session } = ctx;
  const via = [...ctx.query.getAll("via"), ...ctx.query.getAll("server_name")];
  const reason = stringField(ctx.body, "reason");
  await tracedLater<EventId>(ctx, "knock", roomIdOrAlias, (reply) =>
    api.knock(hs, session, roomIdOrAlias, via, reason, reply),
  );
  const roomId = roomIdOrAlias.startsWith("#") ? hs.directory.get(roomIdOrAlias) : roomIdOrAlias;
  return ok({ room_id: roomId ?? roomIdOrAlias });
}

function membership(target: "kick" | "ban" | "unban") {
  return (ctx: RouteContext): HttpResponse => {
    const userId = stringField(ctx.body, "user_id", true);
    const reason = target === "unban" ? undefined : stringField(ctx.body, "reason");
    const roomId = ctx.params.roomId!;
    traced(ctx, target, roomId, () =>
      valueOf(api.setMembership(ctx.hs, ctx.session, roomId, userId, target === "ban" ? "ban" : "leave", reason)),
    );
    return ok();
  };
}

/** A new event from the user (send, state, redact), answered with its id. */
function sendEvent(ctx: RouteContext, action: string, request: clientServerApi.SendEventRequest): HttpResponse {
  return ok({
    event_id: traced(ctx, action, request.roomId, () => valueOf(api.sendEvent(ctx.hs, ctx.session, request))),
  });
}

/** send and redact are idempotent per device and transaction id: a retry gets the first answer. */
function once(ctx: RouteContext, send: () => HttpResponse): HttpResponse {
  const key = `${ctx.params.roomId} ${ctx.params.txnId}`;
  const earlier = ctx.state.txn(ctx.accessToken, key);
  if (earlier !== undefined) return ok({ event_id: earlier });
  const response = send();
  ctx.state.rememberTxn(ctx.accessToken, key, (JSON.parse(response.body) as { event_id: string }).event_id);
  return response;
}

function putState(ctx: RouteContext): HttpResponse {
  const { roomId, type } = ctx.params;
  return sendEvent(ctx, `setState ${type}`, {
    roomId: roomId!,
    type: type!,
    stateKey: ctx.params.stateKey ?? "",
    content: ctx.body,
  });
}

export const ROOM_ACTION_ROUTES: readonly Route[] = [
  { method: "POST", path: "/createRoom", auth: true, handle: createRoom },
  { method: "POST", path: "/join/{roomIdOrAlias}", auth: true, handle: (ctx) => join(ctx, ctx.params.roomIdOrAlias!) },
  {
    method: "POST",
    path: "/knock/{roomIdOrAlias}",
    auth: true,
    handle: (ctx) => knock(ctx, ctx.params.roomIdOrAlias!),
  },
  { method: "POST", path: "/rooms/{roomId}/join", auth: true, handle: (ctx) => join(ctx, ctx.params.roomId!) },
  {
    method: "POST",
    path: "/rooms/{roomId}/invite",
    auth: true,
    handle: async (ctx) => {
      const userId = stringField(ctx.body, "user_id", true);
      const roomId = ctx.params.roomId!;
      await tracedLater<EventId>(ctx, "invite", roomId, (reply) =>
        api.invite(ctx.hs, ctx.session, roomId, userId, reply),
      );
      return ok();
    },
  },
  {
    method: "POST",
    path: "/rooms/{roomId}/leave",
    auth: true,
    handle: async (ctx) => {
      // Rejecting an invite to a room this server is not in goes over federation: answered later.
      const roomId = ctx.params.roomId!;
      await tracedLater<EventId>(ctx, "leave", roomId, (reply) => api.leave(ctx.hs, ctx.session, roomId, reply));
      return ok();
    },
  },
  { method: "POST", path: "/rooms/{roomId}/kick", auth: true, handle: membership("kick") },
  { method: "POST", path: "/rooms/{roomId}/ban", auth: true, handle: membership("ban") },
  { method: "POST", path: "/rooms/{roomId}/unban", auth: true, handle: membership("unban") },
  {
    method: "POST",
    path: "/rooms/{roomId}/forget",
    auth: true,
    handle: (ctx) => {
      const room = ctx.hs.room(ctx.params.roomId!);
      const membershipNow = room ? ctx.hs.membership(room, ctx.session.userId) : undefined;
      if (membershipNow === "join" || membershipNow === "invite")
        throw new HttpError(400, "M_UNKNOWN", "leave the room before forgetting it");
      return ok();
    },
  },
  {
    method: "PUT",
    path: "/rooms/{roomId}/send/{type}/{txnId}",
    auth: true,
    handle: (ctx) =>
      once(ctx, () =>
        sendEvent(ctx, `send ${ctx.params.type}`, {
          roomId: ctx.params.roomId!,
          type: ctx.params.type!,
          content: ctx.body,
        }),
      ),
  },
  {
    method: "POST",
    path: "/rooms/{roomId}/upgrade",
    auth: true,
    handle: (ctx) => {
      const newVersion = stringField(ctx.body, "new_version", true);
      const roomId = ctx.params.roomId!;
      const replacement = traced(ctx, "upgradeRoom", roomId, () =>
        valueOf(api.upgradeRoom(ctx.hs, ctx.session, roomId, newVersion)),
      );
      return ok({ replacement_room: replacement });
    },
  },
  { method: "PUT", path: "/rooms/{roomId}/state/{type}", auth: true, handle: putState },
  { method: "PUT", path: "/rooms/{roomId}/state/{type}/{stateKey}", auth: true, handle: putState },
  {
    method: "PUT",
    path: "/rooms/{roomId}/redact/{eventId}/{txnId}",
    auth: true,
    handle: (ctx) =>
      once(ctx, () => {
        const reason = stringField(ctx.body, "reason");
        return sendEvent(ctx, "redact", {
          roomId: ctx.params.roomId!,
          type: "m.room.redaction",
          content: reason !== undefined ? { reason } : {},
          redacts: ctx.params.eventId! as EventId,
        });
      }),
  },
  {
    method: "PUT",
    path: "/directory/room/{alias}",
    auth: true,
    handle: (ctx) => {
      const roomId = stringField(ctx.body, "room_id", true);
      traced(ctx, "createAlias", roomId, () =>
        valueOf(api.createAlias(ctx.hs, ctx.session, ctx.params.alias!, roomId)),
      );
      return ok();
    },
  },
  {
    method: "GET",
    path: "/directory/room/{alias}",
    auth: false,
    handle: (ctx) => {
      const found = clientViews.resolveLocalAlias(ctx.hs, ctx.params.alias!);
      if (!found) throw new HttpError(404, "M_NOT_FOUND", `no room alias ${ctx.params.alias} on ${ctx.hs.name}`);
      return ok({ room_id: found.roomId, servers: found.servers });
    },
  },
  {
    method: "DELETE",
    path: "/directory/room/{alias}",
    auth: true,
    handle: (ctx) => {
      const alias = ctx.params.alias!;
      if (!ctx.hs.directory.has(alias))
        throw new HttpError(404, "M_NOT_FOUND", `no room alias ${alias} on ${ctx.hs.name}`);
      traced(ctx, "deleteAlias", undefined, () => (ctx.hs.directory.delete(alias), alias));
      return ok();
    },
  },
];
