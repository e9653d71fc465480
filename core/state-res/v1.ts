// State resolution v1 (room version 1 only; spec: rooms/v1.md "State resolution").
// Known to reset state; kept for fidelity. Compared with Synapse's synapse/state/v1.py.
//
// R starts as the union of the state sets minus the conflicting keys; a conflict is two
// sets holding *different* events for a key, so a key held by only some sets is not
// conflicted here (unlike v2). Then, in passes: power levels, join rules, memberships
// (each: sort by ascending depth then descending sha1(event_id), take the first, then
// keep taking the next while it passes auth in R), and every other key (the highest
// depth, then lowest sha1, that passes auth in R).

import { sha1 } from "@noble/hashes/legacy.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import type { Pdu } from "../events.ts";
import type { EventId } from "../ids.ts";
import type { RoomVersion } from "../room-versions.ts";
import type { StateKey, StateMap } from "../state-map.ts";
import { splitStateKey, stateMapToObject } from "../state-map.ts";
import { CREATE_KEY, mustFetch, POWER_LEVELS_KEY, sortedIds, stateKeyOfEvent } from "./event-lookup.ts";
import type { LazyOutcome } from "./explain.ts";
import { conflictedKeysJson, emptyExplanation, sortedStateMap } from "./explain.ts";
import { allStateKeys } from "./separate.ts";
import type { AuthCheckRecord, FetchEvent, ResolvedOptions, V1Decision } from "./types.ts";

/** v1's split: keys all holders agree on (R's start), and keys with different events. */
export function separateV1(stateSets: readonly StateMap[]): {
  unconflicted: Map<StateKey, EventId>;
  conflicted: Map<StateKey, EventId[]>;
} {
  const unconflicted = new Map<StateKey, EventId>();
  const conflicted = new Map<StateKey, EventId[]>();
  for (const k of allStateKeys(stateSets)) {
    const values = new Set<EventId>();
    for (const set of stateSets) {
      const v = set.get(k);
      if (v !== undefined) values.add(v);
    }
    if (values.size === 1) unconflicted.set(k, [...values][0]!);
    else conflicted.set(k, sortedIds(values));
  }
  return { unconflicted, conflicted };
}

interface Candidate {
  id: EventId;
  pdu: Pdu;
  key: StateKey;
  sha1Hex: string;
}

/** sha1 of the event id's UTF-8 bytes, as lowercase hex (Synapse compares hex digests). */
export function sha1Hex(id: string): string {
  return bytesToHex(sha1(utf8ToBytes(id)));
}

/** Ascending depth, then descending sha1(event_id): the order of the auth-event passes. */
function authPassOrder(a: Candidate, b: Candidate): number {
  if (a.pdu.depth !== b.pdu.depth) return a.pdu.depth - b.pdu.depth;
  return a.sha1Hex < b.sha1Hex ? 1 : a.sha1Hex > b.sha1Hex ? -1 : 0;
}

/** Descending depth, then ascending sha1(event_id): the order of the last pass. */
function otherPassOrder(a: Candidate, b: Candidate): number {
  return -authPassOrder(a, b);
}

export function resolveV1(
  version: RoomVersion,
  stateSets: readonly StateMap[],
  fetchEvent: FetchEvent,
  options: ResolvedOptions,
): LazyOutcome {
  const { unconflicted, conflicted } = separateV1(stateSets);
  const run = new V1Run(version, fetchEvent, options, unconflicted, conflicted);
  const conflictedKeys = [...conflicted.keys()].sort();
  const typeOf = (k: StateKey): string => splitStateKey(k).type;

  // 1. Power levels.
  run.authPasses(
    "power_levels",
    conflictedKeys.filter((k) => k === POWER_LEVELS_KEY),
    false,
  );
  // 2. Join rules.
  run.authPasses(
    "join_rules",
    conflictedKeys.filter((k) => typeOf(k) === "m.room.join_rules"),
    false,
  );
  // 3. Memberships: per key (Synapse) or one list (v1MemberConflicts: "single-list").
  run.authPasses(
    "member",
    conflictedKeys.filter((k) => typeOf(k) === "m.room.member"),
    options.v1MemberConflicts === "single-list",
  );
  // 4. Everything else: per key, the highest depth (then lowest sha1) that passes auth
  //    in R; when none does, Synapse takes the lowest-depth one, the spec's text none.
  run.otherPass(
    conflictedKeys.filter(
      (k) => k !== POWER_LEVELS_KEY && typeOf(k) !== "m.room.join_rules" && typeOf(k) !== "m.room.member",
    ),
  );

  const state = sortedStateMap(run.r);
  return {
    state,
    explain: () => ({
      ...emptyExplanation("v1", version.id, stateSets.length, state),
      unconflictedState: stateMapToObject(unconflicted),
      conflicted: conflictedKeysJson(conflicted),
      conflictedStateSet: sortedIds([...conflicted.values()].flat()),
      fullConflictedSet: sortedIds([...conflicted.values()].flat()),
      v1Decisions: run.decisions,
    }),
  };
}

/** One v1 resolution in progress: R as it grows, and the decisions that explain it. */
class V1Run {
  readonly r: Map<StateKey, EventId>;
  readonly decisions: V1Decision[] = [];

  constructor(
    private readonly version: RoomVersion,
    private readonly fetchEvent: FetchEvent,
    private readonly options: ResolvedOptions,
    unconflicted: ReadonlyMap<StateKey, EventId>,
    private readonly conflicted: ReadonlyMap<StateKey, readonly EventId[]>,
  ) {
    this.r = new Map(unconflicted);
  }

  private candidatesOf(k: StateKey): Candidate[] {
    return this.conflicted.get(k)!.map((id) => {
      const pdu = mustFetch(this.fetchEvent, id);
      return { id, pdu, key: stateKeyOfEvent(pdu, id), sha1Hex: sha1Hex(id) };
    });
  }

  // Whether `c` passes the authorization rules "for a room in state R" (the auth events
  // are R's events for the keys the rules consult; v1 has no fallback to auth_events).
  private check(c: Candidate, state: StateMap): AuthCheckRecord {
    const authEvents = new Map<StateKey, Pdu>();
    const keys = new Set<StateKey>(this.options.authRules.authStateKeysFor(c.pdu, this.version));
    keys.add(CREATE_KEY);
    for (const k of [...keys].sort()) {
      const id = state.get(k);
      if (id !== undefined) authEvents.set(k, mustFetch(this.fetchEvent, id));
    }
    const signer = this.options.signer;
    const result = this.options.authRules.checkAuth(c.pdu, authEvents, this.version, signer ? { signer } : undefined);
    return result.allowed
      ? { eventId: c.id, outcome: "accepted" }
      : { eventId: c.id, outcome: "rejected", rule: result.rule, reason: result.reason };
  }

  // One auth-event pass over a list: the first goes in unconditionally, each next one
  // while it passes auth in R as updated so far; stop at the first failure.
  private authPass(
    list: Candidate[],
    start: ReadonlyMap<StateKey, EventId>,
  ): { state: Map<StateKey, EventId>; checks: AuthCheckRecord[] } {
    const state = new Map(start);
    const checks: AuthCheckRecord[] = [];
    list.sort(authPassOrder);
    for (const [i, c] of list.entries()) {
      const record: AuthCheckRecord = i === 0 ? { eventId: c.id, outcome: "accepted" } : this.check(c, state);
      checks.push(record);
      if (record.outcome !== "accepted") break;
      state.set(c.key, c.id);
    }
    return { state, checks };
  }

  /** Steps 1-3: auth-event passes over `keys`, per key or as one list. */
  authPasses(name: V1Decision["pass"], keys: readonly StateKey[], singleList: boolean): void {
    if (keys.length === 0) return;
    // Per key, every key is checked against R as it was before this pass (Synapse);
    // as one list, the list runs over R as it grows.
    const groups = singleList ? [keys.flatMap((k) => this.candidatesOf(k))] : keys.map((k) => this.candidatesOf(k));
    const before = new Map(this.r);
    for (const list of groups) {
      const { state, checks } = this.authPass(list, singleList ? this.r : before);
      for (const k of new Set(list.map((c) => c.key))) {
        const chosen = state.get(k);
        if (chosen !== undefined && chosen !== before.get(k)) this.r.set(k, chosen);
      }
      const keyOfList = list[0]!.key;
      this.decisions.push({
        ...(singleList ? { type: splitStateKey(keyOfList).type, stateKey: "*" } : splitStateKey(keyOfList)),
        pass: name,
        candidates: list.map((c) => c.id),
        checks,
        chosen: singleList ? null : (state.get(keyOfList) ?? null),
      });
    }
  }

  /**
   * Step 4. "No other events affect the authorization rules", so every key is checked
   * against R as the auth passes left it (as Synapse does).
   */
  otherPass(keys: readonly StateKey[]): void {
    const rAfterAuthPasses = new Map(this.r);
    for (const k of keys) {
      const list = this.candidatesOf(k);
      list.sort(otherPassOrder);
      const checks: AuthCheckRecord[] = [];
      let chosen: EventId | null = null;
      for (const c of list) {
        const record = this.check(c, rAfterAuthPasses);
        checks.push(record);
        if (record.outcome === "accepted") {
          chosen = c.id;
          break;
        }
      }
      if (chosen === null && this.options.v1WhenNoneAllowed === "lowest-depth") chosen = list[list.length - 1]!.id;
      if (chosen !== null) this.r.set(k, chosen);
      this.decisions.push({ ...splitStateKey(k), pass: "other", candidates: list.map((c) => c.id), checks, chosen });
    }
  }
}
