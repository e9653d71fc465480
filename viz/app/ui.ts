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
import { presenterAt, type Presenter } from "../model/presenter.ts";
import { liveStatus, type LiveStatus } from "../model/status.ts";
import { litBy, namedIn, type NameableEvent } from "../model/narration.ts";
import { NOTHING_LIT, spaceTimeLit, type SpaceTimeLit } from "../model/space-time-narration.ts";
import { PresenterView } from "../views/presenter-view.ts";
import { CaptionClamp } from "../views/caption-clamp.ts";
import { Keyboard } from "./keyboard.ts";
import { refusalOfLastIntervention } from "../model/refusals.ts";
import { DagView } from "../views/dag-view.ts";
import { renderExplanation } from "../views/explain-view.ts";
import { NetworkView } from "../views/network-view.ts";
import { formatTime, SpaceTimeView } from "../views/space-time-view.ts";
import { StateTableView } from "../views/state-table-view.ts";
import { Tooltip } from "../views/tooltip.ts";
import type { App, AppListener } from "./app.ts";
import { byId, download, setOptions } from "./dom.ts";

/** While playing, lanes refreshed per animation frame (a refresh of all of them missed frames at twelve servers). */
const LANES_PER_FRAME = 4;

export class Ui implements AppListener {
  app!: App;
  private network!: NetworkView;
  private dags!: DagView;
  /** Public for the browser tests (where the diagram drew what). */
  spaceTime!: SpaceTimeView;
  private stateTable!: StateTableView;
  private lastSeq = -2;
  private lastGeneration = -1;
  private lastRoomKey = "";
  private presenter!: PresenterView;
  private caption!: CaptionClamp;
  /** What the lanes show (public for the browser tests: each lane's chips are checked against it). */
  presented: Presenter | null = null;
  /** What the note in force names: servers, users and links ("a|b"), and events ("$…"). */
  private highlight: ReadonlySet<string> = new Set();
  /** The servers, users and links of `highlight` (the network view compares them every frame). */
  private networkHighlight: ReadonlySet<string> = new Set();
  /** What `highlight` marks on the space-time diagram. */
  private spaceTimeHighlight: SpaceTimeLit = NOTHING_LIT;
  private lastStatus = "";
  /** Where the timeline's thumb was last put (a fraction of the records). */
  private sliderAt = -1;
  /** The server the keys C and X act on (clicked, focused, or picked with a digit). */
  chosen: string | null = null;
  /** Whether the details (full DAG, space-time, state table, explanation) are open. */
  detailsOpen = false;

  attach(app: App): void {
    this.app = app;
    const tooltip = new Tooltip(document.body);
    this.network = new NetworkView(
      byId<HTMLElement>("network") as unknown as SVGSVGElement,
      byId<HTMLElement>("network-motion") as unknown as SVGSVGElement,
      byId<HTMLCanvasElement>("network-messages"),
      {
        linkClicked: (link) => void app.intervene(linkClickAction(link, this.cutMode(), app.cursor.atMs)),
        lineDrawn: (a, b, servers) => {
          const action = splitAction(sidesOfLine(servers, a, b), this.cutMode(), app.cursor.atMs);
          if (action) void app.intervene(action);
          else this.status("the line must have servers on both sides to split the network");
        },
        powerClicked: (server) => void app.intervene(powerAction(server.id, server.up, app.cursor.atMs)),
        userClicked: (user) => this.chooseUser(user),
        serverChosen: (server) => {
          this.chosen = server;
          app.requestFrame();
        },
        resized: () => app.requestFrame(),
      },
    );
    this.caption = new CaptionClamp(byId("caption-bar"), byId("annotation"), byId<HTMLButtonElement>("caption-more"));
    this.presenter = new PresenterView(byId("lanes"), byId("differences"), {
      eventChosen: (server, event) => {
        app.selectedEvent = { server, event };
        this.openDetails(true);
        app.seek(app.cursor.seq);
      },
    });
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
      { seek: (atMs) => app.seekTime(atMs, true), redraw: () => app.requestFrame() },
      tooltip,
      byId("space-time-lit"),
    );
    this.stateTable = new StateTableView(byId("state-table"), { explain: (server) => void app.explain({ server }) });
    this.wireControls();
    this.wireComposer();
    this.wireFiles();
    this.wirePresenter();
    new Keyboard(this).listen(document);
  }

  /** Pick the user the composer acts as (a click on a user circle). */
  chooseUser(user: string): void {
    const select = byId<HTMLSelectElement>("composer-user");
    if (![...select.options].some((o) => o.value === user)) select.append(new Option(user, user));
    select.value = user;
    byId<HTMLInputElement>("composer-text").focus();
  }

  /** Open or close the details; `scroll`: bring them into view (the tests keep the page where it is). */
  openDetails(open: boolean, scroll = true): void {
    this.detailsOpen = open;
    byId("details").hidden = !open;
    byId("details-toggle").setAttribute("aria-expanded", String(open));
    this.lastSeq = -2;
    this.app.requestFrame();
    if (open && scroll) byId("details").scrollIntoView({ block: "start" });
  }

  toggleProjector(): void {
    const on = document.documentElement.classList.toggle("projector");
    byId("projector").setAttribute("aria-pressed", String(on));
  }

  showHelp(): void {
    const help = byId<HTMLDialogElement>("help");
    if (help.open) help.close();
    else help.showModal();
  }

  private wirePresenter(): void {
    byId("details-toggle").addEventListener("click", () => this.openDetails(!this.detailsOpen));
    byId("projector").addEventListener("click", () => this.toggleProjector());
    byId("help-button").addEventListener("click", () => this.showHelp());
    byId("note-next").addEventListener("click", () => void this.app.nextNote());
    byId("note-back").addEventListener("click", () => this.app.previousNote());
    byId("cut-selected").addEventListener("click", () => this.cutChosen());
    byId("crash-selected").addEventListener("click", () => this.crashChosen());
    // A scenario loads as soon as it is picked.
    byId<HTMLSelectElement>("scenario-select").addEventListener("change", () => this.loadPicked());
  }

  loadPicked(): void {
    const scenario = byId<HTMLSelectElement>("scenario-select").value;
    const seed = byId<HTMLInputElement>("seed-input").value.trim() || "1";
    location.hash = `scenario=${encodeURIComponent(scenario)}&seed=${encodeURIComponent(seed)}`;
  }

  /** The server the keys act on: the chosen one, or a word on the status line asking for one. */
  private chosenServer(): string | null {
    if (this.chosen && this.app.viewModel?.network.servers.some((s) => s.id === this.chosen)) return this.chosen;
    this.status("choose a server first: click it, Tab to it, or press its number", "error");
    return null;
  }

  /** Cut the chosen server off from every other (or, when it is cut off, heal its links). */
  cutChosen(): void {
    const server = this.chosenServer();
    const vm = this.app.viewModel;
    if (!server || !vm) return;
    const others = vm.network.servers.map((s) => s.id).filter((s) => s !== server);
    const cut = vm.network.links.some((l) => !l.service && (l.a === server || l.b === server) && (l.cutAB || l.cutBA));
    const blocked: Record<string, string[]> = { [server]: others };
    for (const o of others) blocked[o] = [server];
    void this.app.intervene(
      cut
        ? { at: this.app.cursor.atMs, do: "repair", partition: { shape: "map", blocked } }
        : { at: this.app.cursor.atMs, do: "partition", partition: { shape: "map", blocked, mode: this.cutMode() } },
    );
  }

  crashChosen(): void {
    const server = this.chosenServer();
    const s = this.app.viewModel?.network.servers.find((x) => x.id === server);
    if (s) void this.app.intervene(powerAction(s.id, s.up, this.app.cursor.atMs));
  }

  healAll(): void {
    void this.app.intervene({ at: this.app.cursor.atMs, do: "heal" });
  }

  /** Choose the n-th server (1-based) as the keys' target, and focus it. */
  chooseNth(n: number): void {
    const s = this.app.viewModel?.network.servers[n - 1];
    if (!s) return;
    this.chosen = s.id;
    document.querySelector<SVGGElement>(`[data-testid="server-${s.id}"]`)?.focus();
    this.app.requestFrame();
  }

  private cutMode(): CutMode {
    return byId<HTMLSelectElement>("cut-mode").value as CutMode;
  }

  private wireControls(): void {
    const app = this.app;
    byId("play").addEventListener("click", () => app.togglePlay());
    byId("step").addEventListener("click", () => void app.stepForward());
    byId("step-back").addEventListener("click", () => app.stepBack());
    byId("to-start").addEventListener("click", () => app.toStart());
    byId("run-to-end").addEventListener("click", () => void app.runToEnd());
    byId<HTMLSelectElement>("speed").addEventListener(
      "change",
      (e) => (app.speed = Number((e.target as HTMLSelectElement).value)),
    );
    byId<HTMLInputElement>("timeline").addEventListener("input", (e) => {
      app.playing = false;
      app.seek(Number((e.target as HTMLInputElement).value), true);
    });
    byId<HTMLInputElement>("walkthrough").addEventListener(
      "change",
      (e) => (app.walkthrough = (e.target as HTMLInputElement).checked),
    );
    byId("heal-all").addEventListener("click", () => this.healAll());
    byId("fork").addEventListener("click", () => {
      const seed = byId<HTMLInputElement>("fork-seed").value.trim();
      if (!seed) return this.status("a fork needs a seed", "error");
      void app.fork(seed);
    });
    byId<HTMLSelectElement>("room-select").addEventListener("change", (e) => {
      app.room = (e.target as HTMLSelectElement).value || null;
      app.seek(app.cursor.seq);
    });
    // The same link again (same scenario and seed) is no hashchange: load it directly.
    byId("load-button").addEventListener("click", () => {
      const before = location.hash;
      this.loadPicked();
      if (location.hash === before) window.dispatchEvent(new HashChangeEvent("hashchange"));
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
    // Enter in a field sends, whichever field it is.
    for (const id of ["composer-text", "composer-target", "composer-level"])
      byId(id).addEventListener("keydown", (e) => {
        if ((e as KeyboardEvent).key !== "Enter") return;
        e.preventDefault();
        form.requestSubmit();
      });
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
      void app.intervene(action).then((done) => {
        if (!done) return;
        byId<HTMLInputElement>("composer-text").value = "";
        this.showRefusal();
      });
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

  /** Whether the composer's last action was refused, said next to the composer (hidden when it went through). */
  private showRefusal(): void {
    const el = byId("refusal");
    const r = refusalOfLastIntervention(this.app.model.records);
    el.hidden = !r;
    el.textContent = r ? `Refused: ${r.user} could not ${r.action} on ${r.server} — ${r.error}` : "";
  }

  // ---- AppListener ----------------------------------------------------------------------

  confirmDiscard(records: number): boolean {
    return window.confirm(
      `You are looking at an earlier moment. Acting here replays the run up to this point and forgets the ${records} records that followed. Go on?`,
    );
  }

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
      if (!e) return undefined;
      const label = describeContent(e);
      const long = `${e.type.replace(/^m\.room\./, "")}${e.stateKey ? ` ${e.stateKey}` : ""}: ${label}`;
      return { sender: e.sender, label, long };
    });
  }

  render(vm: ViewModel, app: App): void {
    // The controls first: moving the timeline's thumb makes the browser lay the page out
    // there and then, which costs next to nothing before this frame's other writes and a
    // whole layout of the lanes and the network after them.
    this.renderControls(vm, app);
    const changed =
      vm.detailSeq !== this.lastSeq ||
      app.model.generation !== this.lastGeneration ||
      `${vm.room}|${app.selectedEvent?.event}|${this.detailsOpen}|${app.playing}` !== this.lastRoomKey;
    if (changed) {
      this.lastSeq = vm.detailSeq;
      this.lastGeneration = app.model.generation;
      // (Pausing draws again: while playing, the lanes out of sight were left as they were.)
      this.lastRoomKey = `${vm.room}|${app.selectedEvent?.event}|${this.detailsOpen}|${app.playing}`;
      this.presented = presenterAt(vm.dags, vm.stateTable);
      this.renderPickers(vm, app);
      this.renderAnnotation(vm);
      this.presenter.update(
        this.presented,
        app.info?.servers ?? vm.stateTable.servers,
        this.highlight,
        !app.playing,
        LANES_PER_FRAME,
      );
      if (this.detailsOpen) this.stateTable.update(vm.stateTable);
    }
    // The lanes in sight that wait (while playing), a few per frame.
    else if (this.presenter.drain(LANES_PER_FRAME) > 0) app.requestFrame();
    const status = liveStatus({
      stateTable: vm.stateTable,
      dags: vm.dags,
      network: vm.network,
      misfits: { adversarial: app.info?.adversarial ?? [], skewed: app.info?.skewed ?? {} },
    });
    this.renderStatus(status);
    const groups = new Map<string, { index: number; letter: string }>();
    this.presented?.groups.forEach((g, index) => g.servers.forEach((s) => groups.set(s, { index, letter: g.letter })));
    this.network.update(vm.network, {
      groups,
      marks: status.marks,
      highlight: this.networkHighlight,
      chosen: this.chosen,
    });
    // The details are drawn only while open: most of a busy frame's work, and nobody looking.
    if (this.detailsOpen) {
      this.spaceTime.update(vm.spaceTime, vm.detailSeq, this.spaceTimeHighlight);
      // Every frame: the DAG view redraws a few stale panels per call until all are current.
      // At rest (a seek, an intervention) it draws them all at once.
      const left = this.dags.update(vm.dags, app.selectedEvent, app.playing ? undefined : Infinity, this.highlight);
      if (left > 0) app.requestFrame();
    }
  }

  /** The live verdict, written only when it changes (it is an aria-live region: each write is read out). */
  private renderStatus(status: LiveStatus): void {
    const key = `${status.kind}|${status.headline}|${status.pending}|${JSON.stringify(status.marks)}`;
    if (key === this.lastStatus) return;
    this.lastStatus = key;
    const box = byId("live-status");
    box.dataset.kind = status.kind;
    byId("status-headline").textContent = status.headline;
    byId("status-pending").textContent = status.pending;
    const marks = byId("status-marks");
    marks.replaceChildren(
      ...Object.entries(status.marks)
        .filter(([, m]) => m.some((x) => x !== "down"))
        .map(([server, m]) => {
          const span = document.createElement("span");
          span.className = "mark";
          span.textContent = `${server}: ${m.filter((x) => x !== "down").join(", ")}`;
          return span;
        }),
    );
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
    const info = this.app.info;
    const text =
      vm.annotation?.text ??
      (info ? `${info.description} — press Next ▶ (or Page Down) to walk through it, Space to play.` : "");
    this.caption.setText(text);
    // In free play the last note is history: it stays as the caption, but lights nothing up
    // (its "messages" are not the ones being sent now).
    const named =
      vm.annotation && !vm.freePlay
        ? namedIn(vm.annotation.text, info?.servers ?? [], [
            ...new Set([...(info?.users ?? []), ...vm.network.servers.flatMap((s) => s.users)]),
          ])
        : null;
    // Events: every one the servers hold (the lanes show the newest, the details all of them).
    const lit = named
      ? litBy(named, {
          links: vm.network.links.map((l) => ({ ...l, cut: l.cutAB !== null || l.cutBA !== null })),
          events: named.kinds.length ? nameable(vm.dags) : [],
        })
      : new Set<string>();
    this.highlight = lit;
    this.networkHighlight = new Set([...lit].filter((id) => !id.startsWith("$")));
    this.spaceTimeHighlight = spaceTimeLit(lit, info?.servers ?? vm.spaceTime.lanes, vm.annotation);
    const items = byId("annotations").children;
    for (let i = 0; i < items.length; i++) {
      const a = this.app.info?.annotations[i];
      const li = items[i] as HTMLElement;
      li.classList.toggle("active", !!a && a.text === vm.annotation?.text);
      li.classList.toggle("passed", !!a && a.at <= vm.atMs);
    }
  }

  private renderControls(vm: ViewModel, app: App): void {
    // Every write here is skipped when the value is already there: this runs every frame,
    // and even a write of the same value makes the browser restyle the element.
    // The slider's thumb is moved only when it would move by a thousandth of its length
    // while playing (a range input lays itself out on every change of value or max: about
    // a millisecond a frame), and exactly at rest.
    const timeline = byId<HTMLInputElement>("timeline");
    const fraction = (vm.seq + 1) / Math.max(1, app.model.length);
    if (!app.playing || Math.abs(fraction - this.sliderAt) >= 0.001) {
      this.sliderAt = fraction;
      setProp(timeline, "max", String(app.model.length - 1));
      setProp(timeline, "value", String(vm.seq));
    }
    setLabel(byId("play"), app.playing ? "‖ pause" : "▶ play");
    const label = `${formatTime(vm.atMs)} · ${vm.inFlight.messages} ${vm.inFlight.messages === 1 ? "message" : "messages"} in flight`;
    setLabel(byId("cursor-label"), label);
    // The record count under the pointer: at rest (while playing it would be written every frame).
    if (!app.playing)
      setProp(
        byId("cursor-label"),
        "title",
        `record ${vm.seq + 1} of ${app.model.length}; step ${app.cursorStep} of ${app.head.steps}`,
      );
    const phase = byId("phase");
    const outcome = vm.end ? vm.end.reason : null;
    // The scenario's own verdict belongs to the moment it ended: after that it is history, and
    // the live status above the network says how things stand now.
    const freePlay = outcome !== null && vm.freePlay;
    setLabel(
      phase,
      outcome
        ? freePlay
          ? "free play (after the scenario)"
          : `scenario ended: ${outcome}`
        : phaseWords(vm.phase, app.info?.faults ?? true),
    );
    if (phase.dataset.phase !== (vm.phase ?? "")) phase.dataset.phase = vm.phase ?? "";
    setLabel(byId("trace-hash"), app.lastHash ?? "");
    // The link follows the run at rest; while playing it would change every step (and a
    // JSON scenario's link is long to encode).
    if (app.playing) return;
    const link = byId<HTMLAnchorElement>("permalink");
    const href = app.permalink();
    if (link.getAttribute("href") !== href) link.setAttribute("href", href);
  }
}

/** Each event any server holds, once, as a note can name it. */
function nameable(dags: ViewModel["dags"]): NameableEvent[] {
  const seen = new Set<string>();
  const out: NameableEvent[] = [];
  for (const d of dags)
    for (const n of d.nodes) {
      if (seen.has(n.id)) continue;
      seen.add(n.id);
      const membership = n.type === "m.room.member" ? n.content.membership : undefined;
      out.push({
        id: n.id,
        type: n.type,
        sender: n.sender,
        ...(n.stateKey !== undefined ? { stateKey: n.stateKey } : {}),
        ...(typeof membership === "string" ? { membership } : {}),
      });
    }
  return out;
}

function setLabel(el: HTMLElement, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

function setProp<E extends HTMLElement, K extends keyof E & string>(el: E, key: K, value: E[K]): void {
  if (el[key] !== value) el[key] = value;
}

/** The runner's phase names, in words for a class (no "chaos" on a scenario without faults). */
function phaseWords(phase: string | null, faults: boolean): string {
  switch (phase) {
    case "chaos":
      return faults ? "faults on" : "running";
    case "heal":
      return "healing the network";
    case "converging":
      return "waiting for the servers to agree";
    case "done":
      return "finished";
    default:
      return phase ?? "";
  }
}
