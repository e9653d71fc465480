// One floating box for hovers (DAG events, state cells), placed next to the pointer and
// kept inside the window.

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
    const pad = 14;
    const w = this.el.offsetWidth;
    const h = this.el.offsetHeight;
    const x = event.clientX + pad + w > window.innerWidth ? event.clientX - pad - w : event.clientX + pad;
    const y = Math.min(window.innerHeight - h - 4, event.clientY + pad);
    this.el.style.left = `${Math.max(4, x)}px`;
    this.el.style.top = `${Math.max(4, y)}px`;
  }

  hide(): void {
    this.el.hidden = true;
  }
}
