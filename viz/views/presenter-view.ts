// The presenter layout's right-hand side: a lane per server with its room's newest
// events (a chip each: the creating server's colour on its edge, a readable label, a
// ▲ on the heads, a glyph for the outcome), the server's state group (letter and
// colour, as on the network), and the state keys the groups disagree on. Plain HTML so
// the text stays sharp at projector sizes; each lane is rebuilt only when what it shows
// changed (while playing, a few servers' DAGs change per frame, not all twelve).
// Every chip can take focus and says what it is.

import type { Presenter, ServerLane } from "../model/presenter.ts";
import { creatorColour, stateColour, STATUS_GLYPH } from "./palette.ts";

export interface PresenterCallbacks {
  /** An event chip was activated (click, Enter): show it in the details. */
  eventChosen(server: string, event: string): void;
}

export class PresenterView {
  private drawn = "";
  private highlight = new Set<string>();
  /** Each lane's element and what it was built from. */
  private readonly lanes = new Map<string, { sig: string; row: HTMLElement }>();
  private diffsDrawn = "";

  constructor(
    private readonly lanesEl: HTMLElement,
    private readonly diffsEl: HTMLElement,
    private readonly callbacks: PresenterCallbacks,
  ) {}

  update(p: Presenter, servers: readonly string[], highlight: ReadonlySet<string>): void {
    const sig = JSON.stringify([p, [...highlight].sort()]);
    if (sig === this.drawn) return;
    this.drawn = sig;
    this.highlight = new Set(highlight);
    const lit = [...highlight].sort().join(" ");
    const rows = p.lanes.map((lane) => {
      const group = lane.group === null ? null : p.groups[lane.group]!;
      const sig = JSON.stringify([lane, group, servers, lit]);
      const known = this.lanes.get(lane.server);
      if (known?.sig === sig) return known.row;
      const row = this.lane(lane, p, servers);
      this.lanes.set(lane.server, { sig, row });
      return row;
    });
    // A rebuilt lane replaces its old element in place; the others are not touched (moving
    // nodes that stay makes the browser restyle and lay out all of them).
    const children = this.lanesEl.children;
    if (rows.length !== children.length) this.lanesEl.replaceChildren(...rows);
    else rows.forEach((r, i) => children[i] !== r && children[i]!.replaceWith(r));
    const diffs = JSON.stringify([p.differences, p.groups]);
    if (diffs !== this.diffsDrawn) {
      this.diffsDrawn = diffs;
      this.diffsEl.replaceChildren(...this.differences(p));
    }
  }

  private lane(lane: ServerLane, p: Presenter, servers: readonly string[]): HTMLElement {
    const row = el("div", "srv-lane");
    row.dataset.testid = `lane-${lane.server}`;
    row.classList.toggle("highlight", this.highlight.has(lane.server));
    const name = el("div", "lane-name");
    const group = lane.group === null ? null : p.groups[lane.group]!;
    const badge = el("span", "group-badge", group?.letter ?? "–");
    badge.style.background = stateColour(lane.group);
    badge.title = group ? `state ${group.letter}: held by ${group.servers.join(", ")}` : "no state for this room";
    name.append(badge, el("span", "lane-server", lane.server));
    const heads = el(
      "span",
      `lane-heads${lane.heads > 1 ? " many" : ""}`,
      `${lane.heads} head${lane.heads === 1 ? "" : "s"}`,
    );
    heads.dataset.testid = `heads-${lane.server}`;
    name.append(heads);
    const events = el("ol", "lane-events");
    for (const e of lane.events) {
      const chip = el("li", `chip ${e.status}${e.head ? " head" : ""}`);
      chip.tabIndex = 0;
      chip.dataset.event = e.id;
      chip.dataset.head = String(e.head);
      chip.style.borderLeftColor = creatorColour(servers, e.creator);
      chip.classList.toggle("highlight", this.highlight.has(e.id));
      const glyph = e.status === "accepted" ? "" : `${STATUS_GLYPH[e.status]} `;
      chip.append(el("span", "chip-label", `${e.head ? "▲ " : ""}${glyph}${e.label}`));
      chip.append(el("span", "chip-creator", e.creator));
      chip.setAttribute(
        "aria-label",
        `${lane.server}: ${e.label}, created on ${e.creator}, ${e.status.replace("_", "-")}${e.head ? ", a head" : ""}`,
      );
      const choose = () => this.callbacks.eventChosen(lane.server, e.id);
      chip.addEventListener("click", choose);
      chip.addEventListener("keydown", (k) => {
        if (k.key === "Enter") choose();
      });
      events.append(chip);
    }
    row.append(name, events);
    return row;
  }

  private differences(p: Presenter): HTMLElement[] {
    if (p.differences.length === 0) {
      const same = el("p", "diff-none", p.groups.length <= 1 ? "Every server holds the same state." : "");
      return [same];
    }
    return p.differences.map((d) => {
      const row = el("div", "diff");
      row.dataset.testid = "difference";
      row.dataset.key = d.label;
      row.append(el("span", "diff-key", `≠ ${d.label}`));
      for (const v of d.values) {
        const cell = el("span", "diff-value");
        const badge = el("span", "group-badge", v.letter);
        badge.style.background = stateColour(p.groups.findIndex((g) => g.letter === v.letter));
        cell.append(badge, document.createTextNode(` ${v.text} `), el("small", "", `on ${v.servers.join(", ")}`));
        row.append(cell);
      }
      return row;
    });
  }
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}
