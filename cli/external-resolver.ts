// The protocol between `netsplit difftest` and another implementation's resolver
// (docs/cli.md): the resolver is a shell command; it is run with the path of a fixture
// file (docs/fixtures.md) as its last argument and prints the resolved state on stdout,
// either as {"state": {type: {state_key: event_id}}} (what `netsplit resolve --json`
// prints) or as a flat list of event ids. Exit 0 means it resolved; anything else is a
// failure of the resolver on that fixture.

import { spawnSync } from "node:child_process";
import { stateKey, type EventId, type Fixture, type StateKey, type StateMap } from "../core/index.ts";

export type ResolverAnswer = { ok: true; state: StateMap } | { ok: false; problem: string };

export interface ResolverOptions {
  /** A resolver that takes longer on one fixture than this has failed on it. */
  timeoutMs: number;
}

/** The exit status of `sh -c` when the command was not found. */
export const COMMAND_NOT_FOUND = 127;

export function runResolver(
  command: string,
  fixturePath: string,
  fixture: Fixture,
  options: ResolverOptions,
): ResolverAnswer & { status: number | null } {
  // sh -c 'command "$1"' gives the path as one argument whatever characters it holds.
  const r = spawnSync("/bin/sh", ["-c", `${command} "$1"`, "netsplit-difftest", fixturePath], {
    encoding: "utf8",
    timeout: options.timeoutMs,
    maxBuffer: 256 * 1024 * 1024,
  });
  const status = r.status;
  if (r.error) return { ok: false, problem: `could not run the resolver: ${r.error.message}`, status };
  if (r.signal)
    return {
      ok: false,
      problem: `the resolver was killed by ${r.signal}${r.signal === "SIGTERM" ? ` (it took more than ${options.timeoutMs} ms?)` : ""}`,
      status,
    };
  if (status !== 0)
    return {
      ok: false,
      problem: `the resolver exited with status ${status}${firstLine(r.stderr) ? `: ${firstLine(r.stderr)}` : ""}`,
      status,
    };
  return { ...parseAnswer(r.stdout, fixture), status };
}

function firstLine(text: string): string {
  return text.trim().split("\n")[0] ?? "";
}

/** Read a resolver's stdout as a state map, naming what is wrong with it. */
export function parseAnswer(stdout: string, fixture: Fixture): ResolverAnswer {
  let value: unknown;
  try {
    value = JSON.parse(stdout);
  } catch (e) {
    return {
      ok: false,
      problem: `the resolver's output is not JSON (${(e as Error).message}): ${JSON.stringify(stdout.slice(0, 200))}`,
    };
  }
  if (Array.isArray(value)) return fromIdList(value, fixture);
  if (typeof value === "object" && value !== null && "state" in value)
    return fromStateObject((value as { state: unknown }).state);
  return {
    ok: false,
    problem: `the resolver printed neither {"state": {type: {state_key: id}}} nor a list of event ids`,
  };
}

function fromIdList(ids: unknown[], fixture: Fixture): ResolverAnswer {
  const state = new Map<StateKey, EventId>();
  for (const id of ids) {
    if (typeof id !== "string")
      return { ok: false, problem: `the resolver's list holds ${JSON.stringify(id)}, not an event id` };
    const pdu = fixture.events.get(id as EventId);
    if (!pdu)
      return { ok: false, problem: `the resolver's list holds ${id}, which is not one of the fixture's events` };
    if (pdu.state_key === undefined)
      return { ok: false, problem: `the resolver's list holds ${id}, which is not a state event` };
    const key = stateKey(pdu.type, pdu.state_key);
    if (state.has(key))
      return {
        ok: false,
        problem: `the resolver's list holds two events for ${pdu.type} ${JSON.stringify(pdu.state_key)}`,
      };
    state.set(key, id as EventId);
  }
  return { ok: true, state };
}

function fromStateObject(value: unknown): ResolverAnswer {
  const bad = { ok: false as const, problem: `the resolver's "state" is not {type: {state_key: event_id}}` };
  if (typeof value !== "object" || value === null || Array.isArray(value)) return bad;
  const state = new Map<StateKey, EventId>();
  for (const [type, keys] of Object.entries(value)) {
    if (typeof keys !== "object" || keys === null || Array.isArray(keys)) return bad;
    for (const [key, id] of Object.entries(keys)) {
      if (typeof id !== "string") return bad;
      state.set(stateKey(type, key), id as EventId);
    }
  }
  return { ok: true, state };
}
