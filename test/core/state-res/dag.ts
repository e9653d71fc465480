// Small room DAGs for state-resolution tests: readable event ids (`$00-create`, `$PA`),
// small integer timestamps, no hashes or signatures. Two ways to build one:
//   - `Dag.add`, giving each event's auth and prev events by hand;
//   - `buildFromEdges`, the harness of Synapse's tests/state/test_v2.py re-done: events
//     joined by chains of prev edges, each event's auth events chosen from the state
//     before it (spec: server-server-api.md "Auth events selection"), and the state at
//     every event computed with resolveState.

import type { EventId, JsonObject, Pdu, RoomVersion, StateKey, StateMap } from "../../../core/index.ts";
import { computeEventId, computeRoomId, resolveState, stateKey } from "../../../core/index.ts";
import type { ResolveOptions } from "../../../core/index.ts";

export const ALICE = "@alice:example.com";
export const BOB = "@bob:example.com";
export const CHARLIE = "@charlie:example.com";
export const EVELYN = "@evelyn:example.com";
export const ZARA = "@zara:example.com";

export interface EventSpec {
  /** The full event id, e.g. "$PA". */
  id: string;
  type: string;
  stateKey?: string;
  sender: string;
  content?: JsonObject;
  auth?: readonly string[];
  prev?: readonly string[];
  /** Defaults to the DAG's clock: 1 for the first event added, 2 for the next... */
  ts?: number;
  /** Defaults to 1 + the highest depth among the prev events (1 without any). */
  depth?: number;
}

/** The id every DAG's create event gets unless told otherwise. */
export const CREATE_ID = "$00-create";

export interface DagOptions {
  /** The create event's name (and id, without hashIds). */
  createId?: string;
  /**
   * Give events their real ids (reference hashes, rooms/v3.md, v4.md) and, since v12, the
   * real room id, as the authorization rules compute them. Names stay readable: `id(name)`
   * and `name(id)` translate. Room versions 1-2 keep the given ids (they are opaque).
   */
  hashIds?: boolean;
}

export class Dag {
  readonly version: RoomVersion;
  roomId: string;
  readonly events = new Map<EventId, Pdu>();
  private readonly hashIds: boolean;
  private readonly idByName = new Map<string, EventId>();
  private readonly nameById = new Map<EventId, string>();
  private readonly ids = new Map<Pdu, EventId>();
  private clock = 0;

  constructor(version: RoomVersion, options: DagOptions = {}) {
    this.version = version;
    this.hashIds = (options.hashIds ?? false) && this.version.eventIdFormat !== "opaque";
    const createId = options.createId ?? CREATE_ID;
    // since v12 the room id is the create event's id with `!` for `$` (with hashIds it is
    // set when the create event is added).
    this.roomId = this.version.auth.roomIdFromCreateEvent ? `!${createId.slice(1)}` : "!room:example.com";
  }

  readonly fetch = (id: EventId): Pdu | undefined => this.events.get(id);

  /** The id of a PDU of this DAG (v3+ PDUs do not carry their id). */
  readonly idOf = (pdu: Pdu): EventId => {
    const id = this.ids.get(pdu);
    if (id === undefined) throw new Error("dag: not a PDU of this DAG");
    return id;
  };

  /** The event id an event was added under (its name, or its hash with hashIds); ids pass through. */
  id(name: string): EventId {
    const id = this.idByName.get(name) ?? (this.events.has(name as EventId) ? (name as EventId) : undefined);
    if (id === undefined) throw new Error(`dag: no event named ${name}`);
    return id;
  }

  /** The name an event id was added under. */
  name(id: string): string {
    return this.nameById.get(id as EventId) ?? id;
  }

  /** Translate the ids of some JSON (an explanation, a state) back to names. */
  names<T>(value: T): T {
    return JSON.parse(
      JSON.stringify(value, (_k, v: unknown) => (typeof v === "string" && v.startsWith("$") ? this.name(v) : v)),
    ) as T;
  }

  /** The next timestamp the clock would give. */
  get now(): number {
    return this.clock + 1;
  }

  add(spec: EventSpec): EventId {
    const name = spec.id;
    if (this.idByName.has(name)) throw new Error(`dag: ${name} added twice`);
    const ref = (r: string): Pdu["auth_events"][number] => {
      const id = this.id(r);
      return this.version.eventRefsArePairs ? [id, { sha256: "x" }] : id;
    };
    const prev = spec.prev ?? [];
    const depth = spec.depth ?? 1 + Math.max(0, ...prev.map((p) => this.events.get(this.id(p))!.depth));
    const ts = spec.ts ?? ++this.clock;
    if (spec.ts !== undefined) this.clock = Math.max(this.clock, spec.ts);
    const pdu: Pdu = {
      type: spec.type,
      sender: spec.sender,
      content: spec.content ?? {},
      origin_server_ts: ts,
      prev_events: prev.map(ref),
      auth_events: (spec.auth ?? []).map(ref),
      depth,
      hashes: { sha256: "x" },
      signatures: {},
    };
    if (spec.stateKey !== undefined) pdu.state_key = spec.stateKey;
    const isV12Create = this.version.auth.roomIdFromCreateEvent && spec.type === "m.room.create";
    // since v12 the create event carries no room_id.
    if (!isV12Create) pdu.room_id = this.roomId;
    if (this.version.eventIdFormat === "opaque") pdu.event_id = name;
    const id = this.hashIds ? computeEventId(pdu, this.version) : (name as EventId);
    if (this.hashIds && isV12Create) this.roomId = computeRoomId(pdu, this.version);
    this.events.set(id, pdu);
    this.ids.set(pdu, id);
    this.idByName.set(name, id);
    this.nameById.set(id, name);
    return id;
  }

  /** A state map holding these (state) events, by name. */
  state(...names: string[]): Map<StateKey, EventId> {
    const out = new Map<StateKey, EventId>();
    for (const name of names) {
      const id = this.id(name);
      const pdu = this.events.get(id)!;
      if (typeof pdu.state_key !== "string") throw new Error(`dag: ${name} is not a state event`);
      out.set(stateKey(pdu.type, pdu.state_key), id);
    }
    return out;
  }
}

export const member = (membership: string): JsonObject => ({ membership });

/**
 * The (type, state_key) pairs an event's auth events are chosen for (spec:
 * server-server-api.md "Auth events selection"): the create event (not since v12, where
 * room_id implies it), the power levels, the sender's membership, and for membership
 * events the target's membership, the join rules for join/invite/knock, and the third-party
 * invite named by `third_party_invite.signed.token`.
 */
export function selectionKeys(
  event: { type: string; stateKey?: string; sender: string; content: JsonObject },
  version: RoomVersion,
): StateKey[] {
  const keys: StateKey[] = [];
  if (!version.auth.roomIdFromCreateEvent) keys.push(stateKey("m.room.create", ""));
  keys.push(stateKey("m.room.power_levels", ""), stateKey("m.room.member", event.sender));
  if (event.type === "m.room.member" && event.stateKey !== undefined) {
    keys.push(stateKey("m.room.member", event.stateKey));
    const membership = event.content.membership;
    if (membership === "join" || membership === "invite" || membership === "knock")
      keys.push(stateKey("m.room.join_rules", ""));
    const tpi = event.content.third_party_invite;
    if (membership === "invite" && typeof tpi === "object" && tpi !== null && !Array.isArray(tpi)) {
      const signed = (tpi as JsonObject).signed;
      const token =
        typeof signed === "object" && signed !== null && !Array.isArray(signed)
          ? (signed as JsonObject).token
          : undefined;
      if (typeof token === "string") keys.push(stateKey("m.room.third_party_invite", token));
    }
  }
  return [...new Set(keys)];
}

export interface NodeSpec {
  /** Short name; the event id is `$` + name. */
  name: string;
  type: string;
  stateKey?: string;
  sender: string;
  content?: JsonObject;
}

export interface BuiltRoom {
  dag: Dag;
  /** The state after each node, by name. */
  stateAfter: Map<string, StateMap>;
  /** The order the nodes were built in (timestamps are 1, 2, ... in this order). */
  order: string[];
}

/**
 * Build a room as Synapse's test_v2.py harness does: `edges` are chains of prev edges
 * (["END", "B", "A"] means END → B → A). Nodes are built in topological order; among the
 * nodes ready at a time the one listed first in `nodes` goes first, and timestamps count
 * 1, 2, ... in build order. A node's auth events are the state before it at the
 * selection keys; the state before a node with several prev events is their resolution.
 */
export function buildFromEdges(
  v: RoomVersion,
  nodes: readonly NodeSpec[],
  edges: ReadonlyArray<readonly string[]>,
  options: ResolveOptions & { hashIds?: boolean } = {},
): BuiltRoom {
  const byName = new Map(nodes.map((n, i) => [n.name, { node: n, rank: i }] as const));
  const prevs = new Map<string, Set<string>>(nodes.map((n) => [n.name, new Set<string>()]));
  for (const chain of edges) {
    for (let i = 0; i + 1 < chain.length; i++) {
      if (!byName.has(chain[i]!) || !byName.has(chain[i + 1]!))
        throw new Error(`buildFromEdges: unknown node in ${chain.join(" → ")}`);
      prevs.get(chain[i]!)!.add(chain[i + 1]!);
    }
  }
  const createName = nodes.find((n) => n.type === "m.room.create")?.name ?? "CREATE";
  const dag = new Dag(v, { createId: `$${createName}`, hashIds: options.hashIds ?? false });
  const stateAfter = new Map<string, StateMap>();
  const order: string[] = [];
  while (order.length < nodes.length) {
    const ready = nodes.filter(
      (n) => !stateAfter.has(n.name) && [...prevs.get(n.name)!].every((p) => stateAfter.has(p)),
    );
    if (ready.length === 0) throw new Error("buildFromEdges: the prev edges form a cycle");
    const node = ready[0]!;
    const prevNames = [...prevs.get(node.name)!].sort((a, b) => byName.get(a)!.rank - byName.get(b)!.rank);
    const prevStates = prevNames.map((p) => stateAfter.get(p)!);
    const before: StateMap =
      prevStates.length === 0
        ? new Map()
        : prevStates.length === 1
          ? prevStates[0]!
          : resolveState(v, prevStates, dag.fetch, options);
    const content = node.content ?? {};
    const auth = selectionKeys({ ...node, content }, v)
      .map((k) => before.get(k))
      .filter((id): id is EventId => id !== undefined);
    const id = dag.add({
      id: `$${node.name}`,
      type: node.type,
      ...(node.stateKey !== undefined ? { stateKey: node.stateKey } : {}),
      sender: node.sender,
      content,
      auth,
      prev: prevNames.map((p) => `$${p}`),
    });
    const after = new Map(before);
    if (node.stateKey !== undefined) after.set(stateKey(node.type, node.stateKey), id);
    stateAfter.set(node.name, after);
    order.push(node.name);
  }
  return { dag, stateAfter, order };
}

/** The initial events of Synapse's test_v2.py (INITIAL_EVENTS), in its order. */
export function initialNodes(v: RoomVersion): NodeSpec[] {
  return [
    {
      name: "CREATE",
      type: "m.room.create",
      stateKey: "",
      sender: ALICE,
      content: v.auth.createRequiresCreator ? { creator: ALICE } : {},
    },
    { name: "IMA", type: "m.room.member", stateKey: ALICE, sender: ALICE, content: member("join") },
    // since v12 creators may not appear in `users` (rooms/v12.md rule 10.4): Alice is the creator.
    {
      name: "IPOWER",
      type: "m.room.power_levels",
      stateKey: "",
      sender: ALICE,
      content: v.auth.privilegedCreators ? { users: {} } : { users: { [ALICE]: 100 } },
    },
    { name: "IJR", type: "m.room.join_rules", stateKey: "", sender: ALICE, content: { join_rule: "public" } },
    { name: "IMB", type: "m.room.member", stateKey: BOB, sender: BOB, content: member("join") },
    { name: "IMC", type: "m.room.member", stateKey: CHARLIE, sender: CHARLIE, content: member("join") },
    { name: "IMZ", type: "m.room.member", stateKey: ZARA, sender: ZARA, content: member("join") },
    { name: "START", type: "m.room.message", sender: ZARA, content: {} },
  ];
}

/** Synapse's INITIAL_EDGES: one chain from START back to CREATE. */
export const INITIAL_EDGES = ["START", "IMZ", "IMC", "IMB", "IJR", "IPOWER", "IMA", "CREATE"] as const;

/** The END node every Synapse scenario resolves at. */
export const END: NodeSpec = { name: "END", type: "m.room.message", sender: ZARA, content: {} };

/**
 * The state at END restricted as Synapse's do_check restricts it: the keys whose event
 * changed since START, plus the keys of the expected events; values are event names.
 */
export function changedSinceStart(room: BuiltRoom, expectedNames: readonly string[]): Record<string, string> {
  const start = room.stateAfter.get("START")!;
  const end = room.stateAfter.get("END")!;
  const expectedKeys = new Set(
    expectedNames.map((n) => {
      const pdu = room.dag.events.get(room.dag.id(`$${n}`))!;
      return stateKey(pdu.type, pdu.state_key!);
    }),
  );
  const out: Record<string, string> = {};
  for (const k of [...end.keys()].sort()) {
    if (expectedKeys.has(k) || start.get(k) !== end.get(k)) out[k] = room.dag.name(end.get(k)!);
  }
  return out;
}

/** The same record built from the expected names: key → `$name`. */
export function expectedState(room: BuiltRoom, expectedNames: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of expectedNames) {
    const pdu = room.dag.events.get(room.dag.id(`$${n}`))!;
    out[stateKey(pdu.type, pdu.state_key!)] = `$${n}`;
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
