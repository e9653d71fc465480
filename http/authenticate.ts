// Who makes a request (spec: client-server-api "Using access tokens"): the access token
// from the Authorization header (or the deprecated access_token query parameter); a
// user's token, or an application service's as_token acting as `?user_id=` (identity
// assertion) or as its sender. 401 M_MISSING_TOKEN without one, 401 M_UNKNOWN_TOKEN for
// one the server does not know.

import { parseUserId, type UserId } from "../core/index.ts";
import { clientServerApi, type Homeserver } from "../sim/index.ts";
import { HttpError, type HttpRequest } from "./types.ts";

export interface Authenticated {
  session: clientServerApi.Session;
  accessToken: string;
}

/** The session a route without authentication sees: nobody. */
export const NOBODY: clientServerApi.Session = { userId: parseUserId("@nobody:netsplit.invalid") };

export function accessTokenOf(request: HttpRequest, query: URLSearchParams): string | undefined {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return m ? m[1] : undefined;
  }
  return query.get("access_token") ?? undefined;
}

export function authenticate(hs: Homeserver, request: HttpRequest, query: URLSearchParams): Authenticated {
  const accessToken = accessTokenOf(request, query);
  if (accessToken === undefined) throw new HttpError(401, "M_MISSING_TOKEN", "no access token in the request");
  const userId = hs.userForToken(accessToken);
  if (userId) return { session: { userId }, accessToken };
  const service = hs.appServices.byToken(accessToken);
  if (!service)
    throw new HttpError(401, "M_UNKNOWN_TOKEN", "the access token is not known (logged out, or another server's)");
  const asserted = query.get("user_id") ?? service.senderUserId;
  let target: UserId;
  try {
    target = parseUserId(asserted);
  } catch {
    throw new HttpError(400, "M_INVALID_PARAM", `user_id ${JSON.stringify(asserted)} is not a user id`);
  }
  const session = clientServerApi.authenticateService(hs, accessToken, target);
  if (!session.ok) throw new HttpError(session.error.status, session.error.errcode, session.error.error);
  return { session: session.value, accessToken };
}
