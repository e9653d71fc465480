// The encoded bytes of objects met lately, kept in one reused buffer: the trace hash writes
// a PDU's frozen lists of prev and auth events once per server that stores it, all within
// a round of deliveries, and copies them from here after the first. One buffer rather than
// a Uint8Array per entry: each of those took memory outside V8's heap that the process
// kept after they were collected (resident memory 100-130 B more per delivery in a
// 10-server room, 90,000 deliveries, with the heap the same).
//
// The buffer is written round and round. An entry is good while its bytes have not been
// written over: made in this lap, or in the last one at or after where this lap has got to.
// `writeTo` answers false for any other, so it never hands back bytes of something else.

export interface BytesSink {
  /** Append `length` bytes of `source` from `start`. */
  bytes(source: Uint8Array, start?: number, length?: number): void;
}

interface Entry {
  start: number;
  length: number;
  lap: number;
}

export class RecentBytes {
  private readonly buffer: Uint8Array;
  private readonly entries = new Map<object, Entry>();
  private cursor = 0;
  private lap = 0;

  constructor(
    bufferBytes = 1 << 16,
    /** At most this many entries (the oldest goes first). */
    private readonly entriesMax = 256,
  ) {
    this.buffer = new Uint8Array(bufferBytes);
  }

  /** Write the bytes kept for `key` to `sink`; false when there are none (never kept, or written over). */
  writeTo(key: object, sink: BytesSink): boolean {
    const entry = this.entries.get(key);
    if (entry === undefined) return false;
    if (!this.intact(entry)) {
      this.entries.delete(key);
      return false;
    }
    sink.bytes(this.buffer, entry.start, entry.length);
    return true;
  }

  /** Keep a copy of `bytes` for `key` (nothing when they would fill more than half the buffer). */
  keep(key: object, bytes: Uint8Array): void {
    // Whatever was kept for the key before is no longer its bytes.
    this.entries.delete(key);
    const length = bytes.length;
    if (length > this.buffer.length / 2) return;
    if (this.cursor + length > this.buffer.length) {
      this.lap++;
      this.cursor = 0;
    }
    this.buffer.set(bytes, this.cursor);
    if (this.entries.size >= this.entriesMax) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { start: this.cursor, length, lap: this.lap });
    this.cursor += length;
  }

  private intact(entry: Entry): boolean {
    return entry.lap === this.lap || (entry.lap === this.lap - 1 && entry.start >= this.cursor);
  }
}
