// A server's own clock: virtual time plus a constant offset and a drift, since
// origin_server_ts breaks ties in state resolution and real servers' clocks disagree.

/** Virtual time 0 is this wall-clock instant (2026-01-01T00:00:00Z), so timestamps look real. */
export const EPOCH_MS = 1_767_225_600_000;

export interface ClockSkew {
  /** Constant offset from true time, in ms (positive: the server runs ahead). */
  offsetMs: number;
  /** Drift in parts per million (positive: the server's clock runs fast). */
  driftPpm: number;
}

export const NO_SKEW: Readonly<ClockSkew> = Object.freeze({ offsetMs: 0, driftPpm: 0 });

/** The server's wall-clock reading at virtual time `nowMs`, in whole milliseconds. */
export function serverTimeMs(nowMs: number, skew: ClockSkew): number {
  return Math.floor(EPOCH_MS + nowMs + skew.offsetMs + (nowMs * skew.driftPpm) / 1_000_000);
}
