// The network at one moment: servers (up or crashed, their users and application
// services, who they are backing off from, the selected room's width and whether their
// state differs from another server's), every federation link with the cut on each
// direction, the messages in the air with their progress 0…1 along the link (held ones
// parked on it), and the recent losses, fading.

import type { CutMode, FaultKind } from "../../sim/trace.ts";
import type { MessageKind } from "./messages.ts";
import { cutKey, type LiveState } from "./live-state.ts";

/** How long (virtual ms) a lost message stays visible, fading out. */
export const DROP_FADE_MS = 1_500;

export interface BackoffVm {
  destination: string;
  retryAtMs: number;
  /** Virtual ms until the retry (0 when due). */
  inMs: number;
  intervalMs: number;
  failures: number;
  catchUp: boolean;
}

export interface ServerVm {
  id: string;
  up: boolean;
  /** People and bots with a client: the composer acts as them. */
  users: string[];
  /** An application service's sender and ghosts: drawn around the server, not acted as. */
  serviceUsers: string[];
  services: Array<{ id: string; node: string | null; up: boolean }>;
  backoff: BackoffVm[];
  /** Forward extremities of the selected room on this server (null: it does not hold the room). */
  width: number | null;
  /** Servers whose state of the selected room differs from this one's. */
  divergentFrom: string[];
}

export interface LinkVm {
  /** "a|b" with a < b */
  id: string;
  a: string;
  b: string;
  /** Cut on a→b / b→a, or null. */
  cutAB: CutMode | null;
  cutBA: CutMode | null;
  /** A homeserver–application-service link (not cut by clicking: partitions name servers). */
  service: boolean;
}

export interface MessageVm {
  id: string;
  from: string;
  to: string;
  kind: MessageKind;
  pdus: number;
  progress: number;
  held: boolean;
  copies: number;
}

export interface DropVm {
  id: string;
  from: string;
  to: string;
  kind: MessageKind;
  fault: FaultKind;
  progress: number;
  /** 0 just lost … 1 gone. */
  fade: number;
}

export interface NetworkVm {
  servers: ServerVm[];
  links: LinkVm[];
  messages: MessageVm[];
  drops: DropVm[];
}

export interface NetworkInputs {
  /** server → width of the selected room. */
  widths: ReadonlyMap<string, number>;
  divergent: Readonly<Record<string, string[]>>;
}

export function networkAt(live: LiveState, atMs: number, inputs: NetworkInputs): NetworkVm {
  const now = Math.max(atMs, live.atMs);
  const names = [...live.servers.keys()].sort();
  const servers: ServerVm[] = names.map((name) => {
    const hs = live.servers.get(name)!;
    const destinations = [...new Set([...hs.backoff.keys(), ...hs.failures.keys()])].sort();
    return {
      id: name,
      up: hs.up,
      users: [...hs.users].sort(),
      serviceUsers: [...hs.serviceUsers].sort(),
      services: hs.services.map((s) => ({ ...s })),
      backoff: destinations.map((d) => {
        const b = hs.backoff.get(d);
        return {
          destination: d,
          retryAtMs: b?.retryAtMs ?? now,
          inMs: b ? Math.max(0, b.retryAtMs - now) : 0,
          intervalMs: b?.intervalMs ?? 0,
          failures: hs.failures.get(d) ?? 0,
          catchUp: b?.catchUp ?? false,
        };
      }),
      width: inputs.widths.get(name) ?? null,
      divergentFrom: inputs.divergent[name] ?? [],
    };
  });
  const links: LinkVm[] = [];
  for (let i = 0; i < names.length; i++) {
    for (let j = i + 1; j < names.length; j++) {
      const a = names[i]!;
      const b = names[j]!;
      links.push({
        id: `${a}|${b}`,
        a,
        b,
        cutAB: live.cuts.get(cutKey(a, b)) ?? null,
        cutBA: live.cuts.get(cutKey(b, a)) ?? null,
        service: false,
      });
    }
  }
  for (const hs of servers) {
    for (const s of hs.services) {
      if (!s.node) continue;
      links.push({
        id: `${hs.id}|${s.node}`,
        a: hs.id,
        b: s.node,
        cutAB: live.cuts.get(cutKey(hs.id, s.node)) ?? null,
        cutBA: live.cuts.get(cutKey(s.node, hs.id)) ?? null,
        service: true,
      });
    }
  }
  const messages: MessageVm[] = [];
  for (const f of live.flights.values()) {
    const held = f.deliverAtMs === null;
    const span = held ? 0 : f.deliverAtMs! - f.sentAtMs;
    const progress = held ? f.parkedAt : span <= 0 ? 1 : Math.min(1, Math.max(0, (now - f.sentAtMs) / span));
    messages.push({
      id: String(f.msg),
      from: f.from,
      to: f.to,
      kind: f.kind,
      pdus: f.pdus,
      progress,
      held,
      copies: f.copies,
    });
  }
  messages.sort((x, y) => Number(x.id) - Number(y.id));
  const drops: DropVm[] = [];
  for (const d of live.drops) {
    const age = now - d.atMs;
    if (age > DROP_FADE_MS) continue;
    drops.push({
      id: `${d.msg}@${d.seq}`,
      from: d.from,
      to: d.to,
      kind: d.kind,
      fault: d.fault,
      progress: d.progress,
      fade: age / DROP_FADE_MS,
    });
  }
  return { servers, links, messages, drops };
}
