// Accounts and the endpoints a client asks about once at start-up (spec:
// client-server-api "Client Authentication", "Capabilities", "Push rules", "Filtering",
// "Profiles"): versions, register (m.login.dummy interactive auth, or an application
// service's m.login.application_service), login with a password, whoami, logout,
// capabilities, an empty push ruleset, filters and profiles. Passwords are kept in
// plain text: this is a simulator on 127.0.0.1, not a server to trust with secrets.

import { isJsonObject, parseUserId, ROOM_VERSIONS, type JsonObject, type UserId } from "../../core/index.ts";
import { DEFAULT_ROOM_VERSION, clientViews, type Homeserver } from "../../sim/index.ts";
import { stringField, valueOf } from "../results.ts";
import type { Route, RouteContext } from "../route-table.ts";
import type { HttpServerState } from "../server-state.ts";
import { HttpError, jsonResponse, type HttpResponse } from "../types.ts";

/** The spec versions whose endpoints netsplit answers (the ones the SDKs check for). */
export const SPEC_VERSIONS = [
  "v1.1",
  "v1.2",
  "v1.3",
  "v1.4",
  "v1.5",
  "v1.6",
  "v1.7",
  "v1.8",
  "v1.9",
  "v1.10",
  "v1.11",
  "v1.12",
];

const ok = (body: unknown = {}): HttpResponse => jsonResponse(200, body);

function login(hs: Homeserver, state: HttpServerState, userId: UserId, deviceId?: string): JsonObject {
  const accessToken = hs.issueToken(userId);
  const device = deviceId ?? state.newDeviceId();
  state.devices.set(accessToken, { userId, deviceId: device });
  return { user_id: userId, access_token: accessToken, device_id: device, home_server: hs.name };
}

function register(ctx: RouteContext): HttpResponse {
  const { hs, body, state } = ctx;
  const username = stringField(body, "username");
  // An application service registers its users with its as_token (spec: application-service-api "Server admin style permissions").
  if (body.type === "m.login.application_service") {
    const service = ctx.presentedToken === undefined ? undefined : hs.appServices.byToken(ctx.presentedToken);
    if (!service)
      throw new HttpError(401, "M_MISSING_TOKEN", "m.login.application_service needs the service's as_token");
    if (username === undefined) throw new HttpError(400, "M_BAD_JSON", "username is required");
    const userId = valueOf(hs.registerUser(username, service));
    return ok(body.inhibit_login === true ? { user_id: userId } : login(hs, state, userId));
  }
  const auth = body.auth;
  if (!isJsonObject(auth) || auth.type !== "m.login.dummy") {
    // User-interactive authentication: one stage, m.login.dummy.
    return jsonResponse(401, {
      flows: [{ stages: ["m.login.dummy"] }],
      params: {},
      session: `uia-${hs.name}`,
      ...(auth !== undefined ? { errcode: "M_UNRECOGNIZED", error: "netsplit offers m.login.dummy only" } : {}),
    });
  }
  if (username === undefined) throw new HttpError(400, "M_INVALID_USERNAME", "give a username");
  const password = stringField(body, "password") ?? "";
  const userId = valueOf(hs.registerUser(username));
  state.passwords.set(userId, password);
  const deviceId = stringField(body, "device_id");
  return ok(body.inhibit_login === true ? { user_id: userId } : login(hs, state, userId, deviceId));
}

function loginRequest(ctx: RouteContext): HttpResponse {
  const { hs, body, state } = ctx;
  const identifier = isJsonObject(body.identifier) ? body.identifier : {};
  const named = typeof identifier.user === "string" ? identifier.user : stringField(body, "user");
  if (named === undefined) throw new HttpError(400, "M_BAD_JSON", "identifier.user is required");
  const userId = userOf(hs, named);
  if (body.type === "m.login.application_service") {
    const service = hs.appServices.byToken(ctx.presentedToken ?? "");
    if (!service || !service.namespaces.matches("users", userId) || !hs.users.has(userId))
      throw new HttpError(403, "M_FORBIDDEN", "the as_token may not log this user in");
    return ok(login(hs, state, userId, stringField(body, "device_id")));
  }
  if (body.type !== "m.login.password")
    throw new HttpError(400, "M_UNKNOWN", `login type ${String(body.type)} is not supported`);
  const password = stringField(body, "password");
  if (!hs.users.has(userId) || state.passwords.get(userId) !== password)
    throw new HttpError(403, "M_FORBIDDEN", "invalid user name or password");
  return ok(login(hs, state, userId, stringField(body, "device_id")));
}

/** A user id, or a localpart of this server. */
function userOf(hs: Homeserver, named: string): UserId {
  try {
    return parseUserId(named.startsWith("@") ? named : `@${named}:${hs.name}`);
  } catch (e) {
    throw new HttpError(400, "M_INVALID_USERNAME", (e as Error).message);
  }
}

function ownUser(ctx: RouteContext): string {
  const userId = ctx.params.userId!;
  if (userId !== ctx.session.userId)
    throw new HttpError(403, "M_FORBIDDEN", `${ctx.session.userId} cannot act for ${userId}`);
  return userId;
}

function capabilities(): HttpResponse {
  const available: Record<string, string> = {};
  for (const id of Object.keys(ROOM_VERSIONS)) available[id] = "stable";
  return ok({
    capabilities: {
      "m.room_versions": { default: DEFAULT_ROOM_VERSION, available },
      "m.change_password": { enabled: false },
      "m.set_displayname": { enabled: false },
      "m.set_avatar_url": { enabled: false },
      "m.3pid_changes": { enabled: false },
    },
  });
}

/** The displayname a user's newest membership event gives, in any room this server holds. */
function profile(ctx: RouteContext): JsonObject {
  const { hs } = ctx;
  const userId = ctx.params.userId!;
  let best: { ts: number; content: JsonObject } | undefined;
  for (const roomId of [...hs.rooms.keys()].sort()) {
    const member = clientViews.currentStateEvent(hs, roomId, "m.room.member", userId);
    const ts = typeof member?.origin_server_ts === "number" ? member.origin_server_ts : -1;
    if (member && isJsonObject(member.content) && (!best || ts > best.ts)) best = { ts, content: member.content };
  }
  const known = best !== undefined || hs.users.has(userId as UserId);
  if (!known) throw new HttpError(404, "M_NOT_FOUND", `no profile for ${userId}`);
  const out: JsonObject = {};
  if (typeof best?.content.displayname === "string") out.displayname = best.content.displayname;
  if (typeof best?.content.avatar_url === "string") out.avatar_url = best.content.avatar_url;
  return out;
}

export const ACCOUNT_ROUTES: readonly Route[] = [
  {
    method: "GET",
    path: "/versions",
    auth: false,
    handle: () => ok({ versions: SPEC_VERSIONS, unstable_features: {} }),
  },
  { method: "POST", path: "/register", auth: false, handle: register },
  {
    method: "GET",
    path: "/register/available",
    auth: false,
    handle: (ctx) => {
      const userId = userOf(ctx.hs, ctx.query.get("username") ?? "");
      if (ctx.hs.users.has(userId)) throw new HttpError(400, "M_USER_IN_USE", `${userId} is taken`);
      return ok({ available: true });
    },
  },
  {
    method: "GET",
    path: "/login",
    auth: false,
    handle: () => ok({ flows: [{ type: "m.login.password" }, { type: "m.login.application_service" }] }),
  },
  { method: "POST", path: "/login", auth: false, handle: loginRequest },
  {
    method: "GET",
    path: "/account/whoami",
    auth: true,
    handle: (ctx) => {
      const device = ctx.state.devices.get(ctx.accessToken);
      return ok({ user_id: ctx.session.userId, is_guest: false, ...(device ? { device_id: device.deviceId } : {}) });
    },
  },
  {
    method: "POST",
    path: "/logout",
    auth: true,
    handle: (ctx) => {
      ctx.hs.revokeToken(ctx.accessToken);
      ctx.state.forgetDevice(ctx.accessToken);
      ctx.syncs.forget(ctx.accessToken);
      return ok();
    },
  },
  { method: "GET", path: "/capabilities", auth: true, handle: capabilities },
  {
    method: "GET",
    path: "/pushrules/",
    auth: true,
    handle: () => ok({ global: { override: [], content: [], room: [], sender: [], underride: [] } }),
  },
  {
    method: "POST",
    path: "/user/{userId}/filter",
    auth: true,
    handle: (ctx) => ok({ filter_id: ctx.state.addFilter(ownUser(ctx), ctx.body) }),
  },
  {
    method: "GET",
    path: "/user/{userId}/filter/{filterId}",
    auth: true,
    handle: (ctx) => {
      const filter = ctx.state.filter(ownUser(ctx), ctx.params.filterId!);
      if (!filter) throw new HttpError(404, "M_NOT_FOUND", `no filter ${ctx.params.filterId}`);
      return ok(filter);
    },
  },
  {
    method: "PUT",
    path: "/user/{userId}/account_data/{type}",
    auth: true,
    handle: (ctx) => {
      const user = ownUser(ctx);
      const data = ctx.state.accountData.get(user) ?? new Map<string, JsonObject>();
      ctx.state.accountData.set(user, data.set(ctx.params.type!, ctx.body));
      return ok();
    },
  },
  {
    method: "GET",
    path: "/user/{userId}/account_data/{type}",
    auth: true,
    handle: (ctx) => {
      const content = ctx.state.accountData.get(ownUser(ctx))?.get(ctx.params.type!);
      if (!content) throw new HttpError(404, "M_NOT_FOUND", `no account data of type ${ctx.params.type}`);
      return ok(content);
    },
  },
  { method: "GET", path: "/profile/{userId}", auth: true, handle: (ctx) => ok(profile(ctx)) },
  {
    method: "GET",
    path: "/profile/{userId}/displayname",
    auth: true,
    handle: (ctx) => ok({ displayname: profile(ctx).displayname ?? null }),
  },
];
