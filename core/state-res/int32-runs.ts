// Many short runs of 32-bit integers stored in a few large blocks. The chain cover keeps
// one run per event (its `reach`). A typed array of its own per event meant an off-heap
// allocation per event; indexing the benchmark's 93,000-event auth chains, those
// allocations and the garbage collections they set off took about a third of a fresh
// resolution (bench/state-res.bench.ts).

/** Integers per block (4 MiB); a longer run gets a block of its own. */
export const RUN_BLOCK_LENGTH = 1 << 20;

export class Int32Runs {
  private readonly blocks: Int32Array[] = [];
  /** How much of the last block is taken. */
  private used = 0;
  private readonly blockOf: number[] = [];
  private readonly startOf: number[] = [];
  private readonly endOf: number[] = [];

  constructor(private readonly blockLength = RUN_BLOCK_LENGTH) {
    if (!Number.isSafeInteger(blockLength) || blockLength < 1)
      throw new Error(`Int32Runs: block length ${blockLength} is not a positive integer`);
  }

  /** How many runs there are; runs are numbered 0, 1, ... in the order appended. */
  get count(): number {
    return this.startOf.length;
  }

  /**
   * Reserve the next run, `length` integers (zeros), and return its number. Write it
   * through `block(run)` from `start(run)` to `end(run)`.
   */
  append(length: number): number {
    const last = this.blocks[this.blocks.length - 1];
    if (last === undefined || this.used + length > last.length) {
      this.blocks.push(new Int32Array(Math.max(this.blockLength, length)));
      this.used = 0;
    }
    const run = this.startOf.length;
    this.blockOf.push(this.blocks.length - 1);
    this.startOf.push(this.used);
    this.used += length;
    this.endOf.push(this.used);
    return run;
  }

  /** The block that holds `run` (shared with other runs: read only start..end). */
  block(run: number): Int32Array {
    return this.blocks[this.blockOf[run]!]!;
  }

  start(run: number): number {
    return this.startOf[run]!;
  }

  end(run: number): number {
    return this.endOf[run]!;
  }

  /** The run as its own view (allocates one; loops that run often use block/start/end). */
  view(run: number): Int32Array {
    return this.block(run).subarray(this.start(run), this.end(run));
  }
}
