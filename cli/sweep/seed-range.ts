// The seeds of a sweep: an inclusive range A..B, and the slice of it one machine runs
// when a sweep is split into shards. Shards are contiguous and as equal as can be, so
// shard I of N is the same seeds on every machine, and the shards together are the range.

import { parseSeedText, SEED_GRAMMAR } from "../args.ts";
import { UsageError } from "../command.ts";

export interface SeedRange {
  first: number;
  last: number;
}

export interface Shard {
  index: number;
  count: number;
  /** Where the shard came from: "--shard" or an environment variable's name. */
  from: string;
}

/** A sweep's range holds at most this many seeds (all its shards together). */
export const SEEDS_MAX = 100_000_000;

export function parseSeedRange(text: string | undefined): SeedRange {
  if (text === undefined) throw new UsageError("--seeds A..B is required (e.g. --seeds 1..100)");
  const m = /^([^.]*)\.\.([^.]*)$/.exec(text);
  if (!m) throw new UsageError(`--seeds must look like A..B (e.g. 1..100), got ${JSON.stringify(text)}`);
  const first = parseSeedText(m[1]!);
  const last = parseSeedText(m[2]!);
  if (first === undefined || last === undefined)
    throw new UsageError(`--seeds ${JSON.stringify(text)}: each end must be ${SEED_GRAMMAR}`);
  if (first > last) throw new UsageError(`--seeds ${text}: the first seed is after the last (write ${last}..${first})`);
  if (last - first + 1 > SEEDS_MAX)
    throw new UsageError(`--seeds ${text}: more than ${SEEDS_MAX} seeds; split the range with --shard`);
  return { first, last };
}

/**
 * One process runs at most this many seeds (the whole range, or its shard); an experiment
 * as many runs. It keeps every line (a sweep's is about 300 bytes) for the summary and the
 * sorted file: 100 million seeds ran out of memory with a stack trace before the first one
 * ran. Larger ranges are split into shards, whose files are merged in bounded memory.
 */
export const JOBS_PER_PROCESS_MAX = 1_000_000;

/**
 * Throws a UsageError when one process would run more than JOBS_PER_PROCESS_MAX of the
 * `total` jobs; `what` names them as the user asked ("seeds 0..99", "runs of exp.json").
 */
export function checkSliceSize(total: number, slice: SeedRange | null, unit: string, what: string): void {
  const size = slice ? slice.last - slice.first + 1 : 0;
  if (size <= JOBS_PER_PROCESS_MAX) return;
  const shards = Math.ceil(total / JOBS_PER_PROCESS_MAX);
  throw new UsageError(
    `${size} ${unit} in one process, more than ${JOBS_PER_PROCESS_MAX}: split the ${what} into at least ${shards} shards (--shard I/${shards}) and merge their files`,
  );
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) throw new UsageError(`--shard must look like I/N (e.g. 0/4), got ${JSON.stringify(text)}`);
  return checkedShard(Number(m[1]), Number(m[2]), "--shard");
}

export function checkedShard(index: number, count: number, from: string): Shard {
  if (!Number.isSafeInteger(count) || count < 1)
    throw new UsageError(`${from}: the number of shards must be at least 1, got ${count}`);
  if (!Number.isSafeInteger(index) || index < 0 || index >= count)
    throw new UsageError(`${from}: shard index ${index} is not in 0..${count - 1}`);
  return { index, count, from };
}

/** Shard `index` of `count` equal contiguous slices of the range (empty when there are more shards than seeds). */
export function shardRange(range: SeedRange, shard: Pick<Shard, "index" | "count">): SeedRange | null {
  const size = range.last - range.first + 1;
  const start = range.first + Math.floor((shard.index * size) / shard.count);
  const end = range.first + Math.floor(((shard.index + 1) * size) / shard.count) - 1;
  return end >= start ? { first: start, last: end } : null;
}

export function seedsOf(range: SeedRange | null): number[] {
  if (!range) return [];
  return Array.from({ length: range.last - range.first + 1 }, (_, i) => range.first + i);
}

export function formatRange(range: SeedRange): string {
  return `${range.first}..${range.last}`;
}
