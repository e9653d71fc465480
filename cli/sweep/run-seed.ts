// One seed of a sweep, as a worker runs it: never throws (a crash is a line of its own).

import type { Scenario } from "../../scenarios/runner/types.ts";
import { DEFAULT_ROOM_VERSION, type TraceRetention } from "../../sim/index.ts";
import { runTwice, runWithTrace } from "../determinism.ts";
import { nodeCrypto } from "../node-crypto.ts";
import { lineOfCrash, lineOfReport, type SweepLine } from "./sweep-line.ts";

export interface SweepOptions {
  roomVersion?: string;
  /** Overrides the scenario's own `signing` when given. */
  signing?: boolean;
  checkDeterminism: boolean;
  /** What each run's trace keeps (default full); --check-determinism needs full. */
  traceRetention?: TraceRetention;
}

export function runSeed(scenario: Scenario, seed: number, options: SweepOptions): SweepLine {
  const signing = options.signing ?? scenario.signing ?? true;
  const ctx = { seed, signing, checkDeterminism: options.checkDeterminism };
  const runOptions = {
    seed,
    crypto: nodeCrypto,
    signing,
    ...(options.roomVersion ? { roomVersion: options.roomVersion } : {}),
    ...(options.traceRetention ? { traceRetention: options.traceRetention } : {}),
  };
  try {
    if (options.checkDeterminism) {
      const { report, difference } = runTwice(scenario, runOptions);
      return lineOfReport(report, ctx, difference);
    }
    return lineOfReport(runWithTrace(scenario, runOptions).report, ctx, null);
  } catch (e) {
    return lineOfCrash(scenario.name, options.roomVersion ?? scenario.roomVersion ?? DEFAULT_ROOM_VERSION, ctx, e);
  }
}
