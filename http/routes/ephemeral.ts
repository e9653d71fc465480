// Typing notifications, read receipts and read markers, presence (spec: client-server-api
// "Typing Notifications", "Receipts", "Fully read markers", "Presence"): thin calls on
// sim/homeserver/ephemeral.ts, which sends them to the room's other servers as EDUs.
// Each change is a `client.action` record in the trace, as every HTTP change is.

import { ephemeral } from "../../sim/index.ts";
import { stringField, valueOf } from "../results.ts";
import type { Route, RouteContext } from "../route-table.ts";
import { HttpError, jsonResponse, type HttpResponse } from "../types.ts";
import { traced } from "./trace-action.ts";

const ok = (): HttpResponse => jsonResponse(200, {});

/** The receipt types a client may send; only m.read is kept and federated (the others are accepted and dropped). */
const CLIENT_RECEIPT_TYPES = ["m.read", "m.read.private", "m.fully_read"];

function ownUser(ctx: RouteContext, what: string): void {
  if (ctx.params.userId !== ctx.session.userId)
    throw new HttpError(403, "M_FORBIDDEN", `cannot set another user's ${what}`);
}

/** PUT /rooms/{roomId}/typing/{userId}: {typing, timeout}. */
function typing(ctx: RouteContext): HttpResponse {
  ownUser(ctx, "typing state");
  const { typing: on, timeout } = ctx.body;
  if (typeof on !== "boolean") throw new HttpError(400, "M_BAD_JSON", "typing must be a boolean");
  if (timeout !== undefined && typeof timeout !== "number")
    throw new HttpError(400, "M_BAD_JSON", "timeout must be a number");
  const roomId = ctx.params.roomId!;
  traced(ctx, "typing", roomId, () => {
    valueOf(ephemeral.setTyping(ctx.hs, ctx.session.userId, roomId, on, timeout));
    return on ? "typing" : "stopped";
  });
  return ok();
}

function receipt(ctx: RouteContext, roomId: string, receiptType: string, eventId: string): void {
  if (!CLIENT_RECEIPT_TYPES.includes(receiptType))
    throw new HttpError(400, "M_INVALID_PARAM", `unknown receipt type ${receiptType}`);
  if (receiptType !== "m.read") return;
  traced(ctx, "receipt", roomId, () => {
    valueOf(ephemeral.sendReceipt(ctx.hs, ctx.session.userId, roomId, receiptType, eventId));
    return eventId;
  });
}

/** PUT /presence/{userId}/status: {presence, status_msg}. */
function putPresence(ctx: RouteContext): HttpResponse {
  ownUser(ctx, "presence");
  const presence = stringField(ctx.body, "presence", true);
  const statusMsg = stringField(ctx.body, "status_msg");
  traced(ctx, "presence", undefined, () => {
    valueOf(ephemeral.setPresence(ctx.hs, ctx.session.userId, presence, statusMsg));
    return presence;
  });
  return ok();
}

export const EPHEMERAL_ROUTES: readonly Route[] = [
  { method: "PUT", path: "/rooms/{roomId}/typing/{userId}", auth: true, handle: typing },
  {
    method: "POST",
    path: "/rooms/{roomId}/receipt/{type}/{eventId}",
    auth: true,
    handle: (ctx) => {
      receipt(ctx, ctx.params.roomId!, ctx.params.type!, ctx.params.eventId!);
      return ok();
    },
  },
  {
    // {"m.fully_read": …, "m.read": …, "m.read.private": …}: the m.read one is a receipt.
    method: "POST",
    path: "/rooms/{roomId}/read_markers",
    auth: true,
    handle: (ctx) => {
      const read = stringField(ctx.body, "m.read");
      stringField(ctx.body, "m.fully_read");
      stringField(ctx.body, "m.read.private");
      if (read !== undefined) receipt(ctx, ctx.params.roomId!, "m.read", read);
      return ok();
    },
  },
  { method: "PUT", path: "/presence/{userId}/status", auth: true, handle: putPresence },
  {
    method: "GET",
    path: "/presence/{userId}/status",
    auth: true,
    handle: (ctx) => jsonResponse(200, ephemeral.presenceOf(ctx.hs, ctx.params.userId!)),
  },
];
