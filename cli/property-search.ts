// The search behind `netsplit check` and `netsplit difftest`: draw values from an
// arbitrary until one fails, let fast-check shrink it to a minimal one, and say how to
// replay the search (its seed). The predicate returns what went wrong, or null.

import fc from "fast-check";

export interface SearchOptions {
  seed: number;
  runs: number;
  /** Called when the first failure is found, before shrinking. */
  onFailure?: (run: number) => void;
}

/** Values that are the same JSON get the same answer without asking the predicate again. */
const SEEN_MAX = 100_000;

export type SearchResult<T, F> =
  | { found: false; runs: number }
  | { found: true; value: T; failure: F; run: number; shrinks: number; path: string | null };

export function searchCounterexample<T, F>(
  arbitrary: fc.Arbitrary<T>,
  failureOf: (value: T) => F | null,
  options: SearchOptions,
): SearchResult<T, F> {
  let runs = 0;
  let firstFailureAt = 0;
  // Shrinking tries many plans that build the same value (a changed field of a skipped
  // operation): remember each value's answer, since a run can cost a process.
  const seen = new Map<string, F | null>();
  const answer = (value: T): F | null => {
    const key = JSON.stringify(value);
    if (seen.has(key)) return seen.get(key)!;
    const f = failureOf(value);
    if (seen.size >= SEEN_MAX) seen.clear();
    seen.set(key, f);
    return f;
  };
  const details = fc.check(
    fc.property(arbitrary, (value) => {
      runs++;
      const passed = answer(value) === null;
      if (!passed && firstFailureAt === 0) {
        firstFailureAt = runs;
        options.onFailure?.(runs);
      }
      return passed;
    }),
    { seed: options.seed, numRuns: options.runs },
  );
  if (!details.failed) return { found: false, runs: details.numRuns };
  if (details.errorInstance && !details.counterexample) throw details.errorInstance;
  const value = details.counterexample![0];
  const failure = answer(value);
  if (failure === null) throw new Error(`the shrunk counterexample passed (seed ${options.seed})`);
  return {
    found: true,
    value,
    failure,
    run: firstFailureAt,
    shrinks: details.numShrinks,
    path: details.counterexamplePath,
  };
}

/** The default seed of a search: different each time, and printed so the search can be replayed. */
export function freshSeed(): number {
  return Date.now() % 2_147_483_647;
}
