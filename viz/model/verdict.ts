// The one-sentence verdicts put on top of the resolver's explanation: for each key the
// state sets disagreed on, which event won and why, in words a class can follow
// ("m.room.topic → “minority” (alice on hs1) wins over “majority” (bob on hs2): same
// mainline position, sent 300 ms later"). Derived only from the explanation the resolver
// returned (its orderings and auth checks), so it can never say something the algorithm
// did not do. Spec: rooms/fragments/v2-state-res.md — power events are applied in
// reverse topological power ordering, the other events in mainline ordering, and a later
// event that passes the auth checks replaces an earlier one.

import type { ResolutionExplanation } from "../../core/index.ts";
import { describeKey } from "./describe.ts";

export interface VerdictEvent {
  sender: string;
  /** Short words for the content: "“minority”", "join", "alice 100 · bob 50". */
  label: string;
}

export interface Verdict {
  /** "m.room.topic", "m.room.member @bob:hs2"; "" for a verdict about the whole resolution. */
  key: string;
  sentence: string;
}

type Lookup = (eventId: string) => VerdictEvent | undefined;
type PowerEntry = ResolutionExplanation["sortedPowerEvents"][number];
type MainlineEntry = ResolutionExplanation["sortedRemainingEvents"][number];

export function verdictsOf(x: ResolutionExplanation, lookup: Lookup): Verdict[] {
  if (x.stateSetCount < 2)
    return [{ key: "", sentence: "Nothing to resolve: one state set, so the state is the state after that event." }];
  if (x.conflicted.length === 0)
    return [{ key: "", sentence: "No conflict: every state set holds the same event for every key." }];
  return x.conflicted.map((c) => ({
    key: describeKey(c.type, c.stateKey),
    sentence: keyVerdict(x, c.type, c.stateKey, c.eventIds, lookup),
  }));
}

function keyVerdict(
  x: ResolutionExplanation,
  type: string,
  stateKey: string,
  candidates: readonly string[],
  lookup: Lookup,
): string {
  const name = (id: string) => {
    const e = lookup(id);
    return e ? `${e.label} (${who(e.sender)})` : id;
  };
  const winner = x.resolvedState[type]?.[stateKey];
  const rejected = new Map<string, string>();
  for (const c of x.authChecks)
    if (c.outcome === "rejected" && candidates.includes(c.eventId)) rejected.set(c.eventId, c.reason);
  const failures = [...rejected].map(([id, reason]) => `${name(id)} fails the auth checks (${reason})`);
  const key = describeKey(type, stateKey);
  if (winner === undefined || !candidates.includes(winner))
    return winner === undefined
      ? `${key}: no event kept — ${failures.join("; ") || "none of the candidates passed the auth checks"}.`
      : `${key} → ${name(winner)}, an event from outside the conflicted set.`;
  const rivals = candidates.filter((id) => id !== winner && !rejected.has(id));
  const rival = lastInOrder(x, rivals);
  const reasons = rival ? [`wins over ${name(rival)}: ${whyLater(x, winner, rival)}`] : [];
  if (failures.length) reasons.push(rival ? failures.join("; ") : `wins because ${failures.join("; ")}`);
  return `${key} → ${name(winner)} ${reasons.join("; ")}.`;
}

/** "alice on hs1" for @alice:hs1. */
function who(user: string): string {
  const m = /^@([^:]+):(.+)$/.exec(user);
  return m ? `${m[1]} on ${m[2]}` : user;
}

/** The rival applied last (the one the winner replaced), by the resolver's orderings. */
function lastInOrder(x: ResolutionExplanation, ids: readonly string[]): string | undefined {
  const order = [...x.sortedPowerEvents.map((p) => p.eventId), ...x.sortedRemainingEvents.map((p) => p.eventId)];
  let best: string | undefined;
  let bestAt = -2;
  for (const id of ids) {
    const at = order.indexOf(id as (typeof order)[number]);
    if (at > bestAt) [best, bestAt] = [id, at];
  }
  return best;
}

/** Why `winner` was applied after `rival` (so replaced it), in the terms of the ordering both sit in. */
function whyLater(x: ResolutionExplanation, winner: string, rival: string): string {
  const powerW = x.sortedPowerEvents.find((p) => p.eventId === winner);
  const powerR = x.sortedPowerEvents.find((p) => p.eventId === rival);
  if (powerW && powerR) return whyLaterInPowerOrder(powerW, powerR);
  const mainW = x.sortedRemainingEvents.find((p) => p.eventId === winner);
  const mainR = x.sortedRemainingEvents.find((p) => p.eventId === rival);
  if (mainW && mainR) return whyLaterInMainline(mainW, mainR);
  return "the resolver applied it last";
}

function whyLaterInPowerOrder(w: PowerEntry, r: PowerEntry): string {
  // Power events go from the most powerful sender down; a later one that still passes
  // the auth checks replaces what came before it.
  if (w.senderPowerLevel !== r.senderPowerLevel && rank(w.senderPowerLevel) < rank(r.senderPowerLevel))
    return `power events are applied from the most powerful sender down (${r.senderPowerLevel} before ${w.senderPowerLevel}), so it comes last and still passes the auth checks`;
  if (w.senderPowerLevel === r.senderPowerLevel && w.originServerTs > r.originServerTs)
    return `same sender power (${w.senderPowerLevel}), sent ${formatGap(w.originServerTs - r.originServerTs)} later`;
  if (w.senderPowerLevel === r.senderPowerLevel && w.originServerTs === r.originServerTs)
    return "same sender power and timestamp: the larger event id comes last";
  return "it builds on it (its auth events lead back to it), so it is applied after it";
}

function whyLaterInMainline(w: MainlineEntry, r: MainlineEntry): string {
  // Mainline position counts back from the newest power levels: a smaller number means
  // the event was sent under newer power levels, and it sorts later.
  if (w.mainlinePosition !== r.mainlinePosition)
    return `it was sent under newer power levels (mainline position ${w.mainlinePosition}, the other ${r.mainlinePosition})`;
  if (w.originServerTs !== r.originServerTs)
    return `same mainline position, sent ${formatGap(w.originServerTs - r.originServerTs)} later`;
  return "same mainline position and timestamp: the larger event id comes last";
}

const rank = (level: number | "infinity") => (level === "infinity" ? Number.POSITIVE_INFINITY : level);

function formatGap(ms: number): string {
  if (ms < 1_000) return `${ms} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}
