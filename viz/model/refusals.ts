// Whether the last intervention's client call was refused: the `client.action` record
// with ok: false that follows the latest `run.intervention` (the engine performs the
// action right after recording it). The composer says so next to itself.

import type { TraceRecord } from "../../sim/trace.ts";
import type { Refusal } from "./live-state.ts";

/** How far after the intervention record its call's outcome may lie (the call is settled within its step). */
const LOOKAHEAD_MAX = 400;

export function refusalOfLastIntervention(records: readonly TraceRecord[]): Refusal | null {
  let start = -1;
  for (let i = records.length - 1; i >= 0; i--)
    if (records[i]!.kind === "run.intervention") {
      start = i;
      break;
    }
  if (start < 0) return null;
  const end = Math.min(records.length, start + LOOKAHEAD_MAX);
  for (let i = start + 1; i < end; i++) {
    const r = records[i]!;
    if (r.kind === "run.intervention" || r.kind === "run.fork") return null;
    if (r.kind === "client.action" && !r.ok)
      return {
        seq: r.seq,
        atMs: r.atMs,
        server: r.server,
        user: r.user,
        action: r.action,
        error: r.error ?? "refused",
      };
  }
  return null;
}
