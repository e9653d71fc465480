// Invariants the engine checks while it runs, where they can break (TigerBeetle's VOPR
// lesson: assert a property at the place that could violate it, not only in a checker
// at the end). A failed assert is a bug in netsplit, never a Matrix outcome: Matrix
// refusals are returned values (sim/matrix-error.ts), this throws.

/** A broken engine invariant; the message names it. */
export class InvariantError extends Error {
  constructor(readonly invariant: string) {
    super(`invariant broken: ${invariant}`);
    this.name = "InvariantError";
  }
}

/** Throw an InvariantError naming `invariant` unless `condition` holds. */
export function assert(condition: unknown, invariant: string | (() => string)): asserts condition {
  if (!condition) throw new InvariantError(typeof invariant === "string" ? invariant : invariant());
}
