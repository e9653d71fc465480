// The checks a scenario lists, evaluated at the end of a run. Each one observes the
// world and returns its problems (empty when it holds); none changes anything.

import { stateKey, type EventId, type JsonObject } from "../../core/index.ts";
import { localHistory, type SyncRoom } from "../../sim/index.ts";
import { serversFor, type CheckContext } from "./check-context.ts";
import type { Check, Scenario } from "./types.ts";

export interface CheckResult {
  name: string;
  ok: boolean;
  /** What is wrong, one line each (empty when ok). */
  problems: string[];
}

export function result(name: string, problems: string[]): CheckResult {
  return { name, ok: problems.length === 0, problems };
}

/** The checks that failed, one line each: "name: problem; problem" (what a test or a log wants to see). */
export function failedChecks(checks: readonly CheckResult[]): string[] {
  return checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.problems.join("; ")}`);
}

/** A readable name for a data check, used in summaries and JSON output. */
export function checkName(c: Check): string {
  switch (c.check) {
    case "state":
      return `state ${c.type}${c.stateKey ? ` [${c.stateKey}]` : ""} in ${c.room} is ${c.event === null ? "absent" : (c.event ?? JSON.stringify(c.content))}`;
    case "membership":
      return `${c.user} in ${c.room} is ${c.is ?? "not a member"}`;
    case "timeline":
      return `${c.user}'s timeline of ${c.room}${c.includes ? ` includes ${c.includes.length}` : ""}${c.excludes ? ` excludes ${c.excludes.length}` : ""}${c.order ? " in order" : ""}`;
    case "history":
      return `${c.user}'s history of ${c.room}${c.includes ? ` includes ${c.includes.length}` : ""}${c.excludes ? ` excludes ${c.excludes.length}` : ""}`;
    case "event":
      return `event ${c.event} is ${c.status}${c.servers ? ` on ${c.servers.join(", ")}` : ""}`;
    case "converged":
      return `converged${c.room ? ` (${c.room})` : ""}`;
    case "trace":
      return `trace has ${c.atLeast !== undefined ? `≥${c.atLeast} ` : ""}${c.atMost !== undefined ? `≤${c.atMost} ` : ""}${c.kind}${c.where ? ` ${JSON.stringify(c.where)}` : ""}${c.server ? ` on ${c.server}` : ""}`;
  }
}

export function evaluateCheck(ctx: CheckContext, c: Check): CheckResult {
  return result(checkName(c), problemsOf(ctx, c));
}

function problemsOf(ctx: CheckContext, c: Check): string[] {
  switch (c.check) {
    case "state":
      return checkState(ctx, c);
    case "membership":
      return checkMembership(ctx, c);
    case "timeline":
      return checkTimeline(ctx, c);
    case "history":
      return checkHistory(ctx, c);
    case "event":
      return checkEvent(ctx, c);
    case "converged":
      return checkConverged(ctx, c.room);
    case "trace":
      return checkTrace(ctx, c);
  }
}

function roomOf(ctx: CheckContext, label: string) {
  return ctx.rooms.get(label);
}

function checkState(ctx: CheckContext, c: Extract<Check, { check: "state" }>): string[] {
  const roomId = roomOf(ctx, c.room);
  if (!roomId) return [`room ${c.room} was never created`];
  const expectedId = typeof c.event === "string" ? ctx.events.get(c.event) : c.event;
  if (typeof c.event === "string" && !expectedId) return [`event ${c.event} was never created`];
  const problems: string[] = [];
  for (const s of serversFor(ctx, roomId, c.servers)) {
    const room = ctx.world.server(s).room(roomId);
    const id = room?.currentState.get(stateKey(c.type, c.stateKey ?? ""));
    if (c.event !== undefined && (id ?? null) !== expectedId) {
      problems.push(`${s}: ${c.type} is ${id ? labelOf(ctx, id) : "absent"}, expected ${c.event ?? "absent"}`);
    }
    if (c.content !== undefined) {
      const content = id ? (room!.get(id)!.pdu.content as JsonObject) : undefined;
      for (const [k, v] of Object.entries(c.content)) {
        if (JSON.stringify(content?.[k]) !== JSON.stringify(v))
          problems.push(`${s}: ${c.type}.${k} is ${JSON.stringify(content?.[k])}, expected ${JSON.stringify(v)}`);
      }
    }
  }
  return problems;
}

function checkMembership(ctx: CheckContext, c: Extract<Check, { check: "membership" }>): string[] {
  const roomId = roomOf(ctx, c.room);
  if (!roomId) return [`room ${c.room} was never created`];
  const problems: string[] = [];
  for (const s of serversFor(ctx, roomId, c.servers)) {
    const hs = ctx.world.server(s);
    const room = hs.room(roomId);
    const m = room ? (hs.membership(room, c.user) ?? null) : null;
    if (m !== c.is) problems.push(`${s}: ${c.user} is ${m ?? "not a member"}, expected ${c.is ?? "not a member"}`);
  }
  return problems;
}

function checkTimeline(ctx: CheckContext, c: Extract<Check, { check: "timeline" }>): string[] {
  const roomId = roomOf(ctx, c.room);
  if (!roomId) return [`room ${c.room} was never created`];
  const sync = ctx.world.client(c.user).sync(0, { quiet: true });
  const timeline = sync.join[roomId]?.timeline;
  if (!timeline) return [`${c.user} is not joined to ${c.room}`];
  const problems = bodyProblems(c.user, messageBodies(timeline), c);
  if (c.order) {
    const bodies = messageBodies(timeline);
    const seen = bodies.filter((b) => c.order!.includes(b));
    if (JSON.stringify(seen) !== JSON.stringify(c.order))
      problems.push(`${c.user} sees ${JSON.stringify(seen)}, expected the order ${JSON.stringify(c.order)}`);
  }
  return problems;
}

function checkHistory(ctx: CheckContext, c: Extract<Check, { check: "history" }>): string[] {
  const roomId = roomOf(ctx, c.room);
  if (!roomId) return [`room ${c.room} was never created`];
  const client = ctx.world.client(c.user);
  const room = client.hs.room(roomId);
  if (!room) return [`${client.hs.name} does not hold ${c.room}`];
  return bodyProblems(c.user, messageBodies(localHistory(room, c.limit ?? 50)), c);
}

function messageBodies(timeline: SyncRoom["timeline"]): string[] {
  return timeline.filter((e) => e.type === "m.room.message").map((e) => String(e.content.body ?? ""));
}

/** `includes`: each body is seen exactly; `excludes`: no seen body contains it. */
function bodyProblems(user: string, bodies: string[], c: { includes?: string[]; excludes?: string[] }): string[] {
  const problems: string[] = [];
  for (const b of c.includes ?? []) if (!bodies.includes(b)) problems.push(`${user} does not see "${b}"`);
  for (const b of c.excludes ?? []) if (bodies.some((x) => x.includes(b))) problems.push(`${user} sees "${b}"`);
  return problems;
}

function checkEvent(ctx: CheckContext, c: Extract<Check, { check: "event" }>): string[] {
  const id = ctx.events.get(c.event);
  if (!id) return c.status === "absent" ? [] : [`event ${c.event} was never created`];
  const problems: string[] = [];
  const servers =
    c.servers ?? ctx.honestServers.filter((s) => [...ctx.rooms.values()].some((r) => ctx.world.server(s).room(r)));
  for (const s of servers) {
    const status = eventStatus(ctx, s, id);
    if (status !== c.status) problems.push(`${s}: ${c.event} is ${status}, expected ${c.status}`);
  }
  return problems;
}

/**
 * Whether a run of the scenario may read its trace's records, and so must keep them all
 * (retention full): `trace` checks count records, an `event` check looks for a drop
 * record when a server lacks the event, and a module scenario's own code (custom checks,
 * setup) may read anything. The other checks ask the servers.
 */
export function readsTraceRecords(scenario: Scenario): boolean {
  if ((scenario.customChecks?.length ?? 0) > 0 || scenario.setup !== undefined) return true;
  return (scenario.checks ?? []).some((c) => c.check === "trace" || c.check === "event");
}

/** How a server holds an event: its status, "redacted", "dropped" (seen and refused) or "absent". */
export function eventStatus(ctx: CheckContext, server: string, id: EventId): string {
  const hs = ctx.world.server(server);
  for (const roomId of ctx.rooms.values()) {
    const e = hs.room(roomId)?.get(id);
    if (e) return e.redactedBy || e.clientPdu ? "redacted" : e.status;
  }
  const dropped = ctx.world.trace.all().some((r) => r.kind === "pdu.dropped" && r.server === server && r.event === id);
  return dropped ? "dropped" : "absent";
}

export function checkConverged(ctx: CheckContext, roomLabel?: string): string[] {
  const problems: string[] = [];
  for (const [label, roomId] of ctx.rooms) {
    if (roomLabel && label !== roomLabel) continue;
    const divergent = ctx.world.divergentServers(roomId, ctx.honestServers);
    if (divergent.length > 0) problems.push(`${label}: ${divergent.join(", ")} disagree with the others`);
  }
  return problems;
}

function checkTrace(ctx: CheckContext, c: Extract<Check, { check: "trace" }>): string[] {
  let n = 0;
  const matches = (r: Record<string, unknown>) => Object.entries(c.where ?? {}).every(([k, v]) => r[k] === v);
  for (const r of ctx.world.trace.all())
    if (
      r.kind === c.kind &&
      (!c.server || ("server" in r && r.server === c.server)) &&
      matches(r as unknown as Record<string, unknown>)
    )
      n++;
  const problems: string[] = [];
  if (c.atLeast !== undefined && n < c.atLeast) problems.push(`${n} ${c.kind} records, expected at least ${c.atLeast}`);
  if (c.atMost !== undefined && n > c.atMost) problems.push(`${n} ${c.kind} records, expected at most ${c.atMost}`);
  return problems;
}

/** An event's label when it has one, else its id. */
export function labelOf(ctx: CheckContext, id: EventId): string {
  for (const [label, e] of ctx.events) if (e === id) return label;
  return id;
}
