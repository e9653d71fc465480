// Traffic models: when each user (or each server) sends. Every process draws from a
// stream of its own (`traffic:<index>:<user or server>`), so adding a model, a user or
// a server leaves the dice of the others, and of the network, as they were.
//
//   bernoulli  every periodMs, a send with probability p (the lockstep round model);
//   poisson    exponential gaps, ratePerSec on average;
//   bursts     `size` sends spacingMs apart, bursts separated by exponential gaps of mean
//              everyMs (counted from a burst's last send);
//   schedule   sends at fixed times.
//
// A process is scheduled one send at a time (the next is drawn when one fires), so a
// long run holds one pending action per process, and nothing once endMs has passed.

import type { Rng } from "./random.ts";
import type { Simulation } from "./simulation.ts";

export type TrafficModel =
  | { model: "bernoulli"; periodMs: number; p: number }
  | { model: "poisson"; ratePerSec: number }
  | { model: "bursts"; everyMs: number; size: number; spacingMs: number }
  | { model: "schedule"; atMs: number[] };

export type TrafficModelName = TrafficModel["model"];
export const TRAFFIC_MODELS: readonly TrafficModelName[] = ["bernoulli", "poisson", "bursts", "schedule"];

/** Who sends, where, and when the model is on. */
export interface TrafficScope {
  /** The room (a scenario's room label). */
  room: string;
  /** `user`: one process per user; `server`: one per server, each send by one of its users drawn at random. */
  per?: "user" | "server";
  /** Only these users (default: every user of the scenario). */
  users?: string[];
  /** Only users of these servers. */
  servers?: string[];
  /** The model starts here (default 0)... */
  startMs?: number;
  /** ...and stops before here (default: the end of the chaos phase). */
  endMs?: number;
}

export type TrafficSpec = TrafficModel & TrafficScope;

/** No process plans more than this many sends (a mistaken rate fails instead of running for ever). */
export const TRAFFIC_LIMITS = { sendsPerProcessMax: 10_000_000 } as const;

/** The send times of one process in [startMs, endMs), increasing, whole milliseconds. */
export function* arrivals(model: TrafficModel, rng: Rng, startMs: number, endMs: number): Generator<number> {
  let sends = 0;
  const emit = (t: number) => {
    if (++sends > TRAFFIC_LIMITS.sendsPerProcessMax)
      throw new Error(`traffic: more than ${TRAFFIC_LIMITS.sendsPerProcessMax} sends by one process`);
    return Math.round(t);
  };
  switch (model.model) {
    case "bernoulli":
      // Rounds at startMs + k·periodMs, k = 1, 2, …: a round at startMs itself would
      // fall together with whatever the scenario does at that moment.
      for (let t = startMs + model.periodMs; t < endMs; t += model.periodMs) if (rng.chance(model.p)) yield emit(t);
      return;
    case "poisson":
      if (model.ratePerSec <= 0) return;
      for (
        let t = startMs + rng.exponential(1000 / model.ratePerSec);
        t < endMs;
        t += rng.exponential(1000 / model.ratePerSec)
      )
        yield emit(t);
      return;
    case "bursts": {
      let t = startMs + rng.exponential(model.everyMs);
      while (t < endMs) {
        for (let i = 0; i < model.size; i++) {
          if (t + i * model.spacingMs >= endMs) return;
          yield emit(t + i * model.spacingMs);
        }
        t += (model.size - 1) * model.spacingMs + rng.exponential(model.everyMs);
      }
      return;
    }
    case "schedule":
      for (const t of [...model.atMs].sort((a, b) => a - b)) if (t >= startMs && t < endMs) yield emit(t);
      return;
  }
}

/** The mean number of sends per second of one process (what the tests check the draws against). */
export function meanRatePerSec(model: TrafficModel): number {
  switch (model.model) {
    case "bernoulli":
      return (1000 * model.p) / model.periodMs;
    case "poisson":
      return model.ratePerSec;
    case "bursts":
      return (1000 * model.size) / (model.everyMs + (model.size - 1) * model.spacingMs);
    case "schedule":
      return Number.NaN;
  }
}

/** One process: who may send, and where its draws come from. */
interface Process {
  stream: string;
  senders: string[];
}

/** The processes of one spec: a user's, or a server's. `users` are all the scenario's users. */
export function trafficProcesses(spec: TrafficSpec, index: number, users: readonly string[]): Process[] {
  const serverOf = (u: string) => u.slice(u.indexOf(":") + 1);
  const chosen = users
    .filter((u) => !spec.users || spec.users.includes(u))
    .filter((u) => !spec.servers || spec.servers.includes(serverOf(u)))
    .sort();
  if ((spec.per ?? "user") === "user") return chosen.map((u) => ({ stream: `traffic:${index}:${u}`, senders: [u] }));
  const servers = [...new Set(chosen.map(serverOf))].sort();
  return servers.map((s) => ({ stream: `traffic:${index}:${s}`, senders: chosen.filter((u) => serverOf(u) === s) }));
}

/**
 * Put every spec's processes on the simulation. `send(spec, user)` is called at each
 * send time; `defaultEndMs` ends the specs that name no endMs.
 */
export function startTraffic(
  sim: Simulation,
  specs: readonly TrafficSpec[],
  users: readonly string[],
  defaultEndMs: number,
  send: (spec: TrafficSpec, user: string) => void,
): void {
  specs.forEach((spec, index) => {
    for (const p of trafficProcesses(spec, index, users)) {
      const rng = sim.stream(p.stream);
      const times = arrivals(spec, rng, spec.startMs ?? 0, spec.endMs ?? defaultEndMs);
      const next = () => {
        const t = times.next();
        if (t.done) return;
        sim.at(t.value, `traffic ${p.stream}`, () => {
          send(spec, p.senders.length === 1 ? p.senders[0]! : rng.pick(p.senders));
          next();
        });
      };
      next();
    }
  });
}
