// Readable text for a resolved state and for a resolution's explanation.

import { splitStateKey, type ResolutionExplanation, type StateMap } from "../core/index.ts";

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => rows.reduce((w, r) => Math.max(w, r[c]!.length), 0));
  return rows
    .map((r) =>
      r
        .map((cell, c) => cell.padEnd(widths[c]!))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

export function formatStateTable(state: StateMap): string {
  const rows = [...state.entries()]
    .map(([k, id]) => ({ ...splitStateKey(k), id }))
    .sort((a, b) => (a.type === b.type ? (a.stateKey < b.stateKey ? -1 : 1) : a.type < b.type ? -1 : 1))
    .map((r) => [r.type, JSON.stringify(r.stateKey), r.id]);
  return rows.length === 0 ? "(empty state)" : table([["type", "state_key", "event"], ...rows]);
}

const list = (ids: readonly string[]) => (ids.length === 0 ? "(none)" : ids.join(", "));

export function formatExplanation(e: ResolutionExplanation): string {
  const lines: string[] = [
    `algorithm: ${e.algorithm} (room version ${e.roomVersion}), ${e.stateSetCount} state set(s)`,
  ];
  lines.push(`conflicted keys:`);
  for (const c of e.conflicted) lines.push(`  ${c.type} ${JSON.stringify(c.stateKey)}: ${c.eventIds.join(", ")}`);
  if (e.conflicted.length === 0) lines.push("  (none)");
  lines.push(`auth difference: ${list(e.authDifference)}`);
  if (e.conflictedStateSubgraph) lines.push(`conflicted state subgraph (v2.1): ${list(e.conflictedStateSubgraph)}`);
  lines.push(`full conflicted set: ${list(e.fullConflictedSet)}`);
  lines.push(`power events, in reverse topological power order:`);
  for (const p of e.sortedPowerEvents)
    lines.push(`  ${p.eventId}  sender power ${p.senderPowerLevel}, ts ${p.originServerTs}`);
  lines.push(`mainline (newest first): ${list(e.mainline)}`);
  lines.push(`other events, in mainline order:`);
  for (const p of e.sortedRemainingEvents)
    lines.push(`  ${p.eventId}  mainline position ${p.mainlinePosition}, ts ${p.originServerTs}`);
  lines.push(`iterative auth checks:`);
  for (const c of e.authChecks) {
    lines.push(
      `  step ${c.step}: ${c.eventId} ${c.outcome}${c.outcome === "rejected" ? ` (rule ${c.rule}: ${c.reason})` : ""}`,
    );
  }
  for (const d of e.v1Decisions ?? []) {
    lines.push(
      `  v1 ${d.pass} ${d.type} ${JSON.stringify(d.stateKey)}: candidates ${d.candidates.join(", ")} → ${d.chosen ?? "(none)"}`,
    );
  }
  return lines.join("\n");
}
