// Option parsing shared by every command: node:util's parseArgs, with `--help` handled
// the same way everywhere and every mistake turned into a UsageError that ends with
// the command's help (exit 2, no stack trace).

import { parseArgs, type ParseArgsConfig } from "node:util";
import { parseRoomVersion, type RoomVersion } from "../core/index.ts";
import { readsTraceRecords, type Scenario } from "../scenarios/index.ts";
import { TRACE_RETENTIONS, type TraceRetention } from "../sim/index.ts";
import { UsageError } from "./command.ts";

type Options = NonNullable<ParseArgsConfig["options"]>;

export type Parsed<O extends Options> = ReturnType<
  typeof parseArgs<{
    args: string[];
    options: O & { help: { type: "boolean"; short: "h" } };
    allowPositionals: true;
    strict: true;
  }>
>;

/**
 * Parse a command's arguments. Returns undefined when --help was asked for (the help
 * is printed already): the command then exits 0.
 */
export function parseCommandArgs<O extends Options>(
  args: readonly string[],
  options: O,
  help: string,
): Parsed<O> | undefined {
  let parsed: Parsed<O>;
  try {
    parsed = parseArgs({
      args: [...args],
      options: { ...options, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    }) as Parsed<O>;
  } catch (e) {
    // Node's message for an unknown option goes on about positionals; name the option only.
    const message = (e as Error).message;
    const unknown = /^Unknown option '([^']+)'/.exec(message);
    // Node's message for `--seed -1` runs to three lines: say it in one.
    const ambiguous = /^Option '(--[\w-]+)[^']*' argument is ambiguous/.exec(message);
    const problem = unknown
      ? `unknown option ${unknown[1]}`
      : ambiguous
        ? `${ambiguous[1]} needs a value; write a value that starts with "-" as ${ambiguous[1]}=-…`
        : message.replace(/\s*\n\s*/g, " ");
    throw new UsageError(`${problem} ${seeHelp(help)}`);
  }
  if ((parsed.values as { help?: boolean }).help) {
    process.stdout.write(help + "\n");
    return undefined;
  }
  return parsed;
}

/** "(`netsplit run --help` lists the options)", from the first line of a command's help. */
export function seeHelp(help: string): string {
  const command = /^usage: (netsplit \w+)/.exec(help)?.[1] ?? "netsplit";
  return `(\`${command} --help\` lists the options)`;
}

/** A whole number option (≥ min), or the fallback when the option is absent. */
export function intOption(value: string | undefined, name: string, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  if (!/^-?\d+$/.test(value) || Number(value) < min || !Number.isSafeInteger(Number(value))) {
    throw new UsageError(`--${name} must be a whole number ≥ ${min}, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}

/**
 * The one grammar of a seed, for every command and option: a whole number from 0 to
 * 2^53−1 in plain decimal digits, without sign, spaces, leading zeros or decimal point.
 * One seed has one spelling, so `7`, `07`, ` 7` and `7.0` cannot be three different runs.
 */
export const SEED_GRAMMAR =
  "a whole number 0..9007199254740991 in plain decimal digits (no sign, spaces, leading zeros or decimal point)";

/** The seed a text spells, or undefined when it does not follow SEED_GRAMMAR. */
export function parseSeedText(text: string): number | undefined {
  if (!/^(0|[1-9]\d*)$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** A seed option (SEED_GRAMMAR), or the fallback when it is absent. */
export function seedOption(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const seed = parseSeedText(value);
  if (seed === undefined) throw new UsageError(`--${name} must be ${SEED_GRAMMAR}, got ${JSON.stringify(value)}`);
  return seed;
}

/** The room version an option names (or undefined when the option is absent). */
export function roomVersionRecordOption(value: string | undefined): RoomVersion | undefined {
  if (value === undefined) return undefined;
  try {
    return parseRoomVersion(value);
  } catch (e) {
    throw new UsageError(`--room-version: ${(e as Error).message}`);
  }
}

/** A room version id the core knows, for scenarios, which name versions by id. */
export function roomVersionOption(value: string | undefined): string | undefined {
  return roomVersionRecordOption(value)?.id;
}

/** --trace-retention: what a run's trace keeps (sim/trace.ts); undefined when the option is absent. */
export function traceRetentionOption(value: string | undefined): TraceRetention | undefined {
  if (value === undefined) return undefined;
  const retention = TRACE_RETENTIONS.find((r) => r === value);
  if (!retention)
    throw new UsageError(
      `--trace-retention must be one of ${TRACE_RETENTIONS.join(", ")}, got ${JSON.stringify(value)}`,
    );
  return retention;
}

/**
 * What a run's trace keeps: the retention given, else full when something will read the
 * records (`commandReads`: a trace file, a determinism check; or the scenario's own
 * checks: readsTraceRecords), else hash-only: the same trace hash, without holding every
 * record until the run ends.
 */
export function traceRetentionFor(
  given: TraceRetention | undefined,
  scenario: Scenario,
  commandReads: boolean,
): TraceRetention {
  return given ?? (commandReads || readsTraceRecords(scenario) ? "full" : "hash-only");
}

/** What needs every record of the trace refuses a retention that keeps none. */
export function requireFullTrace(retention: TraceRetention | undefined, needs: string): void {
  if (retention !== undefined && retention !== "full")
    throw new UsageError(`${needs} reads every trace record: leave out --trace-retention ${retention} (or give full)`);
}
