// `netsplit list`: the shipped scenarios, each with the first sentence of its description.

import { SCENARIOS } from "../../scenarios/index.ts";
import { parseCommandArgs, seeHelp } from "../args.ts";
import { EXIT, UsageError, type Command } from "../command.ts";

const HELP = `usage: netsplit list [options]

The scenarios that ship with netsplit, with the first sentence of each description.
Run one with \`netsplit run <name>\`; JSON scenario files (docs/scenarios.md) run the
same way by path, e.g. \`netsplit run scenarios/shipped/json/three-servers.json\`.

options:
  --json        print [{"name", "summary", "description"}, …]
  -h, --help    this help`;

/** The first sentence: up to the first . ! or ? that ends a sentence (followed by a capital, or the end). */
export function firstSentence(text: string): string {
  const m = /^[\s\S]*?[.!?](?=\s+[A-Z]|\s*$)/.exec(text.trim());
  return (m ? m[0] : text).trim();
}

export const listCommand: Command = {
  async run(args) {
    const parsed = parseCommandArgs(args, { json: { type: "boolean" } }, HELP);
    if (!parsed) return EXIT.ok;
    if (parsed.positionals.length > 0) throw new UsageError(`list takes no arguments ${seeHelp(HELP)}`);
    const rows = SCENARIOS.map((s) => ({
      name: s.name,
      summary: firstSentence(s.description),
      description: s.description,
    }));
    if (parsed.values.json) {
      process.stdout.write(JSON.stringify(rows, null, 2) + "\n");
      return EXIT.ok;
    }
    const width = rows.reduce((w, r) => Math.max(w, r.name.length), 0);
    for (const r of rows) process.stdout.write(`${r.name.padEnd(width)}  ${r.summary}\n`);
    return EXIT.ok;
  },
};
