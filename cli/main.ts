// `netsplit <command> [args]`: dispatches to one module per command. Exit codes are
// the same for every command: 0 success, 1 a check or expectation failed, 2 bad input.

import { EXIT, UsageError, type Command } from "./command.ts";
import { resolveCommand } from "./commands/resolve.ts";

const COMMANDS: readonly Command[] = [resolveCommand];

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    "usage: netsplit <command> [options]",
    "",
    "commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Run `netsplit <command> --help` for a command's options.",
  ].join("\n");
}

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(usage() + "\n");
    return name === undefined ? EXIT.badInput : EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`netsplit: unknown command ${JSON.stringify(name)}\n\n${usage()}\n`);
    return EXIT.badInput;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`netsplit ${command.name}: ${e.message}\n`);
      return EXIT.badInput;
    }
    throw e;
  }
}

process.exitCode = await main(process.argv.slice(2));
