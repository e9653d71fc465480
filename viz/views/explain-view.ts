// What the resolver says about a server's state, on request: which state sets it
// resolved, the unconflicted keys, the conflicted set, the power events in reverse
// topological power order with their sort keys, the mainline, the other events in
// mainline order, and every auth check — the spec's steps, in order. On top, in large
// type, one sentence per disputed key: what won and why (model/verdict.ts).

import type { ExplainResult } from "../engine/explain.ts";
import { shortId } from "../model/dag.ts";
import { verdictsOf, type VerdictEvent } from "../model/verdict.ts";

function esc(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

const id = (x: string) => `<code title="${esc(x)}">${esc(shortId(x))}</code>`;

/** An event as the explanation names it: its sender, and "topic: “minority”". */
export interface ExplainedEvent extends VerdictEvent {
  /** "topic: “minority”", "member @bob:hs2: join": the type, for the step-by-step lists. */
  long: string;
}

export function renderExplanation(
  el: HTMLElement,
  result: ExplainResult,
  lookup: (eventId: string) => ExplainedEvent | undefined,
): void {
  if (!result.ok) {
    el.innerHTML = `<p class="muted">${esc(result.reason)}</p>`;
    return;
  }
  const x = result.explanation;
  const ev = (e: string) => `${id(e)} ${esc(lookup(e)?.long ?? "")}`;
  const list = (items: string[]) =>
    items.length ? `<ol>${items.map((i) => `<li>${i}</li>`).join("")}</ol>` : `<p class="muted">none</p>`;
  const unconflicted = Object.entries(x.unconflictedState).reduce((n, [, keys]) => n + Object.keys(keys).length, 0);
  const what =
    result.of === "event"
      ? `the state before ${id(result.event!)} (its prev events)`
      : `${result.server}'s current state (its forward extremities)`;
  el.innerHTML =
    `<h3>${esc(result.server)}: why this state</h3>` +
    `<ul class="verdicts" data-testid="verdict">${verdictsOf(x, lookup)
      .map((v) => `<li data-key="${esc(v.key)}">${esc(v.sentence)}</li>`)
      .join("")}</ul>` +
    `<p>State resolution ${esc(x.algorithm)} (room version ${esc(x.roomVersion)}) over ${x.stateSetCount} state set${x.stateSetCount === 1 ? "" : "s"}: ${what} — ${result.stateSets.map(id).join(", ")}.</p>` +
    (x.stateSetCount < 2
      ? `<p class="muted">One state set: nothing to resolve; the state is the state after that event.</p>`
      : "") +
    `<p>${unconflicted} unconflicted key${unconflicted === 1 ? "" : "s"}; ${x.conflicted.length} conflicted.</p>` +
    `<h4>Conflicted state set</h4>` +
    list(
      x.conflicted.map(
        (c) =>
          `<b>${esc(c.type)}</b>${c.stateKey ? ` <code>${esc(c.stateKey)}</code>` : ""}: ${c.eventIds.map(ev).join(" vs ")}`,
      ),
    ) +
    `<h4>Full conflicted set</h4><p>${x.fullConflictedSet.map(id).join(" ") || "empty"}</p>` +
    `<h4>1. Power events, reverse topological power order</h4>` +
    list(
      x.sortedPowerEvents.map(
        (p) => `${ev(p.eventId)} <span class="muted">sender power ${p.senderPowerLevel}, ts ${p.originServerTs}</span>`,
      ),
    ) +
    `<h4>3. Mainline</h4>` +
    list(x.mainline.map(ev)) +
    `<h4>3. Other events in mainline order</h4>` +
    list(
      x.sortedRemainingEvents.map(
        (p) =>
          `${ev(p.eventId)} <span class="muted">mainline position ${p.mainlinePosition}, ts ${p.originServerTs}</span>`,
      ),
    ) +
    `<h4>2 and 4. Iterative auth checks</h4>` +
    list(
      x.authChecks.map(
        (c) =>
          `step ${c.step}: ${ev(c.eventId)} — ${c.outcome === "rejected" ? `<span class="bad">rejected by rule ${esc(c.rule)}: ${esc(c.reason)}</span>` : esc(c.outcome)}`,
      ),
    );
}
