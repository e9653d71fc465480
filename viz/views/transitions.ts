// One named transition per update, shared by everything that update animates (enter,
// update and exit alike, d3's `.transition(t)` inherits its name and timing); separate
// names for channels that must not cancel each other: "state" for colours and cuts,
// "dag" for the DAG's positions.

import { transition, type BaseType, type Transition } from "d3";

// d3's types cannot express a transition made on the root and inherited by any
// selection, hence the `any` (the runtime allows it: that is how d3 shares timing).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type SharedTransition = Transition<any, any, any, any>;

export function stepTransition(name: "state" | "dag", durationMs = 250): SharedTransition {
  return transition(name).duration(durationMs) as Transition<BaseType, unknown, null, undefined> as SharedTransition;
}
