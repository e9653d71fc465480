// The one-line verdict the page shows above everything, derived from what the view
// model holds at the cursor — never from the run's end record, which goes stale the
// moment someone acts in free play. In order of what a class most needs to hear:
// servers that disagree (naming the state keys), servers that agree on state but not on
// the room's heads (a fork that merges with the next event), and converged. Each says
// what is still on its way: messages in the air, a sender waiting to retry.

import type { ServerDag } from "./dag.ts";
import type { NetworkVm } from "./network.ts";
import type { StateTable } from "./state-table.ts";

export type StatusKind = "empty" | "diverged" | "forked" | "converged";

/** Servers a scenario set up to misbehave or to run a wrong clock (RunInfo). */
export interface Misfits {
  adversarial: readonly string[];
  /** server → its clock's offset in ms (positive: ahead). */
  skewed: Readonly<Record<string, number>>;
}

export interface LiveStatus {
  kind: StatusKind;
  /** One sentence, verdict first. */
  headline: string;
  /** What is still moving: messages in the air, retries and when they are due. */
  pending: string;
  /** The state keys honest servers disagree on (labels as the state table shows them). */
  keys: string[];
  /** server → short marks ("adversarial", "clock +5m00s", "down"). */
  marks: Record<string, string[]>;
}

export interface StatusInputs {
  stateTable: StateTable;
  dags: readonly ServerDag[];
  network: NetworkVm;
  misfits: Misfits;
}

export function liveStatus({ stateTable, dags, network, misfits }: StatusInputs): LiveStatus {
  const marks = marksOf(network, misfits);
  const pending = pendingOf(network);
  const bad = new Set(misfits.adversarial);
  const honest = stateTable.servers.filter((s) => !bad.has(s));
  if (honest.length === 0) return { kind: "empty", headline: "No room yet.", pending, keys: [], marks };
  const keys = stateTable.rows
    .filter((r) => new Set(honest.map((s) => r.cells[s]?.eventId ?? null)).size > 1)
    .map((r) => r.label);
  if (keys.length > 0) {
    const shown = listed(keys, 3);
    return {
      kind: "diverged",
      headline: `Diverged: the servers disagree on ${shown}.`,
      pending,
      keys,
      marks,
    };
  }
  const forked = forkedServers(dags, honest);
  if (forked.length > 0)
    return {
      kind: "forked",
      headline:
        `Same state everywhere, but ${listed(forked, 4)} ${forked.length === 1 ? "has" : "have"} more than one head ` +
        `or different heads: the fork merges with the next event someone sends.`,
      pending,
      keys,
      marks,
    };
  const word = honest.length === 1 ? "One server holds the room." : `Converged: ${honest.length} servers, same state.`;
  return { kind: "converged", headline: word, pending, keys, marks };
}

/** "a, b, c and 9 more": a list kept to one line of the status, however many servers there are. */
function listed(items: readonly string[], max: number): string {
  return items.slice(0, max).join(", ") + (items.length > max ? ` and ${items.length - max} more` : "");
}

/** Honest servers whose room has several heads, or heads another server does not share. */
function forkedServers(dags: readonly ServerDag[], honest: readonly string[]): string[] {
  const mine = dags.filter((d) => honest.includes(d.server) && d.nodes.length > 0);
  const heads = new Set(mine.map((d) => d.extremities.join(",")));
  return mine.filter((d) => d.width > 1 || heads.size > 1).map((d) => d.server);
}

function marksOf(network: NetworkVm, misfits: Misfits): Record<string, string[]> {
  const marks: Record<string, string[]> = {};
  const add = (s: string, m: string) => (marks[s] ??= []).push(m);
  for (const s of [...misfits.adversarial].sort()) add(s, "adversarial");
  for (const s of Object.keys(misfits.skewed).sort()) add(s, `clock ${signed(misfits.skewed[s]!)}`);
  for (const s of network.servers) if (!s.up) add(s.id, "down");
  return marks;
}

function pendingOf(network: NetworkVm): string {
  const parts: string[] = [];
  const flying = network.messages.length;
  if (flying > 0) parts.push(`${flying} ${flying === 1 ? "message" : "messages"} on the way`);
  let next: { from: string; to: string; inMs: number } | null = null;
  for (const s of network.servers)
    for (const b of s.backoff)
      if (b.inMs > 0 && (!next || b.inMs < next.inMs)) next = { from: s.id, to: b.destination, inMs: b.inMs };
  if (next) parts.push(`${next.from} retries ${next.to} in ${formatDuration(next.inMs)}`);
  return parts.join(" · ");
}

function signed(ms: number): string {
  return `${ms < 0 ? "−" : "+"}${formatDuration(Math.abs(ms))}`;
}

/** "9m58s", "42s", "2h05m", "250ms" */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = Math.ceil(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}
