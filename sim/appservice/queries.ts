// The homeserver asking its application services about ids it does not know (spec:
// application-service-api.md "Querying", query_user.yaml, query_room.yaml). The
// homeserver blocks on the answer: the service creates the user (or the room and its
// alias) through the client-server API first, then answers 200; 404 means no such
// thing. With no answer the homeserver retries a few times, then gives up; the client
// that caused the query gets 408.
//
// Services are asked in id order until one says yes (Synapse does the same).

import { serverOfUser, type RoomId, type UserId } from "../../core/index.ts";
import { rpc, type Task } from "../tasks.ts";
import type { Trace } from "../trace.ts";
import type { AppServiceRegistry, ServiceEntry } from "./registry.ts";

/** What a query needs of the homeserver asking (sim/homeserver's Homeserver has this shape). */
export interface QueryHost {
  readonly name: string;
  readonly trace: Trace;
  readonly users: ReadonlySet<UserId>;
  readonly appServices: AppServiceRegistry;
  readonly directory: { get(alias: string): RoomId | undefined };
}

export type QueryResult = "exists" | "absent" | "failed";

export const USERS_PATH = "/_matrix/app/v1/users/";
export const ROOMS_PATH = "/_matrix/app/v1/rooms/";

/** Whether the services should be asked about a user: ours, not registered, in a namespace of a service with a url. */
export function unknownServiceUser(hs: QueryHost, userId: UserId): boolean {
  return (
    serverOfUser(userId) === hs.name && !hs.users.has(userId) && hs.appServices.queryTargets("users", userId).length > 0
  );
}

/**
 * Whether a local user exists, asking the services whose user namespace covers it when
 * it is not registered yet. "failed" when a service that was asked never answered.
 */
export function* ensureUserKnown(hs: QueryHost, userId: UserId): Task<QueryResult> {
  if (hs.users.has(userId)) return "exists";
  let result: QueryResult = "absent";
  for (const entry of hs.appServices.queryTargets("users", userId)) {
    const answer = yield* query(hs, entry, "user", userId, `${USERS_PATH}${encodeURIComponent(userId)}`);
    // 200 counts only if the service really registered the user before answering.
    if (answer === "exists" && hs.users.has(userId)) return "exists";
    if (answer === "failed") result = "failed";
  }
  return result;
}

/** The room a local alias points to, asking the services whose alias namespace covers it when the directory has none. */
export function* ensureAliasKnown(hs: QueryHost, alias: string): Task<{ result: QueryResult; roomId?: RoomId }> {
  const known = hs.directory.get(alias);
  if (known) return { result: "exists", roomId: known };
  let result: QueryResult = "absent";
  for (const entry of hs.appServices.queryTargets("aliases", alias)) {
    const answer = yield* query(hs, entry, "alias", alias, `${ROOMS_PATH}${encodeURIComponent(alias)}`);
    const roomId = hs.directory.get(alias);
    if (answer === "exists" && roomId) return { result: "exists", roomId };
    if (answer === "failed") result = "failed";
  }
  return { result };
}

function* query(
  hs: QueryHost,
  entry: ServiceEntry,
  kind: "user" | "alias",
  subject: string,
  path: string,
): Task<QueryResult> {
  const attemptsMax = Math.max(1, entry.params.queryAttemptsMax);
  let result: QueryResult = "failed";
  let attempts = 0;
  while (attempts < attemptsMax) {
    attempts++;
    const outcome = yield* rpc(entry.node!, {
      method: "GET",
      path,
      headers: { Authorization: `Bearer ${entry.registration.hs_token}` },
    });
    if (!outcome.ok) continue; // no answer: ask again
    result = outcome.status === 200 ? "exists" : outcome.status === 404 ? "absent" : "failed";
    break;
  }
  hs.trace.add({ kind: "as.query", server: hs.name, service: entry.id, query: kind, subject, result, attempts });
  return result;
}
