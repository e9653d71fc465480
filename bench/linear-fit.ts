// Linear in servers: the cost of a run is a cost per message sent (building, signing and
// storing it once) plus a cost per delivery, with nothing growing faster. So the cost per
// delivery is not flat (with 3 servers a message's own cost is shared by 2 deliveries, with
// 100 by 99), but cost = a·messages + b·deliveries must fit every server count. The engine
// bench fits CPU microseconds; bench:instructions fits instructions counted under valgrind,
// which neither the neighbours on the machine nor cache misses move (only the collector's
// pacing by the clock, by a few percent).
//
// The fit minimises the sum of squared relative misfits, the quantity the goal is about.
// A plain least-squares fit of the CPU microseconds is ruled by the largest run (100
// servers cost 30 times what 3 do) and sacrifices the small ones to it: on the same four
// runs it put the cost of a message below zero (-9 µs) and missed 3 servers by 43%.

/** One run of a shape: what it did and what it cost (µs, instructions: any one unit). */
export interface SizedRun {
  label: string;
  messages: number;
  deliveries: number;
  cost: number;
}

export interface LinearFit {
  perMessage: number;
  perDelivery: number;
  /** The run the fit misses most, and by how much of its cost. */
  worst: { label: string; misfit: number };
  /** How many runs were fitted: two fit any two costs exactly, so only three or more can miss. */
  runs: number;
}

/** The server counts both benches fit (the engine bench's BENCH_ENGINE_SERVERS overrides them). */
export const SERVER_COUNTS: readonly number[] = [3, 10, 30, 100];

/** Issue 12's "linear in servers": every run within this fraction of the fit. */
export const LINEAR_MISFIT_MAX = 0.15;

/** The fit, or undefined when the runs cannot decide it (fewer than two, or proportional). */
export function fitLinear(runs: readonly SizedRun[]): LinearFit | undefined {
  // Normal equations of 1 ≈ a·(m/c) + b·(d/c), without an intercept.
  let mm = 0,
    md = 0,
    dd = 0,
    mc = 0,
    dc = 0;
  for (const { messages, deliveries, cost } of runs) {
    const m = messages / cost;
    const d = deliveries / cost;
    mm += m * m;
    md += m * d;
    dd += d * d;
    mc += m;
    dc += d;
  }
  const det = mm * dd - md * md;
  if (runs.length < 2 || det === 0) return undefined;
  const a = (mc * dd - md * dc) / det;
  const b = (mm * dc - md * mc) / det;
  const misfits = runs.map(({ label, messages, deliveries, cost }) => ({
    label,
    misfit: Math.abs(a * messages + b * deliveries - cost) / cost,
  }));
  return {
    perMessage: a,
    perDelivery: b,
    worst: misfits.reduce((x, y) => (y.misfit > x.misfit ? y : x)),
    runs: runs.length,
  };
}

/** The fit's verdict on the goal, for a printed line. */
export function misfitVerdict(fit: LinearFit): string {
  if (fit.runs < 3)
    return `no verdict on linear: ${fit.runs} runs fit two costs exactly (it takes three sizes or more)`;
  const { label, misfit } = fit.worst;
  return `worst misfit ${(100 * misfit).toFixed(0)}% (${label}); goal linear (misfit ≤ ${100 * LINEAR_MISFIT_MAX}%): ${misfit <= LINEAR_MISFIT_MAX ? "met" : "NOT met"}`;
}
