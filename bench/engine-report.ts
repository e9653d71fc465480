// The engine bench's verdict on issue 12's headline goal (10 µs per delivery), with where
// the time of a delivery goes when it falls short: the collector's pauses, and what the
// trace costs, kept (the unsigned row), hashed as it comes (hash-only, the CLI's default)
// or not at all (none: the engine's own cost). bench/engine.bench.ts measures.

export interface PhaseCost {
  deliveries: number;
  cpuUs: number;
  wallUs: number;
  /** Wall microseconds of the phase in V8's collection pauses (bench/gc-pauses.ts). */
  gcWallUs: number;
}

const per = (total: number, m: PhaseCost): number => total / m.deliveries;
const us = (x: number): string => x.toFixed(1);
const signedUs = (x: number): string => (x < 0 ? `−${us(-x)}` : `+${us(x)}`);

/** One line per row: CPU and wall µs per delivery, and the share of the wall clock the collector paused. */
export function costLine(label: string, m: PhaseCost): string {
  const wall = per(m.wallUs, m);
  const gc = per(m.gcWallUs, m);
  return `${label}: ${us(per(m.cpuUs, m))} CPU µs per delivery, ${us(wall)} wall, of which the collector's pauses ${us(gc)} (${((100 * gc) / wall).toFixed(0)}%)`;
}

/**
 * The goal's verdict for the unsigned run (the trace kept), then where its time goes:
 * the same phase without a trace (none) and hashed as it comes (hash-only).
 */
export function deliveryVerdict(goalUs: number, kept: PhaseCost, none: PhaseCost, hashed: PhaseCost): string[] {
  const cpu = per(kept.cpuUs, kept);
  const bare = per(none.cpuUs, none);
  const verdict =
    cpu <= goalUs ? "met" : `×${(cpu / goalUs).toFixed(1)} short; with no trace at all ×${(bare / goalUs).toFixed(1)}`;
  return [
    `unsigned: ${us(cpu)} CPU µs per delivery, goal ≤ ${goalUs}: ${verdict}`,
    costLine("  trace kept (unsigned)", kept),
    costLine("  no trace (none)", none),
    costLine("  trace hashed as it comes (hash-only, the CLI's default)", hashed),
    `  against no trace, CPU µs per delivery: ${signedUs(cpu - bare)} to keep the records, ${signedUs(per(hashed.cpuUs, hashed) - bare)} to hash them as they come`,
  ];
}
