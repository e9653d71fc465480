// The presenter's keys: Space plays or pauses, ← → step, Page Up / Page Down walk the
// notes, Home / End, digits choose a server, C cuts the chosen server off (or heals
// it), X crashes or restarts it, H heals everything, D opens the details, P the
// projector size, ? the help. Keys typed into a field, or Space and Enter on a focused
// button, keep their usual meaning.

import type { Ui } from "./ui.ts";

export class Keyboard {
  constructor(private readonly ui: Ui) {}

  listen(target: Document): void {
    target.addEventListener("keydown", (e) => this.onKey(e));
  }

  private onKey(e: KeyboardEvent): void {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const el = e.target as Element | null;
    if (el && isField(el)) return;
    const onControl =
      !!el && (el.tagName === "BUTTON" || el.getAttribute("role") === "button" || el.tagName === "SUMMARY");
    const app = this.ui.app;
    const act = (f: () => unknown) => {
      e.preventDefault();
      void f();
    };
    switch (e.key) {
      case " ":
        if (!onControl) act(() => app.togglePlay());
        return;
      case "ArrowRight":
        return act(() => app.stepForward());
      case "ArrowLeft":
        return act(() => app.stepBack());
      case "PageDown":
        return act(() => app.nextNote());
      case "PageUp":
        return act(() => app.previousNote());
      case "Home":
        return act(() => app.toStart());
      case "End":
        return act(() => app.runToEnd());
      case "c":
      case "C":
        return act(() => this.ui.cutChosen());
      case "x":
      case "X":
        return act(() => this.ui.crashChosen());
      case "h":
      case "H":
        return act(() => this.ui.healAll());
      case "d":
      case "D":
        return act(() => this.ui.openDetails(!this.ui.detailsOpen));
      case "p":
      case "P":
        return act(() => this.ui.toggleProjector());
      case "?":
        return act(() => this.ui.showHelp());
      default:
        if (/^[1-9]$/.test(e.key)) act(() => this.ui.chooseNth(Number(e.key)));
    }
  }
}

function isField(el: Element): boolean {
  const tag = el.tagName;
  return tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA" || (el as HTMLElement).isContentEditable === true;
}
