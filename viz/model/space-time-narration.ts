// What a walkthrough note marks on the space-time diagram (issue 17): the same things it
// lights in the network and the lanes (model/narration.ts), in the diagram's terms — the
// lanes of the servers it names, the transactions along the links it names (those in the
// air at the note or sent after it: a note speaks of what happens from then on, not of
// the whole run's traffic between two servers), the dots of the events it names, and the
// note's own line on the time axis. Plus the same in words, for a screen reader and for
// the legend under the diagram. Pure: the view draws what this says.

import type { LaneDot, TxnArrow } from "./space-time-log.ts";

export interface SpaceTimeLit {
  /** Servers whose lanes are marked. */
  lanes: ReadonlySet<string>;
  /** Server pairs ("a|b", a < b) whose transactions (either way) are marked. */
  pairs: ReadonlySet<string>;
  /** Event ids whose dots are marked. */
  events: ReadonlySet<string>;
  /** The note in force (its line is marked; transactions are marked from its time on). */
  note: { seq: number; atMs: number } | null;
  /** Equal for equal marks (the view redraws when it changes). */
  key: string;
}

export const NOTHING_LIT: SpaceTimeLit = { lanes: new Set(), pairs: new Set(), events: new Set(), note: null, key: "" };

/**
 * The space-time marks of what a note lights: `lit` holds servers, users ("@…"), links
 * ("a|b") and event ids ("$…"), as `litBy` returns it; `servers` says which names are
 * servers (a user's id is not a lane).
 */
export function spaceTimeLit(
  lit: ReadonlySet<string>,
  servers: readonly string[],
  note: { seq: number; atMs: number } | null,
): SpaceTimeLit {
  if (lit.size === 0 || note === null) return NOTHING_LIT;
  const known = new Set(servers);
  const lanes = new Set<string>();
  const pairs = new Set<string>();
  const events = new Set<string>();
  for (const id of lit) {
    if (id.startsWith("$")) events.add(id);
    else if (known.has(id)) lanes.add(id);
    else {
      const [a, b, ...rest] = id.split("|");
      // Only links between two servers carry transactions (not a server's link to an appservice).
      if (a && b && rest.length === 0 && known.has(a) && known.has(b)) pairs.add(pairKey(a, b));
    }
  }
  if (lanes.size + pairs.size + events.size === 0) return NOTHING_LIT;
  const key = [note.seq, [...lanes].sort(), [...pairs].sort(), [...events].sort()].join("/");
  return { lanes, pairs, events, note, key };
}

export function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

/** Whether a transaction is marked: along a marked link, and in the air at the note or sent after it. */
export function arrowLit(lit: SpaceTimeLit, a: TxnArrow): boolean {
  if (!lit.note || lit.pairs.size === 0 || !lit.pairs.has(pairKey(a.from, a.to))) return false;
  return a.sentAtMs >= lit.note.atMs || endedAtMs(a) >= lit.note.atMs;
}

/** When an arrow stopped being in the air, as far as the records received say (Infinity: not yet). */
function endedAtMs(a: TxnArrow): number {
  return a.arrived?.atMs ?? a.lost?.atMs ?? (a.outcome && !a.outcome.ok ? a.outcome.atMs : Infinity);
}

export function dotLit(lit: SpaceTimeLit, d: LaneDot): boolean {
  return lit.events.has(d.event);
}

/** How many of the marked things exist at the cursor (the first `arrowCount` arrows, `dotCount` dots). */
export function countLit(
  lit: SpaceTimeLit,
  st: { arrows: readonly TxnArrow[]; arrowCount: number; dots: readonly LaneDot[]; dotCount: number },
): { arrows: number; events: number } {
  let arrows = 0;
  let events = 0;
  if (lit.pairs.size) for (let i = 0; i < st.arrowCount; i++) if (arrowLit(lit, st.arrows[i]!)) arrows++;
  if (lit.events.size) for (let i = 0; i < st.dotCount; i++) if (dotLit(lit, st.dots[i]!)) events++;
  return { arrows, events };
}

/**
 * The marks in words, each with how it is drawn (a shape or a line style, never only a
 * colour): what a screen reader says for the diagram, and the legend under it.
 */
export function describeSpaceTimeLit(
  lit: SpaceTimeLit,
  counts: { arrows: number; events: number },
  formatTime: (ms: number) => string,
): string {
  if (lit === NOTHING_LIT || !lit.note) return "";
  const parts: string[] = [];
  if (lit.lanes.size) parts.push(`the lanes of ${list([...lit.lanes].sort())} (thick, ▶ before the name)`);
  if (lit.pairs.size) {
    const between = [...lit.pairs].sort().map((p) => p.replace("|", "–"));
    parts.push(
      `${counts.arrows} ${counts.arrows === 1 ? "transaction" : "transactions"} between ${list(between)} from ${formatTime(lit.note.atMs)} on (wide, haloed)`,
    );
  }
  if (lit.events.size) parts.push(`${counts.events} named ${counts.events === 1 ? "event" : "events"} (◆ diamonds)`);
  parts.push(`the note's own line at ${formatTime(lit.note.atMs)} (solid)`);
  return `Marked for this note: ${list(parts)}.`;
}

function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}
