// The page's side of the worker protocol: one promise per request, and a callback for
// the records the engine streams.

import type { TimelineAction } from "../../scenarios/runner/types.ts";
import type { Intervention } from "../../scenarios/runner/run.ts";
import type { ExplainRequest } from "../engine/explain.ts";
import type { Advance, FromWorker, ScenarioSource, ToWorker } from "./protocol.ts";

export type RecordsMessage = Extract<FromWorker, { type: "records" }>;
export type OkMessage = Extract<FromWorker, { type: "ok" }>;

type Body = ToWorker extends infer T ? (T extends { id: number } ? Omit<T, "id"> : never) : never;

export class EngineClient {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (m: OkMessage) => void; reject: (e: Error) => void }>();

  constructor(onRecords: (m: RecordsMessage) => void, onCrash: (message: string) => void) {
    this.worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module", name: "netsplit-engine" });
    this.worker.onmessage = (event: MessageEvent<FromWorker>) => {
      const m = event.data;
      if (m.type === "records") return onRecords(m);
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      if (m.type === "ok") w.resolve(m);
      else w.reject(new Error(m.message));
    };
    this.worker.onerror = (event) => onCrash(event.message || "the engine's worker failed");
  }

  private request(body: Body): Promise<OkMessage> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ ...body, id } as ToWorker);
    });
  }

  load(source: ScenarioSource, seed: string, interventions: Intervention[], roomVersion?: string) {
    return this.request({ type: "load", source, seed, interventions, ...(roomVersion ? { roomVersion } : {}) });
  }

  advance(advance: Advance) {
    return this.request({ type: "advance", advance });
  }

  intervene(atStep: number, action: TimelineAction) {
    return this.request({ type: "intervene", atStep, action });
  }

  fork(atStep: number, seed: string) {
    return this.request({ type: "fork", atStep, seed });
  }

  explain(atStep: number, request: ExplainRequest) {
    return this.request({ type: "explain", atStep, request });
  }

  stop() {
    return this.request({ type: "stop" });
  }

  terminate(): void {
    this.worker.terminate();
  }
}
