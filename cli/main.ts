// `netsplit <command> [args]`: dispatches to one module per command. Exit codes are
// the same for every command: 0 success, 1 a check or expectation failed, 2 bad input.

import { EXIT, UsageError } from "./command.ts";
import { COMMANDS } from "./commands/index.ts";
import { netsplitVersion } from "./version.ts";

function usage(): string {
  const width = COMMANDS.reduce((w, c) => Math.max(w, c.name.length), 0);
  return [
    "usage: netsplit <command> [options]",
    "",
    "commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Run `netsplit <command> --help` (or `netsplit help <command>`) for a command's options.",
    "Scenarios: docs/scenarios.md; the command line, sweeps on Slurm and Kubernetes: docs/cli.md.",
    "",
    "exit codes: 0 ok, 1 a check failed, 2 bad input",
  ].join("\n");
}

export async function main(argv: readonly string[]): Promise<number> {
  const [first, ...others] = argv;
  if (first === "--version" || first === "-v") {
    process.stdout.write(`netsplit ${netsplitVersion()}\n`);
    return EXIT.ok;
  }
  // `netsplit help run` is `netsplit run --help`.
  const [name, rest] = first === "help" && others[0] !== undefined ? [others[0], ["--help"]] : [first, others];
  if (name === undefined) {
    // Bad input like any other: one line, exit 2 (`netsplit --help` prints the usage).
    process.stderr.write(
      `netsplit: give a command: ${COMMANDS.map((c) => c.name).join(", ")} (\`netsplit --help\` says what each does)\n`,
    );
    return EXIT.badInput;
  }
  if (name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(usage() + "\n");
    return EXIT.ok;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) {
    process.stderr.write(
      `netsplit: unknown command ${JSON.stringify(name)}: the commands are ${COMMANDS.map((c) => c.name).join(", ")} (\`netsplit --help\`)\n`,
    );
    return EXIT.badInput;
  }
  const command = await entry.load();
  try {
    return await command.run(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`netsplit ${entry.name}: ${oneLine(e.message)}\n`);
      return EXIT.badInput;
    }
    // An I/O failure that no command turned into a message (a disk filling up mid-write):
    // one line and exit 2, never 1, which a batch job would take for a finished shard.
    const io = ioFailure(e);
    if (io) {
      process.stderr.write(`netsplit ${entry.name}: ${oneLine(io)}\n`);
      return EXIT.badInput;
    }
    throw e;
  }
}

/**
 * A message as one line: it may quote the user's input (JSON.parse quotes the bad text),
 * and a newline or other control character there would break "one line, exit 2".
 */
export function oneLine(message: string): string {
  // eslint-disable-next-line no-control-regex
  return message.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Error codes of the file system and streams: the machine's trouble, not a netsplit bug. */
const IO_CODES = new Set([
  "ENOSPC",
  "EDQUOT",
  "EROFS",
  "EACCES",
  "EPERM",
  "EISDIR",
  "ENOTDIR",
  "ENOENT",
  "EIO",
  "EPIPE",
  "EBADF",
  "EFBIG",
  "EMFILE",
  "ENFILE",
]);

function ioFailure(e: unknown): string | undefined {
  const err = e as NodeJS.ErrnoException | undefined;
  if (!(err instanceof Error) || typeof err.code !== "string" || !IO_CODES.has(err.code)) return undefined;
  return `${err.syscall ? `${err.syscall} ` : ""}${err.path ? `${err.path}: ` : ""}${err.code} (${err.message.replace(/^[A-Z]+: /, "").replace(/\s*\n[\s\S]*/, "")})`;
}
