// Short words for events, for table cells and labels: what a reader wants to compare
// between servers (the topic's text, a membership, who has which power level), not the
// event's JSON. The full content is one hover away.

import type { JsonObject } from "../../core/index.ts";
import type { PduSummary } from "../../sim/trace.ts";

const localpart = (user: string) => user.replace(/^@/, "").split(":")[0] ?? user;

function str(content: JsonObject, key: string): string | undefined {
  const v = content[key];
  return typeof v === "string" ? v : undefined;
}

function clip(text: string, max = 40): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** "topic: hello", "join", "ban (spam)", "alice 100 · bob 50", the message body… */
export function describeContent(e: Pick<PduSummary, "type" | "content" | "stateKey">): string {
  const c = e.content;
  switch (e.type) {
    case "m.room.create":
      return `version ${str(c, "room_version") ?? "1"}`;
    case "m.room.member": {
      const reason = str(c, "reason");
      return `${str(c, "membership") ?? "?"}${reason ? ` (${clip(reason, 20)})` : ""}`;
    }
    case "m.room.power_levels": {
      const users = (c.users ?? {}) as Record<string, unknown>;
      const parts = Object.keys(users)
        .sort()
        .map((u) => `${localpart(u)} ${String(users[u])}`);
      return parts.length ? parts.join(" · ") : "defaults";
    }
    case "m.room.join_rules":
      return str(c, "join_rule") ?? "?";
    case "m.room.history_visibility":
      return str(c, "history_visibility") ?? "?";
    case "m.room.guest_access":
      return str(c, "guest_access") ?? "?";
    case "m.room.topic":
      return `“${clip(str(c, "topic") ?? "")}”`;
    case "m.room.name":
      return `“${clip(str(c, "name") ?? "")}”`;
    case "m.room.message":
      return clip(str(c, "body") ?? "");
    case "m.room.redaction":
      return "redaction";
    default:
      return clip(JSON.stringify(c), 48);
  }
}

/** "m.room.topic", "m.room.member @bob:hs2": the state key only where it says something. */
export function describeKey(type: string, stateKey: string): string {
  return stateKey === "" ? type : `${type} ${stateKey}`;
}

/** Order of rows in the state table: the room's skeleton first, then members, then the rest. */
export function stateKeyRank(type: string): number {
  const order = [
    "m.room.create",
    "m.room.power_levels",
    "m.room.join_rules",
    "m.room.history_visibility",
    "m.room.guest_access",
    "m.room.name",
    "m.room.topic",
    "m.room.member",
  ];
  const i = order.indexOf(type);
  return i < 0 ? order.length : i;
}
