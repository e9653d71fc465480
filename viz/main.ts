// The web view's entry point: build the page, open the run the URL names (three-servers
// with seed 1 by default), keep the URL in step with the run (a permalink you can copy
// from the address bar), and drive the animation loop.

import { AttachedWorld, attachBase } from "./model/attached-world.ts";
import { decodePermalink, PermalinkError } from "./model/permalink.ts";
import { App, type RunRequest } from "./app/app.ts";
import { Ui } from "./app/ui.ts";
import { permalinkToWrite } from "./app/address-bar.ts";
import { summarise } from "./app/frame-stats.ts";
import { byId } from "./app/dom.ts";

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
  const link = permalinkToWrite({
    hash: location.hash,
    written,
    busy: app.playing || app.viewOnly,
    permalink: () => app.permalink(),
  });
  if (link === undefined) return;
  history.replaceState(null, "", link);
  // As the browser gives it back, so that the next check compares like with like.
  written = location.hash;
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

/** `?attach=http://127.0.0.1:8008`: show a served world's trace live (docs/http.md) instead of a run. */
function attach(text: string): void {
  const base = attachBase(text);
  if (!base) {
    ui.status(`cannot attach to "${text}": give the served world's http:// address`, "error");
    return void open();
  }
  const world = new AttachedWorld(base, (url) => fetch(url, { cache: "no-store" }));
  ui.status(`attaching to ${base}…`);
  let polling = false;
  const poll = async (): Promise<void> => {
    if (polling || document.hidden) return; // a hidden page does not poll
    polling = true;
    const got = await world.poll().finally(() => (polling = false));
    if (got.kind === "unreachable") ui.status(got.message, "error");
    else if (got.kind === "records") {
      app.showAttached(got.records);
      ui.status(`attached to ${base} (live): ${got.records.length} records`);
    }
  };
  void poll();
  setInterval(() => void poll(), 1000);
  document.addEventListener("visibilitychange", () => void poll());
}

byId<HTMLFormElement>("attach-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const url = byId<HTMLInputElement>("attach-url").value.trim();
  if (url) location.search = `?attach=${encodeURIComponent(url)}`;
});

const attachTo = new URLSearchParams(location.search).get("attach");
if (attachTo) attach(attachTo);
else void open();
