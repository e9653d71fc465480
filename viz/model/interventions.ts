// The actions a person's clicks become: the same timeline actions and PartitionSpec
// objects a scenario file uses (scenarios/runner/types.ts, sim/partitions.ts), stamped with the
// virtual time they were taken at. The worker records each one as an intervention.

import type { CutMode } from "../../sim/trace.ts";
import type { TimelineAction } from "../../scenarios/runner/types.ts";
import type { LinkVm } from "./network.ts";

/** Click on a link: heal it when either direction is cut, otherwise cut it both ways. */
export function linkClickAction(
  link: Pick<LinkVm, "a" | "b" | "cutAB" | "cutBA">,
  mode: CutMode,
  atMs: number,
): TimelineAction {
  const blocked = { [link.a]: [link.b], [link.b]: [link.a] };
  if (link.cutAB || link.cutBA) return { at: atMs, do: "repair", partition: { shape: "map", blocked } };
  return { at: atMs, do: "partition", partition: { shape: "map", blocked, mode } };
}

/** A line dragged across the network: split the servers on its two sides (null when one side is empty). */
export function splitAction(sides: [string[], string[]], mode: CutMode, atMs: number): TimelineAction | null {
  if (sides[0].length === 0 || sides[1].length === 0) return null;
  return { at: atMs, do: "partition", partition: { shape: "split", sides: [[...sides[0]], [...sides[1]]], mode } };
}

/** The power button on a server: crash it when up, restart it when down. */
export function powerAction(server: string, up: boolean, atMs: number): TimelineAction {
  return { at: atMs, do: up ? "crash" : "restart", server };
}

export type ComposerVerb = "message" | "topic" | "invite" | "join" | "leave" | "kick" | "ban" | "unban" | "powerLevel";

export interface ComposerInput {
  verb: ComposerVerb;
  user: string;
  room: string;
  /** The message body or the topic. */
  text?: string;
  target?: string;
  level?: number;
  /** Servers to join through. */
  via?: string[];
}

/** What the composer sends; a string naming the missing field when the input is incomplete. */
export function composerAction(input: ComposerInput, atMs: number): TimelineAction | string {
  const base = { at: atMs, user: input.user, room: input.room };
  const target = input.target?.trim();
  switch (input.verb) {
    case "message":
      return input.text ? { ...base, do: "message", body: input.text } : "a message needs some text";
    case "topic":
      return input.text !== undefined ? { ...base, do: "topic", topic: input.text } : "a topic needs some text";
    case "join":
      return { ...base, do: "join", ...(input.via && input.via.length ? { via: input.via } : {}) };
    case "leave":
      return { ...base, do: "leave" };
    case "invite":
    case "kick":
    case "ban":
    case "unban":
      return target ? { ...base, do: input.verb, target } : `${input.verb} needs a target user`;
    case "powerLevel":
      if (!target) return "a power level needs a target user";
      if (input.level === undefined || !Number.isInteger(input.level)) return "a power level needs a whole number";
      return { ...base, do: "powerLevel", target, level: input.level };
  }
}
