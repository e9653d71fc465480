// The Web Worker that runs the engine, so the page stays responsive: the same sim/ and
// core/ code as the CLI, with the pure-JS signing backend (nobleCrypto). Requests are
// handled one at a time, in order; a long advance runs in slices of a few milliseconds,
// yielding between them so that "stop" (and the page's next request) gets through.

import { nobleCrypto } from "../../core/index.ts";
import { EngineSession } from "../engine/session.ts";
import type { Advance, FromWorker, ToWorker } from "./protocol.ts";

interface WorkerScope {
  postMessage(message: FromWorker): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
}

const scope = self as unknown as WorkerScope;
const post = (m: FromWorker) => scope.postMessage(m);
const session = new EngineSession(post, nobleCrypto);

/** Wall time per slice of an advance: short enough for "stop" to feel immediate. */
const SLICE_MS = 24;
/** Steps between two looks at the clock within a slice. */
const SLICE_STEPS = 64;

const queue: ToWorker[] = [];
let busy = false;
let stopRequested = false;

scope.onmessage = (event) => {
  const msg = event.data;
  if (msg.type === "stop") {
    stopRequested = true;
    post({ type: "ok", id: msg.id, head: safeHead() });
    return;
  }
  queue.push(msg);
  if (!busy) void drain();
};

function safeHead() {
  try {
    return session.head();
  } catch {
    return { steps: 0, nowMs: 0, nextAtMs: null, records: 0, scenarioDone: false, interventions: [], rooms: {} };
  }
}

async function drain(): Promise<void> {
  busy = true;
  while (queue.length > 0) {
    const msg = queue.shift()!;
    try {
      await handle(msg);
    } catch (e) {
      post({ type: "error", id: msg.id, message: (e as Error).message });
    }
  }
  busy = false;
}

async function handle(msg: ToWorker): Promise<void> {
  switch (msg.type) {
    case "load": {
      stopRequested = false;
      const info = session.load(msg.source, msg.seed, msg.interventions, msg.roomVersion);
      post({ type: "ok", id: msg.id, head: session.head(), info });
      return;
    }
    case "advance":
      stopRequested = false;
      await advanceInSlices(msg.advance);
      post({ type: "ok", id: msg.id, head: session.head() });
      return;
    case "intervene":
      session.intervene(msg.atStep, msg.action);
      post({ type: "ok", id: msg.id, head: session.head() });
      return;
    case "fork":
      session.fork(msg.atStep, msg.seed);
      post({ type: "ok", id: msg.id, head: session.head() });
      return;
    case "explain":
      post({ type: "ok", id: msg.id, head: session.head(), explained: session.explain(msg.atStep, msg.request) });
      return;
    case "stop":
      return;
  }
}

async function advanceInSlices(advance: Advance): Promise<void> {
  for (;;) {
    const started = performance.now();
    let complete = false;
    while (!complete && performance.now() - started < SLICE_MS) complete = session.advance(advance, SLICE_STEPS);
    if (complete || stopRequested) return;
    // Let queued messages (a stop, most likely) be delivered before the next slice.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}
