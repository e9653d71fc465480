// How one direction of a link behaves. Settings are layered: the global default, then
// a per-link override (both directions), then a per-direction override; later layers
// change only the fields they name.

export interface LinkConfig {
  /** No message arrives sooner than this. */
  latencyMsMin: number;
  /** Typical one-way latency before jitter. */
  latencyMsMean: number;
  /** Uniform jitter added to the mean, in [-jitterMs, +jitterMs]. */
  jitterMs: number;
  /** Probability that a message is lost. */
  loss: number;
  /** Probability that a message is delivered twice. */
  duplication: number;
  /** Probability that a message is held back by an extra delay, arriving out of order. */
  reorder: number;
  /** The largest extra delay of a reordered message. */
  reorderDelayMsMax: number;
  /** Extra delay on a link cut in "slow" mode. */
  slowDelayMs: number;
}

export const DEFAULT_LINK: Readonly<LinkConfig> = Object.freeze({
  latencyMsMin: 5,
  latencyMsMean: 30,
  jitterMs: 10,
  loss: 0,
  duplication: 0,
  reorder: 0,
  reorderDelayMsMax: 200,
  slowDelayMs: 5_000,
});

export function validateLinkConfig(config: Partial<LinkConfig>, where: string): void {
  for (const [key, value] of Object.entries(config)) {
    if (!(key in DEFAULT_LINK)) throw new Error(`${where}: unknown link setting ${JSON.stringify(key)}`);
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      throw new Error(`${where}: ${key} must be a finite number ≥ 0, got ${String(value)}`);
    }
    if ((key === "loss" || key === "duplication" || key === "reorder") && value > 1) {
      throw new Error(`${where}: ${key} is a probability, got ${value}`);
    }
  }
}

const linkKey = (a: string, b: string) => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);
const directionKey = (from: string, to: string) => `${from}\u0000${to}`;

export class LinkConfigs {
  private global: Readonly<LinkConfig> = DEFAULT_LINK;
  private readonly perLink = new Map<string, Partial<LinkConfig>>();
  private readonly perDirection = new Map<string, Partial<LinkConfig>>();
  /**
   * The layers merged, per direction, until a setting changes: every message asks for its
   * link's settings, and merging them afresh each time (two keys, three spreads) was a
   * measurable part of sending one.
   */
  private readonly merged = new Map<string, Readonly<LinkConfig>>();

  setGlobal(config: Partial<LinkConfig>): void {
    validateLinkConfig(config, "network");
    this.global = Object.freeze({ ...this.global, ...config });
    this.merged.clear();
  }

  setLink(a: string, b: string, config: Partial<LinkConfig>): void {
    validateLinkConfig(config, `link ${a}–${b}`);
    this.perLink.set(linkKey(a, b), { ...this.perLink.get(linkKey(a, b)), ...config });
    this.merged.clear();
  }

  setDirection(from: string, to: string, config: Partial<LinkConfig>): void {
    validateLinkConfig(config, `link ${from}→${to}`);
    this.perDirection.set(directionKey(from, to), { ...this.perDirection.get(directionKey(from, to)), ...config });
    this.merged.clear();
  }

  /** The settings of one direction (frozen: shared until a setting changes). */
  get(from: string, to: string): Readonly<LinkConfig> {
    if (this.perLink.size === 0 && this.perDirection.size === 0) return this.global;
    const key = directionKey(from, to);
    let config = this.merged.get(key);
    if (!config) {
      config = Object.freeze({ ...this.global, ...this.perLink.get(linkKey(from, to)), ...this.perDirection.get(key) });
      this.merged.set(key, config);
    }
    return config;
  }
}
