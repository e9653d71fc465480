// The control API, /_netsplit/… (docs/http.md): what an educator or a test does to the
// served world while real clients use it — partition, heal, crash, restart, hold,
// release — and what it asks: the virtual time, the trace hash, the trace itself, the
// servers. Faults are requests like any other: recorded, and replayed in their place.

import type { JsonObject, JsonValue } from "../../core/index.ts";
import { traceToJsonLines, type CutMode } from "../../sim/index.ts";
import type { Route, RouteContext } from "../route-table.ts";
import { CORS_HEADERS, HttpError, jsonResponse, type HttpResponse } from "../types.ts";

const ok = (body: unknown = {}): HttpResponse => jsonResponse(200, body);
const MODES: readonly CutMode[] = ["drop", "hold"];

function names(ctx: RouteContext, value: JsonValue | undefined, field: string): string[] {
  const known = ctx.world.nodeNames();
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === "string" && known.includes(v)))
    throw new HttpError(400, "M_BAD_JSON", `${field} must be a list of server names (${known.join(", ")})`);
  return value as string[];
}

/** `{"groups": [["hs1"], ["hs2", "hs3"]]}`: the two sides of a cut (a side left out is everyone else). */
function sides(ctx: RouteContext, body: JsonObject): [string[], string[]] {
  const groups = body.groups;
  if (!Array.isArray(groups) || groups.length < 1 || groups.length > 2)
    throw new HttpError(400, "M_BAD_JSON", 'give "groups": [[…], […]] (one group: cut it off from everyone else)');
  const a = names(ctx, groups[0], "groups[0]");
  const b =
    groups.length === 2 ? names(ctx, groups[1], "groups[1]") : ctx.world.nodeNames().filter((n) => !a.includes(n));
  return [a, b];
}

function server(ctx: RouteContext): string {
  const name = ctx.body.server;
  if (typeof name !== "string" || !ctx.world.nodeNames().includes(name))
    throw new HttpError(400, "M_BAD_JSON", `"server" must name one of ${ctx.world.nodeNames().join(", ")}`);
  return name;
}

function status(ctx: RouteContext): JsonObject {
  const { world } = ctx;
  return {
    nowMs: world.sim.nowMs,
    steps: world.sim.steps,
    traceHash: world.trace.hash() ?? null,
    traceRecords: world.trace.length,
    servers: world.nodeNames().map((n) => ({ name: n, up: world.isNodeUp(n) })),
    cuts: world.sim.network.cuts.list().map(({ from, to, mode }) => ({ from, to, mode })),
  };
}

export const CONTROL_ROUTES: readonly Route[] = [
  { method: "GET", path: "/status", auth: false, handle: (ctx) => ok(status(ctx)) },
  {
    method: "GET",
    path: "/time",
    auth: false,
    handle: (ctx) => ok({ nowMs: ctx.world.sim.nowMs, steps: ctx.world.sim.steps }),
  },
  {
    method: "GET",
    path: "/trace-hash",
    auth: false,
    handle: (ctx) => ok({ traceHash: ctx.world.trace.hash() ?? null, traceRecords: ctx.world.trace.length }),
  },
  {
    method: "GET",
    path: "/trace",
    auth: false,
    handle: (ctx) => ({
      status: 200,
      headers: { "Content-Type": "application/x-ndjson", ...CORS_HEADERS },
      body: traceToJsonLines(ctx.world.trace.all()),
    }),
  },
  {
    method: "POST",
    path: "/partition",
    auth: false,
    handle: (ctx) => {
      const [a, b] = sides(ctx, ctx.body);
      const mode = ctx.body.mode ?? "drop";
      if (!MODES.includes(mode as CutMode)) throw new HttpError(400, "M_BAD_JSON", `mode is ${MODES.join(" or ")}`);
      ctx.world.sim.partition(a, b, mode as CutMode);
      return ok(status(ctx));
    },
  },
  {
    method: "POST",
    path: "/hold",
    auth: false,
    handle: (ctx) => {
      const [a, b] = sides(ctx, ctx.body);
      ctx.world.sim.hold(a, b);
      return ok(status(ctx));
    },
  },
  {
    method: "POST",
    path: "/release",
    auth: false,
    handle: (ctx) => {
      if (ctx.body.groups === undefined) ctx.world.sim.release();
      else ctx.world.sim.release(...sides(ctx, ctx.body));
      return ok(status(ctx));
    },
  },
  {
    method: "POST",
    path: "/heal",
    auth: false,
    handle: (ctx) => {
      // Every cut repaired (held messages delivered), every crashed server restarted.
      ctx.world.sim.repair();
      for (const n of ctx.world.nodeNames()) if (!ctx.world.isNodeUp(n)) ctx.world.restart(n);
      return ok(status(ctx));
    },
  },
  {
    method: "POST",
    path: "/crash",
    auth: false,
    handle: (ctx) => {
      ctx.world.crash(server(ctx));
      return ok(status(ctx));
    },
  },
  {
    method: "POST",
    path: "/restart",
    auth: false,
    handle: (ctx) => {
      ctx.world.restart(server(ctx));
      return ok(status(ctx));
    },
  },
];
