// What every `netsplit` subcommand provides, and the exit codes they share.

export const EXIT = {
  ok: 0,
  /** A check failed or the result differs from what was expected. */
  failed: 1,
  /** Bad input: unknown command or option, unreadable or malformed file. */
  badInput: 2,
} as const;

/** A command's code; its name and one-line summary are in cli/commands/index.ts. */
export interface Command {
  /** Returns the exit code. Throws UsageError for bad input (printed without a stack trace). */
  run(args: readonly string[]): Promise<number>;
}

/** Bad input from the user: the message says what is wrong and what to do. */
export class UsageError extends Error {
  override name = "UsageError";
}
