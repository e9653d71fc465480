// Every change an HTTP client makes is a `client.action` record in the trace, as the
// simulated Client's calls are, so that the web view and a reader of the trace see a real
// client's message cross the network like any other.

import type { Result } from "../../sim/index.ts";
import { whenReplied } from "../results.ts";
import type { RouteContext } from "../route-table.ts";
import { HttpError } from "../types.ts";

/** Run `act`, record its outcome (value or Matrix error) and pass it on. */
export function traced<T extends string>(ctx: RouteContext, action: string, room: string | undefined, act: () => T): T {
  try {
    const result = act();
    record(ctx, action, room, { ok: true, result });
    return result;
  } catch (e) {
    if (e instanceof HttpError) record(ctx, action, room, { ok: false, error: `${e.errcode}: ${e.message}` });
    throw e;
  }
}

/**
 * The same for an answer that comes later in virtual time. The record is added inside
 * the reply, synchronously, never after an await: a Promise's continuation runs after the
 * driver's steps of that tick, and the record would land at a place a replay cannot know.
 */
export function tracedLater<T extends string>(
  ctx: RouteContext,
  action: string,
  room: string | undefined,
  start: (reply: (r: Result<T>) => void) => void,
): Promise<T> {
  return whenReplied<T>((reply) =>
    start((r) => {
      record(
        ctx,
        action,
        room,
        r.ok ? { ok: true, result: r.value } : { ok: false, error: `${r.error.errcode}: ${r.error.error}` },
      );
      reply(r);
    }),
  );
}

function record(
  ctx: RouteContext,
  action: string,
  room: string | undefined,
  outcome: { ok: boolean; result?: string; error?: string },
): void {
  ctx.world.trace.add({
    kind: "client.action",
    server: ctx.hs.name,
    user: ctx.session.userId,
    action: `http ${action}`,
    ...(room !== undefined ? { room } : {}),
    ...outcome,
  });
}
