// The page's furniture: it builds the views, wires every button, field and picker to the
// app, and implements AppListener — drawing each view model, showing status lines and
// explanations. Interventions are made here from clicks (model/interventions.ts) and
// handed to the app, which records them through the engine.

import { parseScenario } from "../../scenarios/runner/parse-scenario.ts";
import type { CutMode } from "../../sim/trace.ts";
import { traceToJsonLines } from "../../sim/index.ts";
import type { ExplainResult } from "../engine/explain.ts";
import { describeContent } from "../model/describe.ts";
import { dagsToSvg } from "../model/dag-svg.ts";
import { encodePermalink } from "../model/permalink.ts";
import {
  composerAction,
  linkClickAction,
  powerAction,
  splitAction,
  type ComposerVerb,
} from "../model/interventions.ts";
import { sidesOfLine } from "../model/split-line.ts";
import type { ViewModel } from "../model/view-model.ts";
import { DagView } from "../views/dag-view.ts";
import { renderExplanation } from "../views/explain-view.ts";
import { NetworkView } from "../views/network-view.ts";
import { formatTime, SpaceTimeView } from "../views/space-time-view.ts";
import { StateTableView } from "../views/state-table-view.ts";
import { Tooltip } from "../views/tooltip.ts";
import type { App, AppListener } from "./app.ts";
import { byId, download, setOptions } from "./dom.ts";

export class Ui implements AppListener {
  app!: App;
  private network!: NetworkView;
  private dags!: DagView;
  private spaceTime!: SpaceTimeView;
  private stateTable!: StateTableView;
  private lastSeq = -2;
  private lastGeneration = -1;
  private lastRoomKey = "";

  attach(app: App): void {
    this.app = app;
    const tooltip = new Tooltip(document.body);
    this.network = new NetworkView(
      byId<HTMLElement>("network") as unknown as SVGSVGElement,
      byId<HTMLElement>("network-motion") as unknown as SVGSVGElement,
      {
        linkClicked: (link) => void app.intervene(linkClickAction(link, this.cutMode(), app.cursor.atMs)),
        lineDrawn: (a, b, servers) => {
          const action = splitAction(sidesOfLine(servers, a, b), this.cutMode(), app.cursor.atMs);
          if (action) void app.intervene(action);
          else this.status("the line must have servers on both sides to split the network");
        },
        powerClicked: (server) => void app.intervene(powerAction(server.id, server.up, app.cursor.atMs)),
        userClicked: (user) => {
          byId<HTMLSelectElement>("composer-user").value = user;
        },
      },
    );
    this.dags = new DagView(byId("dags"), tooltip, {
      eventClicked: (server, event) => {
        app.selectedEvent = { server, event: event.id };
        if (event.prevEvents.length > 1) void app.explain({ server, event: event.id });
        app.seek(app.cursor.seq);
      },
    });
    this.spaceTime = new SpaceTimeView(
      byId<HTMLCanvasElement>("space-time"),
      byId<HTMLCanvasElement>("space-time-cursor"),
      { seek: (atMs) => app.seekTime(atMs) },
    );
    this.stateTable = new StateTableView(byId("state-table"), { explain: (server) => void app.explain({ server }) });
    this.wireControls();
    this.wireComposer();
    this.wireFiles();
  }

  private cutMode(): CutMode {
    return byId<HTMLSelectElement>("cut-mode").value as CutMode;
  }

  private wireControls(): void {
    const app = this.app;
    byId("play").addEventListener("click", () => app.togglePlay());
    byId("step").addEventListener("click", () => void app.stepForward());
    byId("step-back").addEventListener("click", () => app.stepBack());
    byId("to-start").addEventListener("click", () => {
      app.playing = false;
      app.seek(-1);
    });
    byId("run-to-end").addEventListener("click", () => void app.runToEnd());
    byId<HTMLSelectElement>("speed").addEventListener(
      "change",
      (e) => (app.speed = Number((e.target as HTMLSelectElement).value)),
    );
    byId<HTMLInputElement>("timeline").addEventListener("input", (e) => {
      app.playing = false;
      app.seek(Number((e.target as HTMLInputElement).value));
    });
    byId<HTMLInputElement>("walkthrough").addEventListener(
      "change",
      (e) => (app.walkthrough = (e.target as HTMLInputElement).checked),
    );
    byId("heal-all").addEventListener("click", () => void app.intervene({ at: app.cursor.atMs, do: "heal" }));
    byId("fork").addEventListener("click", () => {
      const seed = byId<HTMLInputElement>("fork-seed").value.trim();
      if (!seed) return this.status("a fork needs a seed", "error");
      void app.fork(seed);
    });
    byId<HTMLSelectElement>("room-select").addEventListener("change", (e) => {
      app.room = (e.target as HTMLSelectElement).value || null;
      app.seek(app.cursor.seq);
    });
    byId("load-button").addEventListener("click", () => {
      const scenario = byId<HTMLSelectElement>("scenario-select").value;
      const seed = byId<HTMLInputElement>("seed-input").value.trim() || "1";
      location.hash = `scenario=${encodeURIComponent(scenario)}&seed=${encodeURIComponent(seed)}`;
    });
    byId("hash-button").addEventListener("click", () => {
      this.app.lastHash = this.app.hash();
      this.app.seek(this.app.cursor.seq);
    });
    byId("export-trace").addEventListener("click", () => {
      const name = `netsplit-${app.info?.scenario ?? "trace"}-${app.info?.seed ?? ""}.jsonl`;
      download(name, traceToJsonLines(app.model.records), "application/jsonl");
    });
    byId("export-svg").addEventListener("click", () => {
      const vm = app.viewModel;
      if (!vm) return;
      download(
        `netsplit-dag-${app.info?.scenario ?? "trace"}.svg`,
        dagsToSvg(vm.dags, `${vm.room ?? "room"} at ${formatTime(vm.atMs)}`),
        "image/svg+xml",
      );
    });
  }

  private wireComposer(): void {
    const form = byId<HTMLFormElement>("composer");
    const verb = byId<HTMLSelectElement>("composer-verb");
    const showFields = () => {
      const v = verb.value as ComposerVerb;
      byId("composer-text").hidden = v !== "message" && v !== "topic";
      byId("composer-target").hidden = !["invite", "kick", "ban", "unban", "powerLevel"].includes(v);
      byId("composer-level").hidden = v !== "powerLevel";
    };
    verb.addEventListener("change", showFields);
    showFields();
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const app = this.app;
      const user = byId<HTMLSelectElement>("composer-user").value;
      const room = byId<HTMLSelectElement>("composer-room").value;
      const level = byId<HTMLInputElement>("composer-level").value;
      const holders = app.viewModel?.stateTable.servers ?? [];
      const own = user.slice(user.indexOf(":") + 1);
      const action = composerAction(
        {
          verb: verb.value as ComposerVerb,
          user,
          room,
          text: byId<HTMLInputElement>("composer-text").value,
          target: byId<HTMLInputElement>("composer-target").value,
          ...(level !== "" ? { level: Number(level) } : {}),
          via: holders.filter((s) => s !== own),
        },
        app.cursor.atMs,
      );
      if (typeof action === "string") return this.status(action, "error");
      this.status(null);
      void app.intervene(action);
    });
  }

  private wireFiles(): void {
    // A JSON scenario opens through the URL, like every run, so the link that results reopens it.
    byId<HTMLInputElement>("open-scenario").addEventListener("change", async (e) => {
      const input = e.target as HTMLInputElement;
      const file = input.files?.[0];
      if (!file) return;
      try {
        const json = JSON.parse(await file.text()) as unknown;
        const scenario = parseScenario(json, file.name);
        const seed = byId<HTMLInputElement>("seed-input").value.trim() || "1";
        location.hash = encodePermalink({ scenario: scenario.name, scenarioJson: json, seed, interventions: [] });
      } catch (err) {
        this.status(`cannot open ${file.name}: ${(err as Error).message}`, "error");
      }
      input.value = "";
    });
    byId<HTMLInputElement>("load-trace").addEventListener("change", async (e) => {
      const input = e.target as HTMLInputElement;
      const file = input.files?.[0];
      if (!file) return;
      try {
        await this.app.loadTraceFile(await file.text());
      } catch (err) {
        this.status(`cannot read ${file.name}: ${(err as Error).message}`, "error");
      }
      input.value = "";
    });
  }

  // ---- AppListener ----------------------------------------------------------------------

  status(message: string | null, kind: "info" | "error" = "info"): void {
    const el = byId("status");
    el.hidden = message === null;
    el.textContent = message ?? "";
    el.classList.toggle("error", kind === "error");
  }

  loaded(app: App): void {
    const info = app.info;
    if (info) {
      setOptions(
        byId<HTMLSelectElement>("scenario-select"),
        info.scenarios.map((s) => ({ value: s.name, label: s.name })),
      );
      byId<HTMLSelectElement>("scenario-select").value = info.scenario;
      byId<HTMLSelectElement>("scenario-select").title = info.description;
      byId<HTMLInputElement>("seed-input").value = info.seed;
      byId<HTMLInputElement>("fork-seed").value = `${info.seed}-fork`;
      const list = byId("annotations");
      list.replaceChildren(
        ...info.annotations.map((a, i) => {
          const li = document.createElement("li");
          li.textContent = `${formatTime(a.at)} — ${a.text}`;
          li.dataset.index = String(i);
          li.addEventListener("click", () => this.jumpToNote(a.text, a.at));
          return li;
        }),
      );
    }
    byId("view-only").hidden = !app.viewOnly;
    for (const id of ["composer-send", "heal-all", "fork", "run-to-end"])
      byId<HTMLButtonElement>(id).disabled = app.viewOnly && id !== "run-to-end";
    byId("explanation").innerHTML =
      `<p class="muted">Press “why?” above a server's column, or click an event with several prev events in the DAG, to see how the resolver reached that state.</p>`;
    this.spaceTime.resetZoom();
    this.lastSeq = -2;
  }

  private jumpToNote(text: string, atMs: number): void {
    const note = this.app.model.notes.find((n) => n.text === text && n.atMs === atMs);
    if (note) this.app.seek(note.seq);
    else this.app.seekTime(atMs);
  }

  explained(result: ExplainResult): void {
    const model = this.app.model;
    renderExplanation(byId("explanation"), result, (id) => {
      const e = model.events.get(id);
      return e ? `${e.type.replace(/^m\.room\./, "")}${e.stateKey ? ` ${e.stateKey}` : ""}: ${describeContent(e)}` : "";
    });
  }

  render(vm: ViewModel, app: App): void {
    this.network.update(vm.network);
    this.spaceTime.update(vm.spaceTime, vm.detailSeq);
    const changed =
      vm.detailSeq !== this.lastSeq ||
      app.model.generation !== this.lastGeneration ||
      `${vm.room}|${app.selectedEvent?.event}` !== this.lastRoomKey;
    if (changed) {
      this.lastSeq = vm.detailSeq;
      this.lastGeneration = app.model.generation;
      this.lastRoomKey = `${vm.room}|${app.selectedEvent?.event}`;
      this.stateTable.update(vm.stateTable);
      this.renderPickers(vm, app);
      this.renderAnnotation(vm);
    }
    // Every frame: the DAG view redraws a few stale panels per call until all are current.
    // At rest (a seek, an intervention) it draws them all at once.
    const left = this.dags.update(vm.dags, app.selectedEvent, app.playing ? undefined : Infinity);
    if (left > 0) app.requestFrame();
    this.renderControls(vm, app);
  }

  private renderPickers(vm: ViewModel, app: App): void {
    const labels = new Map(Object.entries(app.head.rooms).map(([label, id]) => [id, label] as const));
    setOptions(
      byId<HTMLSelectElement>("room-select"),
      vm.rooms.map((id) => ({ value: id, label: labels.has(id) ? `${labels.get(id)} (${id})` : id })),
    );
    if (vm.room) byId<HTMLSelectElement>("room-select").value = vm.room;
    const users = [...new Set([...(app.info?.users ?? []), ...vm.network.servers.flatMap((s) => s.users)])].sort();
    setOptions(
      byId<HTMLSelectElement>("composer-user"),
      users.map((u) => ({ value: u, label: u })),
    );
    setOptions(
      byId<HTMLSelectElement>("composer-room"),
      Object.keys(app.head.rooms).map((label) => ({ value: label, label })),
    );
    const datalist = byId("known-users");
    if (datalist.childElementCount !== users.length) datalist.replaceChildren(...users.map((u) => new Option(u, u)));
  }

  private renderAnnotation(vm: ViewModel): void {
    byId("annotation").textContent = vm.annotation?.text ?? "";
    const items = byId("annotations").children;
    for (let i = 0; i < items.length; i++) {
      const a = this.app.info?.annotations[i];
      const li = items[i] as HTMLElement;
      li.classList.toggle("active", !!a && a.text === vm.annotation?.text);
      li.classList.toggle("passed", !!a && a.at <= vm.atMs);
    }
  }

  private renderControls(vm: ViewModel, app: App): void {
    const timeline = byId<HTMLInputElement>("timeline");
    timeline.max = String(app.model.length - 1);
    timeline.value = String(vm.seq);
    byId("play").textContent = app.playing ? "‖ pause" : "▶ play";
    const step = app.viewOnly ? "" : ` · step ${app.cursorStep}/${app.head.steps}`;
    byId("cursor-label").textContent =
      `${formatTime(vm.atMs)} · record ${vm.seq + 1}/${app.model.length}${step} · ${vm.inFlight.messages} in flight (${vm.inFlight.pdus} PDUs)`;
    const phase = byId("phase");
    const outcome = vm.end ? vm.end.reason : null;
    phase.textContent = outcome
      ? `${outcome}${app.head.scenarioDone && app.cursor.seq >= app.model.length - 1 && app.head.steps > vm.end!.steps ? " · free play" : ""}`
      : (vm.phase ?? "");
    phase.dataset.phase = vm.phase ?? "";
    phase.className = `phase ${outcome === "converged" ? "converged" : outcome ? "failed" : ""}`;
    byId("trace-hash").textContent = app.lastHash ?? "";
    const link = byId<HTMLAnchorElement>("permalink");
    const href = app.permalink();
    if (link.getAttribute("href") !== href) link.setAttribute("href", href);
  }
}
