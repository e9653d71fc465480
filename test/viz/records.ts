// Hand-made trace records for the view-model tests: a tiny builder that stamps seq and
// atMs, and PDU summaries with readable ids.

import type { PduSummary, TraceBody, TraceRecord } from "../../sim/trace.ts";

export class Records {
  readonly list: TraceRecord[] = [];
  atMs = 0;

  at(ms: number): this {
    this.atMs = ms;
    return this;
  }

  add(body: TraceBody): TraceRecord {
    const r = { ...body, seq: this.list.length, atMs: this.atMs } as TraceRecord;
    this.list.push(r);
    return r;
  }

  start(servers: string[]): this {
    this.add({ kind: "run.start", seed: "1", scenario: "hand-made", roomVersion: "11", servers });
    return this;
  }
}

export function summary(over: Partial<PduSummary> & { prevEvents: string[] }): PduSummary {
  return {
    type: "m.room.message",
    sender: "@alice:hs1",
    authEvents: [],
    depth: 1,
    originServerTs: 0,
    content: { body: "hi" },
    ...over,
  };
}

/** A stored event record (created/accepted/soft_failed/rejected/outlier) for a DAG. */
export function stored(
  kind: "pdu.created" | "pdu.accepted" | "pdu.soft_failed" | "pdu.rejected" | "pdu.outlier",
  server: string,
  event: string,
  s: PduSummary,
): TraceBody {
  const base = { server, room: "!r:hs1", event, ...s };
  if (kind === "pdu.rejected" || kind === "pdu.soft_failed") return { kind, ...base, reason: "rule 9" };
  return { kind, ...base } as TraceBody;
}
