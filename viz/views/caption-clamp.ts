// The walkthrough caption at most three lines high, with "more" to read the rest. A
// scenario's description is several sentences; at the projector size (20 px) on a
// 1280×720 screen it took the whole viewport and pushed the network and the lanes below
// the fold (issue 17). The whole text stays in the element (a screen reader and the
// aria-live region read all of it): CSS clamps what is drawn, and the button shows only
// when something is hidden. Whether it is, is a layout read: done when the caption's box
// changes size (the projector size, a resize, unfolding: a ResizeObserver, which runs after
// layout) and once per new text (the box may keep its size), in the frame after the write,
// never inside a frame's writes.

const EXPANDED = "data-expanded";

export class CaptionClamp {
  private measureQueued = false;

  constructor(
    private readonly bar: HTMLElement,
    private readonly caption: HTMLElement,
    private readonly button: HTMLButtonElement,
  ) {
    button.addEventListener("click", () => this.setExpanded(bar.getAttribute(EXPANDED) !== "true"));
    new ResizeObserver(() => this.measure()).observe(caption);
  }

  /** A new text folds the caption again. */
  setText(text: string): void {
    if (this.caption.textContent === text) return;
    this.caption.textContent = text;
    this.setExpanded(false);
  }

  /** Look again (next frame) whether the folded caption hides something. */
  private remeasure(): void {
    if (this.measureQueued) return;
    this.measureQueued = true;
    requestAnimationFrame(() => {
      this.measureQueued = false;
      this.measure();
    });
  }

  private setExpanded(expanded: boolean): void {
    this.bar.setAttribute(EXPANDED, String(expanded));
    this.button.setAttribute("aria-expanded", String(expanded));
    this.button.textContent = expanded ? "less ▴" : "more ▾";
    this.remeasure();
  }

  private measure(): void {
    if (this.bar.getAttribute(EXPANDED) === "true") {
      this.button.hidden = false;
      return;
    }
    // A clamped box keeps its three lines; the text beyond them is scrollHeight's surplus.
    this.button.hidden = this.caption.scrollHeight <= this.caption.clientHeight + 1;
  }
}
