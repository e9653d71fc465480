// The page's controller: it holds the records received from the engine (or read from a
// trace file), the cursor, and what the reader chose; it turns clicks into requests to
// the worker and interventions; and once per animation frame it derives the view model
// and hands it to the views. Nothing here draws: the views bind, the model derives.

import { canonicalJson } from "../../core/index.ts";
import type { Intervention } from "../../scenarios/runner/run.ts";
import type { TimelineAction } from "../../scenarios/runner/types.ts";
import { parseTraceJsonLines, traceHash, type TraceRecord } from "../../sim/index.ts";
import type { ExplainRequest, ExplainResult } from "../engine/explain.ts";
import { encodePermalink } from "../model/permalink.ts";
import { playFrame } from "../model/playback.ts";
import { lastSeqOfStep, nextEventSeq, previousEventSeq, stepAtSeq } from "../model/steps.ts";
import { firstDifference, recipeOf } from "../model/trace-file.ts";
import { followAttached } from "../model/attached-world.ts";
import { TraceModel } from "../model/trace-model.ts";
import { motionAt, viewModelAt, type Cursor, type ViewMemo, type ViewModel } from "../model/view-model.ts";
import { EngineClient, type RecordsMessage } from "../worker/client.ts";
import type { Head, RunInfo, ScenarioSource } from "../worker/protocol.ts";
import { FrameStats } from "./frame-stats.ts";

export interface RunRequest {
  source: ScenarioSource;
  seed: string;
  interventions: Intervention[];
  roomVersion?: string;
  /** Put the cursor after this step (a permalink). */
  step?: number;
}

export interface AppListener {
  /** A new view model to draw (every animation frame while something changes). */
  render(vm: ViewModel, app: App): void;
  status(message: string | null, kind?: "info" | "error"): void;
  loaded(app: App): void;
  explained(result: ExplainResult): void;
  /** Acting now would forget `records` records the reader went back from: may it? */
  confirmDiscard(records: number): boolean;
}

/** While playing, the DAGs and the state table are derived again at most this often (ms of wall time). */
export const DETAIL_EVERY_MS = 200;

const EMPTY_HEAD: Head = {
  steps: 0,
  nowMs: 0,
  nextAtMs: null,
  records: 0,
  scenarioDone: true,
  interventions: [],
  rooms: {},
};

export class App {
  model = new TraceModel();
  stepEnds: number[] = [];
  head: Head = EMPTY_HEAD;
  info: RunInfo | null = null;
  request: RunRequest | null = null;
  cursor: Cursor = { seq: -1, atMs: 0 };
  playing = false;
  speed = 0.05;
  walkthrough = false;
  room: string | null = null;
  selectedEvent: { server: string; event: string } | null = null;
  /** Replaying a trace file: no engine behind the records. */
  viewOnly = false;
  readonly frames = new FrameStats();
  lastHash: string | null = null;
  /** Counts the actions (load, run to the end, interventions, forks) that have finished: tests wait on it. */
  settled = 0;
  private engine: EngineClient | null = null;
  private advancing = false;
  private busy = false;
  private dirty = true;
  private lastFrameMs: number | null = null;
  private lastDetailMs = -Infinity;
  private detailKey = "";
  private readonly memo: ViewMemo = {};
  /** The reader moved the cursor back (scrubbed, stepped back): acting there forgets what followed. */
  private reviewing = false;
  private vm: ViewModel | null = null;

  constructor(private readonly listener: AppListener) {}

  // ---- loading ----------------------------------------------------------------------

  private client(): EngineClient {
    if (!this.engine) {
      this.engine = new EngineClient(
        (m) => this.onRecords(m),
        (message) => this.listener.status(`engine stopped: ${message}`, "error"),
      );
    }
    return this.engine;
  }

  async load(req: RunRequest): Promise<void> {
    await this.loadRun(req);
    this.settled++;
  }

  private async loadRun(req: RunRequest): Promise<void> {
    this.playing = false;
    this.reviewing = false;
    this.viewOnly = false;
    this.request = req;
    this.lastHash = null;
    this.selectedEvent = null;
    this.listener.status(`loading ${"name" in req.source ? req.source.name : "scenario"} with seed ${req.seed}…`);
    const ok = await this.client().load(req.source, req.seed, req.interventions, req.roomVersion);
    this.info = ok.info ?? null;
    this.head = ok.head;
    this.cursor = { seq: Math.max(-1, (this.stepEnds[0] ?? 0) - 1), atMs: 0 };
    if (req.step !== undefined && req.step > 0) {
      await this.client().advance({ toStep: req.step });
      this.cursor = this.endOf(lastSeqOfStep(this.stepEnds, req.step));
    }
    this.listener.status(null);
    this.listener.loaded(this);
    this.dirty = true;
  }

  /** Replay a trace file: re-run it live when it names a known scenario and comes out the same, else view it as it is. */
  async loadTraceFile(text: string): Promise<void> {
    const records = parseTraceJsonLines(text);
    const recipe = recipeOf(records);
    const known = this.info?.scenarios.some((s) => s.name === recipe?.scenario) ?? false;
    if (recipe && known) {
      await this.loadRun({
        source: { name: recipe.scenario },
        seed: recipe.seed,
        interventions: recipe.interventions,
        roomVersion: recipe.roomVersion,
      });
      await this.client().advance({ toRecords: records.length });
      const diff = firstDifference(this.model.records, records, canonicalJson as (r: TraceRecord) => string);
      if (diff === null && this.model.length === records.length) {
        this.cursor = this.endOf(this.model.length - 1);
        this.listener.status(
          `re-ran ${recipe.scenario} (seed ${recipe.seed}, ${recipe.interventions.length} interventions) live: the trace is identical to the file, record for record`,
        );
        this.dirty = true;
        this.settled++;
        return;
      }
      const where = diff ?? Math.min(this.model.length, records.length);
      this.showFile(records);
      this.listener.status(
        `the live re-run differs from the file at record ${where} — replaying the file as it is (view only)`,
        "error",
      );
      this.settled++;
      return;
    }
    this.showFile(records);
    this.listener.status(
      recipe
        ? `no scenario ${recipe.scenario} here — replaying the file as it is (view only)`
        : "replaying the file (view only)",
    );
    this.settled++;
  }

  /** Show the trace of a served world (attached, view only), following its newest record. */
  showAttached(records: TraceRecord[]): void {
    const shown = this.viewOnly ? this.model.records : [];
    const next = followAttached(shown, records, this.cursor.seq, canonicalJson as (r: TraceRecord) => string);
    if (next.append && this.viewOnly) {
      this.model.append(next.append);
      this.head = { ...this.head, records: records.length, nowMs: records[records.length - 1]?.atMs ?? 0 };
    } else this.showFile(records);
    this.cursor = this.endOf(next.cursor);
    this.dirty = true;
    this.settled++;
  }

  private showFile(records: TraceRecord[]): void {
    this.playing = false;
    this.viewOnly = true;
    this.model = new TraceModel(records);
    this.stepEnds = [];
    this.head = { ...EMPTY_HEAD, records: records.length, nowMs: records[records.length - 1]?.atMs ?? 0 };
    this.cursor = { seq: -1, atMs: 0 };
    this.forgetDerived();
    this.listener.loaded(this);
    this.dirty = true;
  }

  private onRecords(m: RecordsMessage): void {
    if (m.truncateTo !== undefined) {
      if (m.truncateTo === 0) this.model = new TraceModel();
      else this.model.truncate(m.truncateTo);
      this.forgetDerived();
      if (this.cursor.seq >= this.model.length) this.cursor = this.endOf(this.model.length - 1);
    }
    this.stepEnds.length = m.firstStep;
    this.stepEnds.push(...m.stepEnds);
    this.model.append(m.records);
    this.head = m.head;
    this.dirty = true;
  }

  /**
   * Forget what was derived from the records (a new run, a file, a re-made past): its
   * caches are keyed by generation, room and server, which another run may repeat.
   */
  private forgetDerived(): void {
    this.memo.key = undefined;
    this.memo.dagByVersion = undefined;
    this.memo.trails = undefined;
  }

  // ---- the cursor -------------------------------------------------------------------

  private endOf(seq: number): Cursor {
    return { seq, atMs: this.model.records[seq]?.atMs ?? 0 };
  }

  /** The step the cursor stands after (interventions happen there). */
  get cursorStep(): number {
    return stepAtSeq(this.stepEnds, this.cursor.seq);
  }

  /** Move the cursor; `byReader`: the reader chose the moment (scrubbing), so acting there asks first. */
  seek(seq: number, byReader = false): void {
    this.cursor = this.endOf(Math.min(Math.max(-1, seq), this.model.length - 1));
    if (byReader) this.reviewing = true;
    this.dirty = true;
  }

  seekTime(atMs: number, byReader = false): void {
    let seq = -1;
    for (let i = 0; i < this.model.length && this.model.records[i]!.atMs <= atMs; i++) seq = i;
    this.cursor = { seq, atMs: Math.max(atMs, this.model.records[seq]?.atMs ?? 0) };
    if (byReader) this.reviewing = true;
    this.dirty = true;
  }

  toStart(): void {
    this.playing = false;
    this.seek(-1, true);
  }

  /** The walkthrough's next note: in the records already, or the engine runs on until it comes (or the run ends). */
  async nextNote(): Promise<void> {
    this.playing = false;
    const found = () => this.model.notes.find((n) => n.seq > this.cursor.seq);
    let note = found();
    const annotations = this.info?.annotations ?? [];
    while (!note && !this.viewOnly && !this.head.scenarioDone) {
      const next = annotations.find((a) => a.at > this.head.nowMs);
      if (!next) break;
      await this.client().advance({ untilMs: next.at });
      note = found();
    }
    if (note) this.seek(note.seq);
    else await this.runToEnd();
    this.settled++;
  }

  previousNote(): void {
    this.playing = false;
    const before = this.model.notes.filter((n) => n.seq < this.cursor.seq);
    this.seek(before.length ? before[before.length - 1]!.seq : -1, true);
  }

  /** Records that acting at the cursor would forget, when the reader went back to it (0 otherwise). */
  private get discarding(): number {
    return this.reviewing && !this.viewOnly ? Math.max(0, this.model.length - 1 - this.cursor.seq) : 0;
  }

  async stepForward(): Promise<void> {
    this.playing = false;
    let next = nextEventSeq(this.model.records, this.cursor.seq);
    if (next === null && !this.viewOnly && this.head.nextAtMs !== null) {
      await this.client().advance({ steps: 1 });
      next = nextEventSeq(this.model.records, this.cursor.seq);
    }
    if (next !== null) this.seek(next);
  }

  stepBack(): void {
    this.playing = false;
    this.seek(previousEventSeq(this.model.records, this.cursor.seq), true);
  }

  togglePlay(): void {
    this.playing = !this.playing;
    this.lastFrameMs = null;
    this.dirty = true;
  }

  async runToEnd(): Promise<void> {
    this.playing = false;
    if (this.viewOnly) return this.seek(this.model.length - 1);
    this.listener.status(
      this.head.scenarioDone ? "running until the network is quiet…" : "running to the scenario's end…",
    );
    await this.client().advance({ toEnd: true });
    this.cursor = { seq: this.model.length - 1, atMs: this.head.nowMs };
    this.reviewing = false;
    this.lastHash = this.hash();
    this.listener.status(null);
    this.dirty = true;
    this.settled++;
  }

  /** Run the engine until virtual time `atMs` and put the cursor there (the benchmark's set-up). */
  async runUntil(atMs: number): Promise<void> {
    if (this.viewOnly) return;
    this.playing = false;
    await this.client().advance({ untilMs: atMs });
    this.cursor = {
      seq: this.model.length - 1,
      atMs: Math.max(atMs, this.model.records[this.model.length - 1]?.atMs ?? 0),
    };
    this.dirty = true;
    this.settled++;
  }

  // ---- acting -----------------------------------------------------------------------

  /** Act at the cursor; false when nothing was done (view only, or the reader kept the future). */
  async intervene(action: TimelineAction): Promise<boolean> {
    if (this.viewOnly) {
      this.listener.status("a trace file is view only: load its scenario to act", "error");
      return false;
    }
    if (!this.mayDiscard()) return false;
    await this.interrupt();
    await this.client().intervene(this.cursorStep, action);
    this.cursor = { seq: this.model.length - 1, atMs: this.head.nowMs };
    this.reviewing = false;
    this.lastHash = null;
    this.dirty = true;
    this.settled++;
    return true;
  }

  /** Ask before forgetting what followed a moment the reader went back to. */
  private mayDiscard(): boolean {
    const lost = this.discarding;
    if (lost === 0 || this.listener.confirmDiscard(lost)) return true;
    this.settled++;
    return false;
  }

  async fork(seed: string): Promise<void> {
    if (this.viewOnly) return this.listener.status("a trace file is view only: load its scenario to fork it", "error");
    if (!this.mayDiscard()) return;
    this.reviewing = false;
    await this.interrupt();
    await this.client().fork(this.cursorStep, seed);
    this.cursor = { seq: this.model.length - 1, atMs: this.head.nowMs };
    this.lastHash = null;
    this.dirty = true;
    this.settled++;
  }

  async explain(request: Omit<ExplainRequest, "room">): Promise<void> {
    const room = this.vm?.room;
    if (!room) return;
    if (this.viewOnly)
      return this.listener.explained({
        ok: false,
        reason: "explaining needs the live engine: a trace file does not carry the state at each event",
      });
    const ok = await this.client().explain(this.cursorStep, { ...request, room });
    if (ok.explained) this.listener.explained(ok.explained);
  }

  /** Stop the worker's advance in progress, so an intervention lands where the cursor is. */
  private async interrupt(): Promise<void> {
    this.playing = false;
    if (this.advancing) await this.client().stop();
  }

  // ---- what the page shares -----------------------------------------------------------

  /** The last permalink and what it was made from: encoding a JSON scenario is too slow for every frame. */
  private linkMemo: { key: unknown[]; link: string } | null = null;

  permalink(): string {
    if (!this.request || this.viewOnly) return "#";
    const key = [this.request, this.head.interventions.length, this.model.generation, this.cursorStep, this.info];
    if (this.linkMemo && key.every((k, i) => k === this.linkMemo!.key[i])) return this.linkMemo.link;
    const link = this.encodePermalink();
    this.linkMemo = { key, link };
    return link;
  }

  private encodePermalink(): string {
    if (!this.request) return "#";
    const source = this.request.source;
    return encodePermalink({
      scenario: "name" in source ? source.name : (this.info?.scenario ?? "scenario"),
      ...("json" in source ? { scenarioJson: source.json } : {}),
      seed: this.request.seed,
      interventions: this.head.interventions,
      step: this.cursorStep,
      ...(this.request.roomVersion ? { roomVersion: this.request.roomVersion } : {}),
    });
  }

  hash(): string {
    return traceHash(this.model.records);
  }

  /** Draw again on the next frame (a view has work left). */
  requestFrame(): void {
    this.dirty = true;
  }

  get viewModel(): ViewModel | null {
    return this.vm;
  }

  // ---- the animation loop -------------------------------------------------------------

  frame(nowMs: number): void {
    this.frames.frame(nowMs);
    const wallMs = this.lastFrameMs === null ? 0 : Math.min(250, nowMs - this.lastFrameMs);
    this.lastFrameMs = nowMs;
    if (this.playing) this.play(wallMs);
    if (!this.dirty && !this.playing) return;
    this.dirty = false;
    const began = performance.now();
    // Playing: the moving parts every frame, the rest a few times a second. At rest: all of it.
    const key = `${this.model.generation}|${this.room}|${this.selectedEvent?.event}`;
    const fresh = !this.playing || !this.vm || key !== this.detailKey || nowMs - this.lastDetailMs >= DETAIL_EVERY_MS;
    if (fresh) {
      this.vm = viewModelAt(this.model, this.cursor, { room: this.room, memo: this.memo });
      this.lastDetailMs = nowMs;
      this.detailKey = key;
    } else {
      this.vm = motionAt(this.model, this.cursor, this.vm!);
    }
    this.busy = this.vm.network.messages.length > 0 || this.vm.network.drops.length > 0;
    this.listener.render(this.vm, this);
    this.frames.work(performance.now() - began);
  }

  private play(wallMs: number): void {
    const atHead = this.cursor.seq >= this.model.length - 1;
    const out = playFrame({
      cursor: this.cursor,
      records: this.model.records,
      wallMs,
      speed: this.speed,
      busy: this.busy,
      nextAtMs: this.viewOnly ? null : this.advancing && atHead ? this.cursor.atMs : this.head.nextAtMs,
      walkthrough: this.walkthrough,
    });
    this.cursor = out.cursor;
    if (out.want !== null && !this.advancing && !this.viewOnly) {
      this.advancing = true;
      // Run a little ahead of the cursor, so the next frames have records to show.
      void this.client()
        .advance({ untilMs: out.want + this.speed * 250 })
        .finally(() => (this.advancing = false));
    }
    if (out.stoppedAtNote !== null || out.ended) this.playing = false;
    this.dirty = true;
  }
}
