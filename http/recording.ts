// A served session as JSON Lines, and its replay. The first line says which world
// (scenario and seed), then one line per request in the order it was applied, with the
// step and virtual time it was applied at, then a last line with where the session
// stopped and its trace hash. Replaying feeds the same requests to a fresh world of
// the same scenario and seed at the same steps and times: the same trace, byte for
// byte, without any client (`netsplit serve --replay`).

import type { JsonObject } from "../core/index.ts";
import type { AppliedRequest, FrontEnd } from "./front-end.ts";

export interface RecordingHeader {
  netsplit: "recording";
  version: 1;
  scenario: string;
  seed: number;
  mode: string;
  /** Application services loaded at start (`serve --appservice`): part of the world a replay rebuilds. */
  appservices?: Array<{ server: string; registration: JsonObject }>;
}

export interface RecordingEnd {
  step: number;
  atMs: number;
  traceHash: string | null;
}

export type RecordingLine = RecordingHeader | { request: AppliedRequest } | { end: RecordingEnd };

export class RecordingError extends Error {
  override name = "RecordingError";
}

export function headerLine(header: RecordingHeader): string {
  return JSON.stringify(header) + "\n";
}

export function requestLine(request: AppliedRequest): string {
  return JSON.stringify({ request }) + "\n";
}

export function endLine(end: RecordingEnd): string {
  return JSON.stringify({ end }) + "\n";
}

export interface Recording {
  header: RecordingHeader;
  requests: AppliedRequest[];
  /** Absent when the session was killed before it could write its last line. */
  end?: RecordingEnd;
}

export function parseRecording(text: string, source: string): Recording {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  const parsed = lines.map((line, i) => {
    try {
      return JSON.parse(line) as RecordingLine;
    } catch {
      throw new RecordingError(`${source}:${i + 1}: not JSON`);
    }
  });
  const header = parsed[0];
  if (!header || !("netsplit" in header) || header.netsplit !== "recording" || header.version !== 1)
    throw new RecordingError(`${source}: not a netsplit recording (its first line must be the recording header)`);
  const requests: AppliedRequest[] = [];
  let end: RecordingEnd | undefined;
  for (const [i, line] of parsed.slice(1).entries()) {
    if ("request" in line) requests.push(line.request);
    else if ("end" in line) end = line.end;
    else throw new RecordingError(`${source}:${i + 2}: neither a request nor the end`);
  }
  return { header, requests, ...(end ? { end } : {}) };
}

/** Run the world to `step` and move its clock to `atMs`, as it was when the request was applied. */
function catchUp(frontEnd: FrontEnd, step: number, atMs: number, where: string): void {
  const { sim } = frontEnd.world;
  while (sim.steps < step) {
    if (!sim.step())
      throw new RecordingError(`${where}: the world ran out of work at step ${sim.steps}, before step ${step}`);
  }
  if (sim.steps !== step || sim.nowMs > atMs)
    throw new RecordingError(
      `${where}: the world is at step ${sim.steps}, ${sim.nowMs} ms; the recording says step ${step}, ${atMs} ms`,
    );
  if (sim.nowMs < atMs) sim.advanceClockTo(atMs);
}

/** Apply every recorded request in its place; the world ends where the session stopped. */
export function replayRecording(frontEnd: FrontEnd, recording: Recording, source: string): void {
  frontEnd.replaying = true;
  recording.requests.forEach((r, i) => {
    catchUp(frontEnd, r.step, r.atMs, `${source}: request ${i + 1}`);
    void frontEnd.handle(r.server, {
      method: r.method,
      url: r.url,
      headers: r.authorization !== undefined ? { authorization: r.authorization } : {},
      body: r.body,
    });
  });
  if (recording.end) catchUp(frontEnd, recording.end.step, recording.end.atMs, `${source}: end`);
}
