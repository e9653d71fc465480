// GET /rooms/{roomId}/messages (spec: client-server-api "Getting events for a room"):
// pages of the room's history in topological order, with tokens that name a place in
// that order. A token `t<depth>_<stream>` stands between events: dir=b returns the
// events before it, newest first, and dir=f those from it on. A sync token (a
// timeline's end) stands after everything. When a backwards page runs short and this
// server does not hold the room's beginning (it joined late), it backfills first.

import { isJsonObject, type JsonObject } from "../../core/index.ts";
import { clientServerApi, clientViews, type ClientEventView } from "../../sim/index.ts";
import { intParam, whenReplied } from "../results.ts";
import type { RouteContext } from "../route-table.ts";
import { HttpError, jsonResponse, type HttpResponse } from "../types.ts";
import { roomOfMember } from "./room-reads.ts";

/** A place in topological order: (depth, stream), between events. */
type Position = readonly [number, number];

const START: Position = [-Infinity, -Infinity];
const END: Position = [Infinity, Infinity];
export const MESSAGES_LIMIT_MAX = 1000;

export function topologicalToken(view: ClientEventView, after = false): string {
  return `t${view.depth}_${view.stream + (after ? 1 : 0)}`;
}

function parseToken(token: string | null, fallback: Position): Position {
  if (token === null || token === "") return fallback;
  if (token.startsWith("s")) return END;
  const m = /^t(\d+)_(\d+)$/.exec(token);
  if (!m) throw new HttpError(400, "M_INVALID_PARAM", `${JSON.stringify(token)} is not a pagination token`);
  return [Number(m[1]), Number(m[2])];
}

function before(view: ClientEventView, p: Position): boolean {
  return view.depth < p[0] || (view.depth === p[0] && view.stream < p[1]);
}

/** The RoomEventFilter of the `filter` parameter (inline JSON). */
function roomEventFilter(ctx: RouteContext): JsonObject {
  const text = ctx.query.get("filter");
  if (text === null || text === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new HttpError(400, "M_NOT_JSON", "filter is not JSON");
  }
  if (!isJsonObject(parsed)) throw new HttpError(400, "M_BAD_JSON", "filter must be a JSON object");
  return parsed;
}

export function matchesFilter(event: JsonObject, filter: JsonObject): boolean {
  const list = (name: string) => (Array.isArray(filter[name]) ? (filter[name] as unknown[]) : undefined);
  const type = String(event.type);
  const sender = String(event.sender);
  const typeMatches = (patterns: unknown[]) =>
    patterns.some((p) => typeof p === "string" && (p === type || (p.endsWith("*") && type.startsWith(p.slice(0, -1)))));
  if (list("types") && !typeMatches(list("types")!)) return false;
  if (list("not_types") && typeMatches(list("not_types")!)) return false;
  if (list("senders") && !list("senders")!.includes(sender)) return false;
  if (list("not_senders")?.includes(sender)) return false;
  return true;
}

function page(
  ctx: RouteContext,
  roomId: string,
  dir: "b" | "f",
  from: Position,
  to: Position | undefined,
  limit: number,
  filter: JsonObject,
) {
  const all = clientViews.historyInTopologicalOrder(ctx.hs, roomId);
  const inRange =
    dir === "b"
      ? all.filter((v) => before(v, from) && (to === undefined || !before(v, to))).reverse()
      : all.filter((v) => !before(v, from) && (to === undefined || before(v, to)));
  const chunk = inRange.filter((v) => matchesFilter(v.event, filter)).slice(0, limit);
  return { chunk, more: inRange.length > 0 && chunk.length < inRange.length, total: all.length };
}

export async function messages(ctx: RouteContext): Promise<HttpResponse> {
  const roomId = roomOfMember(ctx, ctx.params.roomId!);
  const dir = ctx.query.get("dir") ?? "b";
  if (dir !== "b" && dir !== "f") throw new HttpError(400, "M_INVALID_PARAM", "dir is b or f");
  const filter = roomEventFilter(ctx);
  const limit = intParam(
    ctx.query,
    "limit",
    typeof filter.limit === "number" ? filter.limit : 10,
    1,
    MESSAGES_LIMIT_MAX,
  );
  const fromText = ctx.query.get("from");
  const from = parseToken(fromText, dir === "b" ? END : START);
  const toText = ctx.query.get("to");
  const to = toText === null ? undefined : parseToken(toText, dir === "b" ? START : END);
  let result = page(ctx, roomId, dir, from, to, limit, filter);
  if (dir === "b" && result.chunk.length < limit && !clientViews.historyReachesCreate(ctx.hs, roomId)) {
    // Joined late: ask another server for older events, then page again.
    const { hs, session } = ctx;
    await whenReplied((reply) => clientServerApi.messages(hs, session, roomId, result.total + limit, reply)).catch(
      () => undefined,
    );
    result = page(ctx, roomId, dir, from, to, limit, filter);
  }
  const { chunk } = result;
  const last = chunk[chunk.length - 1];
  const atBeginning = dir === "b" && !result.more && clientViews.historyReachesCreate(ctx.hs, roomId);
  const end = last && !atBeginning ? topologicalToken(last, dir === "f") : undefined;
  const body: JsonObject = {
    chunk: chunk.map((v) => v.event),
    start: fromText ?? (dir === "b" ? `t${Number.MAX_SAFE_INTEGER}_0` : "t0_0"),
    ...(end !== undefined ? { end } : {}),
  };
  if (filter.lazy_load_members === true) {
    const senders = [...new Set(chunk.map((v) => String(v.event.sender)))].sort();
    body.state = senders
      .map((s) => clientViews.currentStateEvent(ctx.hs, roomId, "m.room.member", s))
      .filter((e): e is JsonObject => e !== undefined);
  }
  return jsonResponse(200, body);
}
