// The web view's entry point: build the page, open the run the URL names (three-servers
// with seed 1 by default), keep the URL in step with the run (a permalink you can copy
// from the address bar), and drive the animation loop.

import { decodePermalink, PermalinkError } from "./model/permalink.ts";
import { App, type RunRequest } from "./app/app.ts";
import { Ui } from "./app/ui.ts";
import { summarise } from "./app/frame-stats.ts";

const DEFAULT_RUN: RunRequest = { source: { name: "three-servers" }, seed: "1", interventions: [] };

const ui = new Ui();
const app = new App(ui);
ui.attach(app);

/** The hash this page last wrote: a hashchange to it is our own, not a new link. */
let written = location.hash;

function requestFromHash(): RunRequest {
  try {
    const p = decodePermalink(location.hash);
    if (!p) return DEFAULT_RUN;
    return {
      source: p.scenarioJson !== undefined ? { json: p.scenarioJson } : { name: p.scenario },
      seed: p.seed,
      interventions: p.interventions,
      ...(p.roomVersion ? { roomVersion: p.roomVersion } : {}),
      ...(p.step !== undefined ? { step: p.step } : {}),
    };
  } catch (e) {
    if (e instanceof PermalinkError) ui.status(`${e.message} — opening the default scenario`, "error");
    return DEFAULT_RUN;
  }
}

async function open(): Promise<void> {
  try {
    await app.load(requestFromHash());
  } catch (e) {
    ui.status(`${(e as Error).message} — opening the default scenario`, "error");
    await app.load(DEFAULT_RUN);
  }
}

window.addEventListener("hashchange", () => {
  if (location.hash === written) return;
  written = location.hash;
  void open();
});

// Keep the address bar's permalink current while the run is at rest (not every frame).
setInterval(() => {
  if (app.playing || app.viewOnly) return;
  const link = app.permalink();
  if (link !== "#" && link !== location.hash) {
    history.replaceState(null, "", link);
    written = link;
  }
}, 500);

function loop(now: number): void {
  app.frame(now);
  requestAnimationFrame(loop);
}
requestAnimationFrame(loop);

// A small handle for the browser tests and the benchmark (never used by the page itself).
Object.assign(window, {
  netsplit: {
    app,
    ui,
    summary: () => {
      const vm = app.viewModel;
      return {
        records: app.model.length,
        cursorSeq: app.cursor.seq,
        steps: app.head.steps,
        scenarioDone: app.head.scenarioDone,
        outcome: vm?.end?.reason ?? null,
        interventions: app.head.interventions,
        permalink: app.permalink(),
        inFlight: vm?.inFlight ?? null,
        widths: vm ? Object.fromEntries(vm.dags.map((d) => [d.server, d.width])) : {},
        divergent: vm?.stateTable.divergent ?? {},
        viewOnly: app.viewOnly,
        settled: app.settled,
        playing: app.playing,
        status: document.getElementById("status-headline")?.textContent ?? "",
      };
    },
    hash: () => app.hash(),
    loadScenarioJson: (json: unknown, seed: string) => app.load({ source: { json }, seed, interventions: [] }),
    summarise,
  },
});

void open();
