// The readable summary `netsplit run` prints: what was simulated, what the faults did,
// whether and how fast the servers agreed, and each check with its problems.

import { formatDuration, type RunReport } from "../scenarios/runner/run.ts";
import type { SwarmDraw } from "../scenarios/runner/swarm.ts";
import { groupDigits } from "./group-digits.ts";

const n = groupDigits;
const plural = (count: number, one: string, many = `${one}s`) => `${n(count)} ${count === 1 ? one : many}`;

/** One line for a swarm seed's draw: the faults this seed lives with. */
export function describeSwarmDraw(d: SwarmDraw): string {
  const parts = [`loss ${d.loss}`, `duplication ${d.duplication}`, `reorder ${d.reorder}`];
  const every = (what: string, everyMs: number | null, forMs?: number) => {
    if (everyMs !== null)
      parts.push(
        `${what} every ${formatDuration(everyMs)}${forMs !== undefined ? ` for ${formatDuration(forMs)}` : ""}`,
      );
  };
  every("partitions", d.partitionEveryMs, d.partitionForMs);
  every("crashes", d.crashEveryMs, d.crashForMs);
  every("messages", d.messageEveryMs);
  every("topics", d.topicEveryMs);
  const skews = Object.entries(d.skew)
    .filter(([, s]) => s.offsetMs !== 0 || s.driftPpm !== 0)
    .map(([server, s]) => `${server} ${signed(s.offsetMs)} ms ${signed(s.driftPpm)} ppm`);
  if (skews.length > 0) parts.push(`skew ${skews.join(", ")}`);
  return parts.join(", ");
}

function signed(x: number): string {
  return x >= 0 ? `+${x}` : `−${-x}`;
}

/** `hashed: false`: the run kept no trace hash (--trace-retention none). */
export function formatReport(r: RunReport, options: { signing: boolean; hashed?: boolean }): string {
  const lines: string[] = [
    `${r.scenario} · seed ${r.seed} · room version ${r.roomVersion}${options.signing ? "" : " · signing off"}`,
  ];
  if (r.swarm) lines.push(`swarm draw: ${describeSwarmDraw(r.swarm)}`);
  lines.push("");
  const rooms = Object.entries(r.rooms).map(
    ([label, room]) =>
      `${label} (${room.roomId}): ${plural(room.events, "event")}, ${plural(room.extremities, "extremity", "extremities")}`,
  );
  const net = r.network;
  const rows: Array<[string, string]> = [
    ["servers", r.servers.join(", ")],
    ["rooms", rooms.length > 0 ? rooms.join("; ") : "(none)"],
    [
      "events",
      `${n(r.pdusSent)} PDUs sent, ${n(r.pdusDelivered)} delivered; ${n(r.pdus.accepted)} accepted, ${n(r.pdus.rejected)} rejected, ${n(r.pdus.softFailed)} soft-failed`,
    ],
    [
      "faults",
      `${plural(r.partitions, "partition")}, ${plural(r.crashes, "crash", "crashes")}; messages dropped by partitions ${n(net.dropped.partition)}, ` +
        `lost ${n(net.dropped.loss)}, to crashed servers ${n(net.dropped.crashed)}; held ${n(net.held)}, duplicated ${n(net.duplicated)}`,
    ],
    ["outcome", outcome(r)],
  ];
  const width = rows.reduce((w, [k]) => Math.max(w, k.length), 0);
  for (const [k, v] of rows) lines.push(`${k.padEnd(width)}  ${v}`);
  lines.push("", "checks");
  for (const c of r.checks) {
    lines.push(`  ${c.ok ? "✓" : "✗"} ${c.name}`);
    for (const p of c.problems) lines.push(`      ${p}`);
  }
  const hash = options.hashed === false ? "not hashed (--trace-retention none)" : `hash ${r.traceHash}`;
  lines.push("", `trace: ${plural(r.traceRecords, "record")}, ${hash}`);
  return lines.join("\n");
}

function outcome(r: RunReport): string {
  const time = `virtual time ${formatDuration(r.virtualTimeMs)}, ${plural(r.steps, "step")}`;
  switch (r.outcome) {
    case "converged":
      return `converged ${formatDuration(r.timeToConvergeMs ?? 0)} after the heal at ${formatDuration(r.healAtMs)} (${time})`;
    case "liveness-failure":
      return r.stalled
        ? `stalled: the network went quiet after the heal at ${formatDuration(r.healAtMs)} while servers held different forward extremities (${time})`
        : `did not converge within the budget after the heal at ${formatDuration(r.healAtMs)} (${time})`;
    case "safety-failure":
      return `diverged: nothing left to do while servers disagree (${time})`;
    case "step-limit":
      return `stopped at the step limit (${time})`;
  }
}
