// One floating box for hovers (DAG events, state cells, the space-time diagram), placed
// next to the pointer and kept inside the window — without measuring it: reading its
// size right after writing its text made the browser lay out the whole page there and
// then (the DAGs' pending changes included), which at thirty servers was most of the
// time from the pointer to the tooltip. It goes below and right of the pointer, or
// above / left of it in the far half of the window, and its largest size (style.css)
// fits that half.

/** The tooltip's widest (the CSS max-width), in CSS px. */
const WIDTH_MAX = 380;
const PAD = 14;

export class Tooltip {
  private readonly el: HTMLDivElement;

  constructor(parent: HTMLElement) {
    this.el = document.createElement("div");
    this.el.className = "tooltip";
    this.el.dataset.testid = "tooltip";
    this.el.hidden = true;
    parent.appendChild(this.el);
  }

  show(event: MouseEvent, html: string): void {
    this.el.innerHTML = html;
    this.el.hidden = false;
    this.move(event);
  }

  move(event: MouseEvent): void {
    const left = event.clientX + PAD + WIDTH_MAX > window.innerWidth;
    const up = event.clientY > window.innerHeight / 2;
    const style = this.el.style;
    style.left = `${left ? event.clientX - PAD : event.clientX + PAD}px`;
    style.top = `${up ? event.clientY - PAD : event.clientY + PAD}px`;
    style.transform = `translate(${left ? "-100%" : "0"}, ${up ? "-100%" : "0"})`;
  }

  hide(): void {
    this.el.hidden = true;
  }
}
