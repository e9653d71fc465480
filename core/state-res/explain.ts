// Turning resolution's working data into the plain, JSON-able explanation.

import type { EventId } from "../ids.ts";
import type { StateKey, StateMap } from "../state-map.ts";
import { splitStateKey, stateMapToObject } from "../state-map.ts";
import type { ConflictedKey, MainlinePositionJson, PowerLevelValueJson, ResolutionExplanation } from "./types.ts";

/** What the algorithms return inside: the state now, the explanation only if asked for. */
export interface LazyOutcome {
  state: Map<StateKey, EventId>;
  explain: () => ResolutionExplanation;
}

export function powerLevelJson(level: number): PowerLevelValueJson {
  return level === Number.POSITIVE_INFINITY ? "infinity" : level;
}

export function positionJson(position: number): MainlinePositionJson {
  return position === Number.POSITIVE_INFINITY ? "infinity" : position;
}

export function conflictedKeysJson(conflicted: ReadonlyMap<StateKey, readonly EventId[]>): ConflictedKey[] {
  return [...conflicted.keys()].sort().map((k) => ({ ...splitStateKey(k), eventIds: [...conflicted.get(k)!] }));
}

/** A state map with its keys inserted in sorted order, so iterating it leaks nothing. */
export function sortedStateMap(state: StateMap): Map<StateKey, EventId> {
  return new Map([...state.keys()].sort().map((k) => [k, state.get(k)!] as const));
}

/** An explanation with nothing decided yet (shortcuts and custom resolvers fill in less). */
export function emptyExplanation(
  algorithm: ResolutionExplanation["algorithm"],
  roomVersion: string,
  stateSetCount: number,
  resolved: StateMap,
): ResolutionExplanation {
  return {
    algorithm,
    roomVersion,
    stateSetCount,
    unconflictedState: {},
    conflicted: [],
    conflictedStateSet: [],
    authDifference: [],
    fullConflictedSet: [],
    sortedPowerEvents: [],
    partialState: {},
    mainline: [],
    sortedRemainingEvents: [],
    authChecks: [],
    resolvedState: stateMapToObject(resolved),
  };
}
