// Counting the engine's expensive operations, for `npm run bench` only. The code that
// does such an operation calls countOp(name); nothing is counted unless a bench has
// installed a counter, so outside the bench the cost is one load and one branch, and a
// counter never changes a result (it is written, never read, by core/ and sim/).

/** The operations the bench reports per accepted PDU (hashing and signatures: see bench/). */
export const COUNTED_OPS = [
  "resolveState",
  "stateSnapshotToMap",
  "stateSnapshotGet",
  "structuredCloneJson",
  "checkAuth",
  "checkAuthAgainstState",
  "canonicalJson",
] as const;

export type CountedOp = (typeof COUNTED_OPS)[number];
export type OpCounts = Record<CountedOp, number>;

let installed: OpCounts | undefined;

/** Count one operation, if a counter is installed. */
export function countOp(op: CountedOp): void {
  if (installed !== undefined) installed[op]++;
}

/** Install a counter (the bench), or remove it with `undefined`. Returns the one it replaces. */
export function installOpCounter(counts: OpCounts | undefined): OpCounts | undefined {
  const previous = installed;
  installed = counts;
  return previous;
}

export function zeroOpCounts(): OpCounts {
  return Object.fromEntries(COUNTED_OPS.map((op) => [op, 0])) as OpCounts;
}
