// The presenter layout's right-hand side: a lane per server with its room's newest
// events (a chip each: the creating server's colour on its edge, a readable label, a
// ▲ on the heads, a glyph for the outcome), the server's state group (letter and
// colour, as on the network), and the state keys the groups disagree on. Plain HTML so
// the text stays sharp at projector sizes; lanes are kept and their chips kept by event
// id, so an update touches only the chips that changed (while playing: the one or two
// new events per lane, and the head that stopped being one).
// While playing, only the lanes in sight are brought up to date (an IntersectionObserver
// says which): at thirty servers two thirds of them lie below the panel's fold, and every
// refresh replaced all their chips — most of a long task's script and layout. A lane that
// comes into sight is filled then; at rest every lane is. And those in sight are filled a
// few per frame (`drain`), so that no one frame lays out every lane's new chips (at twelve
// servers, the frames that missed their 16.7 ms).
// Every chip can take focus and says what it is.

import type { LaneEvent, Presenter, ServerLane, StateGroup } from "../model/presenter.ts";
import { setText } from "./dom-writes.ts";
import { creatorColour, stateColour, STATUS_GLYPH } from "./palette.ts";

export interface PresenterCallbacks {
  /** An event chip was activated (click, Enter): show it in the details. */
  eventChosen(server: string, event: string): void;
}

export class PresenterView {
  private drawn = "";
  private highlight = new Set<string>();
  /** Each server's lane element, kept across updates, and what it should show (`stale`: not filled with it yet). */
  private readonly lanes = new Map<
    string,
    { row: HTMLElement; lane?: ServerLane; group?: StateGroup | null; stale?: boolean }
  >();
  private diffsDrawn = "";
  /** Lanes the observer reported out of sight (a lane it has not reported on counts as in sight). */
  private readonly hidden = new Set<string>();
  private readonly sight: IntersectionObserver;
  private servers: readonly string[] = [];
  /** Lanes in sight still to fill while playing, in order (`drain` fills a few per frame). */
  private pending: string[] = [];

  constructor(
    private readonly lanesEl: HTMLElement,
    private readonly diffsEl: HTMLElement,
    private readonly callbacks: PresenterCallbacks,
  ) {
    this.sight = new IntersectionObserver(
      (entries) => {
        for (const e of entries) {
          const server = (e.target as HTMLElement).dataset.server!;
          if (!e.isIntersecting) {
            this.hidden.add(server);
            continue;
          }
          this.hidden.delete(server);
          this.fill(server);
        }
      },
      // The lanes scroll inside their panel; a lane about to scroll in is filled already.
      { root: lanesEl.closest(".side-panel"), rootMargin: "60px 0px" },
    );
  }

  /**
   * `everyLane`: bring every lane up to date now (at rest); else (playing) only those in
   * sight, `lanesNow` of them now and the rest by `drain` on the next frames.
   */
  update(
    p: Presenter,
    servers: readonly string[],
    highlight: ReadonlySet<string>,
    everyLane = true,
    lanesNow = Infinity,
  ): void {
    const sig = JSON.stringify([p, [...highlight].sort(), everyLane]);
    if (sig === this.drawn) return;
    this.drawn = sig;
    this.highlight = new Set(highlight);
    this.servers = servers;
    const rows = p.lanes.map((lane) => {
      const group = lane.group === null ? null : p.groups[lane.group]!;
      const known = this.lanes.get(lane.server);
      const row = known?.row ?? this.newLane(lane.server);
      this.lanes.set(lane.server, { row, lane, group, stale: !everyLane });
      if (everyLane) this.fillLane(row, lane, group, servers);
      return row;
    });
    this.pending = everyLane ? [] : p.lanes.map((l) => l.server);
    this.drain(lanesNow);
    // A new lane is inserted; the others stay where they are (moving nodes that stay makes
    // the browser restyle and lay out all of them).
    const children = this.lanesEl.children;
    if (rows.length !== children.length || rows.some((r, i) => children[i] !== r))
      this.lanesEl.replaceChildren(...rows);
    const diffs = JSON.stringify([p.differences, p.groups]);
    if (diffs !== this.diffsDrawn) {
      this.diffsDrawn = diffs;
      this.diffsEl.replaceChildren(...this.differences(p));
    }
  }

  /** Fill up to `budget` of the lanes in sight still waiting; how many wait still. */
  drain(budget: number): number {
    let filled = 0;
    while (filled < budget && this.pending.length) {
      const server = this.pending.shift()!;
      // One out of sight waits until it comes into sight.
      if (!this.hidden.has(server) && this.fill(server)) filled++;
    }
    return this.pending.length;
  }

  /** Fill a lane that waits for what it should show; whether it did. */
  private fill(server: string): boolean {
    const known = this.lanes.get(server);
    if (!known?.stale || !known.lane) return false;
    known.stale = false;
    this.fillLane(known.row, known.lane, known.group ?? null, this.servers);
    return true;
  }

  private newLane(server: string): HTMLElement {
    const row = el("div", "srv-lane");
    row.dataset.testid = `lane-${server}`;
    row.dataset.server = server;
    this.sight.observe(row);
    const name = el("div", "lane-name");
    const badge = el("span", "group-badge");
    const heads = el("span", "lane-heads");
    heads.dataset.testid = `heads-${server}`;
    name.append(badge, el("span", "lane-server", server), heads);
    row.append(name, el("ol", "lane-events"));
    return row;
  }

  /**
   * Bring a lane up to date, touching only what changed: its badge and head count, and its
   * chips by event id — a chip that stays is kept (rebuilt only when what it says changed),
   * a new event gets a new chip, a gone one is removed. As a room grows the window slides:
   * one chip out at the left, one in at the right.
   */
  private fillLane(row: HTMLElement, lane: ServerLane, group: StateGroup | null, servers: readonly string[]): void {
    row.classList.toggle("highlight", this.highlight.has(lane.server));
    const badge = row.querySelector<HTMLElement>(".group-badge")!;
    setText(badge, group?.letter ?? "–");
    const colour = stateColour(lane.group);
    if (badge.dataset.colour !== colour) {
      badge.dataset.colour = colour;
      badge.style.background = colour;
    }
    const title = group ? `state ${group.letter}: held by ${group.servers.join(", ")}` : "no state for this room";
    if (badge.title !== title) badge.title = title;
    const heads = row.querySelector<HTMLElement>(".lane-heads")!;
    heads.classList.toggle("many", lane.heads > 1);
    setText(heads, `${lane.heads} head${lane.heads === 1 ? "" : "s"}`);
    const list = row.querySelector<HTMLOListElement>(".lane-events")!;
    const old = new Map<string, HTMLElement>();
    for (const c of list.children) old.set((c as HTMLElement).dataset.event!, c as HTMLElement);
    const chips = lane.events.map((e) => {
      const sig = JSON.stringify([e, this.highlight.has(e.id), creatorColour(servers, e.creator)]);
      const kept = old.get(e.id);
      if (kept?.dataset.sig === sig) return kept;
      const chip = this.chip(lane.server, e, servers);
      chip.dataset.sig = sig;
      if (kept) kept.replaceWith(chip);
      return chip;
    });
    const wanted = new Set(chips);
    for (const c of [...list.children]) if (!wanted.has(c as HTMLElement)) c.remove();
    chips.forEach((chip, i) => {
      if (list.children[i] !== chip) list.insertBefore(chip, list.children[i] ?? null);
    });
  }

  private chip(server: string, e: LaneEvent, servers: readonly string[]): HTMLElement {
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
      `${server}: ${e.label}, created on ${e.creator}, ${e.status.replace("_", "-")}${e.head ? ", a head" : ""}`,
    );
    const choose = () => this.callbacks.eventChosen(server, e.id);
    chip.addEventListener("click", choose);
    chip.addEventListener("keydown", (k) => {
      if (k.key === "Enter") choose();
    });
    return chip;
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
