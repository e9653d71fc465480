// A run as a URL: scenario, seed and every intervention (forks included), plus where the
// cursor stood, in the location hash. Because a run is a pure function of those, the
// link reopens exactly the same run — the same trace hash — in any browser.
//
//   #scenario=three-servers&seed=1&i=<base64url of the interventions' JSON>&step=48
//
// A scenario that does not ship (a JSON file, such as the minimal one `netsplit check`
// writes) travels in the link itself: sj=<base64url of its JSON>.

import { decodeBase64Url, encodeBase64Url } from "../../core/index.ts";
import type { Intervention } from "../../scenarios/runner/run.ts";
import type { TimelineAction } from "../../scenarios/runner/types.ts";

export interface Permalink {
  scenario: string;
  seed: string;
  interventions: Intervention[];
  /** The step the cursor stood after (absent: the start). */
  step?: number;
  roomVersion?: string;
  /** The scenario itself, as JSON, when it is not one that ships (then `scenario` is its name). */
  scenarioJson?: unknown;
}

export class PermalinkError extends Error {}

export function encodePermalink(p: Permalink): string {
  const head = new URLSearchParams();
  head.set("scenario", p.scenario);
  head.set("seed", p.seed);
  const tail = new URLSearchParams();
  if (p.roomVersion) tail.set("rv", p.roomVersion);
  if (p.interventions.length > 0) tail.set("i", toBase64Url(p.interventions));
  if (p.step !== undefined) tail.set("step", String(p.step));
  // base64url needs no escaping in a query: the scenario goes in as it is, not through
  // URLSearchParams, which would read all of a big one's half megabyte again each time.
  const sj = p.scenarioJson !== undefined ? `&sj=${scenarioParam(p.scenarioJson)}` : "";
  const rest = tail.toString();
  return `#${head.toString()}${sj}${rest === "" ? "" : `&${rest}`}`;
}

/** Read a location hash; null when it names no scenario. Throws PermalinkError on a damaged link. */
export function decodePermalink(hash: string): Permalink | null {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  const scenario = params.get("scenario");
  if (!scenario) return null;
  const seed = params.get("seed") ?? "1";
  const out: Permalink = { scenario, seed, interventions: [] };
  const rv = params.get("rv");
  if (rv) out.roomVersion = rv;
  const step = params.get("step");
  if (step !== null) {
    if (!/^\d+$/.test(step))
      throw new PermalinkError(`permalink: step must be a whole number, got ${JSON.stringify(step)}`);
    out.step = Number(step);
  }
  const sj = params.get("sj");
  if (sj) out.scenarioJson = fromBase64Url(sj, "the scenario");
  const i = params.get("i");
  if (i) out.interventions = parseInterventions(fromBase64Url(i, "the interventions"));
  return out;
}

/**
 * A scenario's JSON encoded once per object: the link is made again at every pause, and a
 * big scenario (the thirty-server benchmark's) took about 30 ms each time. The page never
 * changes a scenario object once loaded (it goes to the worker as a copy).
 */
const encodedScenarios = new WeakMap<object, string>();

function scenarioParam(json: unknown): string {
  if (typeof json !== "object" || json === null) return toBase64Url(json);
  let encoded = encodedScenarios.get(json);
  if (encoded === undefined) {
    encoded = toBase64Url(json);
    encodedScenarios.set(json, encoded);
  }
  return encoded;
}

function toBase64Url(value: unknown): string {
  return encodeBase64Url(new TextEncoder().encode(JSON.stringify(value)));
}

function fromBase64Url(text: string, what: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(decodeBase64Url(text)));
  } catch (e) {
    throw new PermalinkError(`permalink: ${what} is not readable (${(e as Error).message})`);
  }
}

export function parseInterventions(value: unknown): Intervention[] {
  if (!Array.isArray(value)) throw new PermalinkError("permalink: interventions must be a list");
  return value.map((v, n) => {
    const o = v as Record<string, unknown>;
    if (typeof o !== "object" || o === null || !Number.isInteger(o.afterStep) || (o.afterStep as number) < 0) {
      throw new PermalinkError(`permalink: intervention ${n} needs a whole afterStep ≥ 0`);
    }
    if (typeof o.fork === "string") return { afterStep: o.afterStep as number, fork: o.fork };
    const action = o.action as Record<string, unknown> | undefined;
    if (typeof action !== "object" || action === null || typeof action.do !== "string") {
      throw new PermalinkError(`permalink: intervention ${n} needs an action with a "do" verb, or a fork seed`);
    }
    return { afterStep: o.afterStep as number, action: action as unknown as TimelineAction };
  });
}
