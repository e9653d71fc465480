// Where the network's nodes sit: a seeded force layout. Servers are pulled towards a
// circle (so a line drawn across it splits it in a readable way), their users and
// application services gather around them. The simulation draws from a seeded stream
// (the same picture every time for the same servers) and node objects are kept by id,
// so positions survive every update; it is re-run only when the set of nodes changes.
// When only the size of the drawing changes a little (the page around it reflowed),
// positions are scaled to the new size: a simulation takes tens of milliseconds, a
// frame has 16.

import {
  forceCollide,
  forceLink,
  forceManyBody,
  forceSimulation,
  forceX,
  forceY,
  type SimulationLinkDatum,
  type SimulationNodeDatum,
} from "d3";
import { RandomStreams } from "../../sim/index.ts";
import type { ServerVm } from "../model/network.ts";

export type NodeKind = "server" | "user" | "service";

export interface LayoutNode extends SimulationNodeDatum {
  id: string;
  kind: NodeKind;
  label: string;
  /** The server a user or service belongs to. */
  server: string;
  x: number;
  y: number;
  /** Where the layout pulls it (servers: their place on the circle). */
  homeX: number;
  homeY: number;
}

export const SERVER_R = 26;
export const USER_R = 7;
const TICKS = 300;
/** A change of size up to this fraction is met by scaling; a larger one lays the network out again. */
const RESCALE_MAX = 0.25;

export const userNodeId = (user: string) => `user:${user}`;
export const serviceNodeId = (server: string, service: string) => `svc:${server}/${service}`;

export class NetworkLayout {
  readonly nodes = new Map<string, LayoutNode>();
  /** Network node names (servers, service urls) → layout node ids. */
  readonly byNetworkName = new Map<string, string>();
  private shape = "";
  private size = { width: 0, height: 0 };

  /** Lay out again if the nodes changed, or scale to a new size. True when positions moved. */
  update(servers: readonly ServerVm[], width: number, height: number): boolean {
    width = Math.round(width);
    height = Math.round(height);
    const shape = servers
      .map((s) => `${s.id}:${[...s.users, ...s.serviceUsers].join(",")}:${s.services.map((x) => x.id).join(",")}`)
      .join(";");
    const old = this.size;
    if (shape === this.shape) {
      if (width === old.width && height === old.height) return false;
      const near = (a: number, b: number) => Math.abs(a - b) <= RESCALE_MAX * b;
      if (near(width, old.width) && near(height, old.height)) {
        this.size = { width, height };
        this.scale(old, this.size);
        return true;
      }
    }
    this.shape = shape;
    this.size = { width, height };
    const cx = width / 2;
    const cy = height / 2;
    const radius = Math.max(60, Math.min(width, height) / 2 - 70);
    const wanted = new Set<string>();
    const links: Array<SimulationLinkDatum<LayoutNode>> = [];
    servers.forEach((hs, i) => {
      const angle = (i / Math.max(1, servers.length)) * 2 * Math.PI - Math.PI / 2;
      const homeX = cx + radius * Math.cos(angle);
      const homeY = cy + radius * Math.sin(angle);
      const server = this.keep({ id: hs.id, kind: "server", label: hs.id, server: hs.id, homeX, homeY });
      wanted.add(server.id);
      this.byNetworkName.set(hs.id, hs.id);
      const satellites = [
        ...[...hs.users, ...hs.serviceUsers].map((u) => ({
          id: userNodeId(u),
          kind: "user" as const,
          label: u.replace(/^@/, "").split(":")[0] ?? u,
        })),
        ...hs.services.map((s) => ({
          id: serviceNodeId(hs.id, s.id),
          kind: "service" as const,
          label: s.id,
          node: s.node,
        })),
      ];
      satellites.forEach((sat, j) => {
        // Outwards from the centre, fanned out.
        const spread = (j - (satellites.length - 1) / 2) * 0.5;
        const a = angle + spread;
        const node = this.keep({
          id: sat.id,
          kind: sat.kind,
          label: sat.label,
          server: hs.id,
          homeX: homeX + 52 * Math.cos(a),
          homeY: homeY + 52 * Math.sin(a),
        });
        wanted.add(node.id);
        links.push({ source: server, target: node });
        if ("node" in sat && sat.node) this.byNetworkName.set(sat.node, node.id);
      });
    });
    for (const id of [...this.nodes.keys()]) if (!wanted.has(id)) this.nodes.delete(id);
    const nodes = [...this.nodes.values()];
    const rng = new RandomStreams("netsplit-layout").stream("force");
    const sim = forceSimulation(nodes)
      .randomSource(() => rng.next())
      .force(
        "charge",
        forceManyBody<LayoutNode>().strength((n) => (n.kind === "server" ? -260 : -40)),
      )
      .force("links", forceLink<LayoutNode, SimulationLinkDatum<LayoutNode>>(links).distance(48).strength(0.9))
      .force(
        "collide",
        forceCollide<LayoutNode>((n) => (n.kind === "server" ? SERVER_R + 14 : USER_R + 10)),
      )
      .force(
        "x",
        forceX<LayoutNode>((n) => n.homeX).strength((n) => (n.kind === "server" ? 0.6 : 0.08)),
      )
      .force(
        "y",
        forceY<LayoutNode>((n) => n.homeY).strength((n) => (n.kind === "server" ? 0.6 : 0.08)),
      )
      .stop();
    sim.tick(TICKS);
    this.clamp();
    return true;
  }

  /** The same picture in a drawing of another size: every position (and home) stretched to it. */
  private scale(from: { width: number; height: number }, to: { width: number; height: number }): void {
    const sx = from.width > 0 ? to.width / from.width : 1;
    const sy = from.height > 0 ? to.height / from.height : 1;
    for (const n of this.nodes.values()) {
      n.x *= sx;
      n.y *= sy;
      n.homeX *= sx;
      n.homeY *= sy;
    }
    this.clamp();
  }

  /** Inside the drawing, with room above each node for its label. */
  private clamp(): void {
    const { width, height } = this.size;
    for (const n of this.nodes.values()) {
      n.x = Math.min(width - 24, Math.max(24, n.x));
      n.y = Math.min(height - 24, Math.max(n.kind === "server" ? SERVER_R + 6 : 24, n.y));
    }
  }

  /** The layout node of a network name (a server, or a service's url). */
  at(networkName: string): LayoutNode | undefined {
    const id = this.byNetworkName.get(networkName);
    return id ? this.nodes.get(id) : undefined;
  }

  private keep(n: Omit<LayoutNode, "x" | "y">): LayoutNode {
    const old = this.nodes.get(n.id);
    if (old) {
      old.homeX = n.homeX;
      old.homeY = n.homeY;
      old.label = n.label;
      return old;
    }
    const made: LayoutNode = { ...n, x: n.homeX, y: n.homeY };
    this.nodes.set(n.id, made);
    return made;
  }
}
