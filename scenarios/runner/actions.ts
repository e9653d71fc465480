// Carrying out one timeline action against a world: client calls through the user's
// Client, faults through the simulation. Client calls settle later when federation is
// involved; `track` records labels and checks each outcome against the action's
// `expect` when it settles.

import type { EventId, RoomId } from "../../core/index.ts";
import { buildPartition, traceNumbers, type Client, type Result, type World } from "../../sim/index.ts";
import type { TimelineAction } from "./types.ts";

/** A client call's result, settled now or later (sim/client.ts Pending of any type). */
export interface Settling {
  then(fn: (r: Result<unknown>) => void): void;
}

export interface ActionContext {
  world: World;
  /** Room version for rooms whose createRoom does not name one. */
  roomVersion: string;
  rooms: Map<string, RoomId>;
  events: Map<string, EventId>;
  /** Servers crashed by the timeline (so a heal restarts them). */
  crashed: Set<string>;
  /** An action's outcome did not match its `expect`, or it could not run at all. */
  fail(action: TimelineAction, problem: string): void;
  /** Called when an action's client call is issued, with its pending result. */
  issued(action: TimelineAction, pending: Settling): void;
}

/** Run one action now. Problems are reported through ctx.fail, never thrown. */
export function runAction(ctx: ActionContext, a: TimelineAction): void {
  const { world } = ctx;
  switch (a.do) {
    case "partition":
      world.sim.applyPartition(buildPartition(a.partition, world.nodeNames(), world.sim.stream("partitions")));
      return;
    case "repair":
      if (a.partition)
        world.sim.repairPartition(buildPartition(a.partition, world.nodeNames(), world.sim.stream("partitions")));
      else world.sim.repair();
      return;
    // Servers and application services alike: both are nodes of the network.
    case "crash":
      if (!world.isNodeUp(a.server)) return;
      world.crash(a.server);
      ctx.crashed.add(a.server);
      return;
    case "restart":
      if (world.isNodeUp(a.server)) return;
      world.restart(a.server);
      ctx.crashed.delete(a.server);
      return;
    case "heal":
      heal(ctx);
      return;
    case "rotateKey":
      world.server(a.server).rotateKey();
      return;
    case "link":
      setLink(world, a);
      return;
    case "note":
      world.trace.add({ kind: "note", text: a.text });
      return;
    default:
      runUserAction(ctx, a);
  }
}

/** Repair every cut (delivering what was held) and restart every crashed server. */
export function heal(ctx: ActionContext): void {
  ctx.world.sim.repair();
  for (const name of ctx.world.nodeNames()) if (!ctx.world.isNodeUp(name)) ctx.world.restart(name);
  ctx.crashed.clear();
}

function setLink(world: World, a: Extract<TimelineAction, { do: "link" }>): void {
  const links = world.sim.network.links;
  if (a.from && a.to) {
    if (a.oneWay) links.setDirection(a.from, a.to, a.config);
    else links.setLink(a.from, a.to, a.config);
  } else links.setGlobal(a.config);
  world.trace.add({
    kind: "fault.link",
    from: a.from ?? "*",
    to: a.to ?? "*",
    config: traceNumbers(a.config as Record<string, number>),
  });
}

type UserAction = Exclude<
  TimelineAction,
  { do: "partition" | "repair" | "crash" | "restart" | "heal" | "link" | "note" | "rotateKey" }
>;

function runUserAction(ctx: ActionContext, a: UserAction): void {
  let client: Client;
  try {
    client = ctx.world.client(a.user);
  } catch {
    return ctx.fail(a, `no user ${a.user} (list it in "users")`);
  }
  // Traffic drawn by a swarm (room "*") goes quiet while its server is down.
  if (!client.hs.up)
    return "room" in a && a.room === "*" ? undefined : ctx.fail(a, `${a.user}'s server ${client.hs.name} is down`);
  if (a.do === "sync") return void client.sync();
  if (a.do === "presence") return ctx.issued(a, client.setPresence(a.presence, a.statusMsg));
  if (a.do === "createRoom") {
    const created = client.createRoom({
      roomVersion: a.roomVersion ?? ctx.roomVersion,
      ...(a.preset ? { preset: a.preset } : {}),
      ...(a.name ? { name: a.name } : {}),
      ...(a.topic ? { topic: a.topic } : {}),
      ...(a.powerLevels ? { powerLevelContentOverride: a.powerLevels } : {}),
    });
    // Without invites createRoom is local and settles at once; invites follow as calls of their own.
    ctx.issued(a, created);
    if (!created.result?.ok) return;
    ctx.rooms.set(a.room, created.result.value);
    for (const target of a.invite ?? [])
      ctx.issued({ ...a, label: undefined, expect: undefined }, client.invite(created.result.value, target));
    return;
  }
  // Traffic drawn by a swarm names the room "*": every room the user is joined to.
  if (a.room === "*") {
    for (const roomId of ctx.rooms.values()) {
      const room = client.hs.room(roomId);
      if (room && client.hs.membership(room, a.user) === "join")
        ctx.issued({ ...a, label: undefined }, callFor(ctx, client, a, roomId)!);
    }
    return;
  }
  const roomId = ctx.rooms.get(a.room);
  if (!roomId) return ctx.fail(a, `room ${a.room} was never created`);
  const pending = callFor(ctx, client, a, roomId);
  if (pending) ctx.issued(a, pending);
}

function callFor(
  ctx: ActionContext,
  client: Client,
  a: Exclude<UserAction, { do: "sync" | "createRoom" | "presence" }>,
  roomId: RoomId,
): Settling | undefined {
  switch (a.do) {
    case "join":
      return client.join(roomId, a.via ?? []);
    case "knock":
      return client.knock(roomId, a.via ?? [], a.reason);
    case "leave":
      return client.leave(roomId);
    case "invite":
      return client.invite(roomId, a.target);
    case "kick":
      return client.kick(roomId, a.target, a.reason);
    case "ban":
      return client.ban(roomId, a.target, a.reason);
    case "unban":
      return client.unban(roomId, a.target);
    case "message":
      return client.sendMessage(roomId, a.body);
    case "topic":
      return client.setTopic(roomId, a.topic);
    case "name":
      return client.setState(roomId, "m.room.name", "", { name: a.name });
    case "joinRules":
      return client.setState(roomId, "m.room.join_rules", "", { join_rule: a.rule });
    case "powerLevel":
      return client.setPowerLevel(roomId, a.target, a.level);
    case "setState":
      return client.setState(roomId, a.type, a.stateKey ?? "", a.content);
    case "messages":
      return client.messages(roomId, a.limit ?? 50);
    case "upgrade": {
      const upgraded = client.upgradeRoom(roomId, a.roomVersion);
      upgraded.then((r) => r.ok && ctx.rooms.set(a.newRoom, r.value));
      return upgraded;
    }
    case "redact":
    case "receipt": {
      const target = ctx.events.get(a.event);
      if (!target) {
        ctx.fail(a, `event ${a.event} was never created`);
        return undefined;
      }
      return a.do === "redact" ? client.redact(roomId, target, a.reason) : client.sendReceipt(roomId, target);
    }
    case "typing":
      return client.typing(roomId, a.typing, a.timeoutMs);
  }
}
