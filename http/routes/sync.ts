// GET /sync: since (an opaque token from an earlier answer), timeout (long-poll, in
// milliseconds of virtual time), filter (an id from POST /user/{u}/filter or inline
// JSON: the timeline `limit`, `lazy_load_members`, `include_leave`), full_state and
// use_state_after (also as MSC4222's org.matrix.msc4222.use_state_after). HTTP syncs
// leave no trace record: a long-poll is answered when wall-clock time lets it, and the
// trace must not depend on that.

import { isJsonObject, type JsonObject } from "../../core/index.ts";
import { intParam } from "../results.ts";
import type { Route, RouteContext } from "../route-table.ts";
import { SYNC_TIMELINE_LIMIT_DEFAULT, SYNC_TIMELINE_LIMIT_MAX, type SyncOptions } from "../sync-builder.ts";
import { HttpError, type HttpResponse } from "../types.ts";

/** The longest a long-poll waits, whatever the client asks (virtual ms). */
export const SYNC_TIMEOUT_MS_MAX = 5 * 60_000;

function filterOf(ctx: RouteContext): JsonObject {
  const text = ctx.query.get("filter");
  if (text === null || text === "") return {};
  if (text.trimStart().startsWith("{")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new HttpError(400, "M_NOT_JSON", "the inline filter is not JSON");
    }
    if (!isJsonObject(parsed)) throw new HttpError(400, "M_BAD_JSON", "the filter must be a JSON object");
    return parsed;
  }
  const stored = ctx.state.filter(ctx.session.userId, text);
  if (!stored)
    throw new HttpError(400, "M_INVALID_PARAM", `no filter ${JSON.stringify(text)} for ${ctx.session.userId}`);
  return stored;
}

const flag = (value: string | null) => value === "true" || value === "1";

function sync(ctx: RouteContext): HttpResponse | Promise<HttpResponse> {
  const filter = filterOf(ctx);
  const room = isJsonObject(filter.room) ? filter.room : {};
  const timeline = isJsonObject(room.timeline) ? room.timeline : {};
  const state = isJsonObject(room.state) ? room.state : {};
  const limit = typeof timeline.limit === "number" ? timeline.limit : SYNC_TIMELINE_LIMIT_DEFAULT;
  const msc4222 = flag(ctx.query.get("org.matrix.msc4222.use_state_after"));
  const options: SyncOptions = {
    timelineLimit: Math.max(1, Math.min(SYNC_TIMELINE_LIMIT_MAX, Math.floor(limit))),
    lazyLoadMembers: state.lazy_load_members === true || timeline.lazy_load_members === true,
    fullState: flag(ctx.query.get("full_state")),
    useStateAfter: msc4222 || flag(ctx.query.get("use_state_after")),
    stateAfterField: msc4222 ? "org.matrix.msc4222.state_after" : "state_after",
    includeLeave: room.include_leave === true,
  };
  const sinceText = ctx.query.get("since");
  const since = sinceText === null ? undefined : ctx.state.knownFor(ctx.accessToken, sinceText);
  const timeoutMs = intParam(ctx.query, "timeout", 0, 0, SYNC_TIMEOUT_MS_MAX);
  return ctx.syncs.sync(
    { server: ctx.hs.name, accessToken: ctx.accessToken, userId: ctx.session.userId, since, options },
    timeoutMs,
    ctx.replaying,
  );
}

export const SYNC_ROUTES: readonly Route[] = [{ method: "GET", path: "/sync", auth: true, handle: sync }];
