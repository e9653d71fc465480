// The commands of `netsplit`, each with the line `netsplit --help` prints, and its code
// loaded only when it runs: a command's module brings its own dependencies (fast-check
// for check and difftest, yaml and d3 for experiment, the HTTP front end for serve), and
// compiling all of them cost every start, `run` included, about twice what `run` needs.
// The prebuilt CLI (cli/prebuilt.js) is one CommonJS file, in which esbuild turns each
// import() below into a module initialised when the command first loads: every start
// still reads the whole file, but evaluates and compiles only the command it runs.

import type { Command } from "../command.ts";

export interface CommandEntry {
  name: string;
  /** One line for `netsplit --help`. */
  summary: string;
  load(): Promise<Command>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: "list",
    summary: "list the shipped scenarios",
    load: async () => (await import("./list.ts")).listCommand,
  },
  {
    name: "run",
    summary: "run one scenario with one seed and print what happened",
    load: async () => (await import("./run.ts")).runCommand,
  },
  {
    name: "sweep",
    summary: "run many seeds on worker threads; JSON lines and a summary",
    load: async () => (await import("./sweep.ts")).sweepCommand,
  },
  {
    name: "merge",
    summary: "combine the results files of a sweep's shards into one summary",
    load: async () => (await import("./merge.ts")).mergeCommand,
  },
  {
    name: "experiment",
    summary: "run a grid of parameters × seeds; JSON lines, CSV summary, SVG plots",
    load: async () => (await import("./experiment.ts")).experimentCommand,
  },
  {
    name: "check",
    summary: "run random scenarios; shrink and save one that fails",
    load: async () => (await import("./check.ts")).checkCommand,
  },
  {
    name: "difftest",
    summary: "compare another resolver with netsplit's on random fixtures",
    load: async () => (await import("./difftest.ts")).difftestCommand,
  },
  {
    name: "resolve",
    summary: "resolve a state-resolution fixture (JSON) and print the state",
    load: async () => (await import("./resolve.ts")).resolveCommand,
  },
  {
    name: "serve",
    summary: "serve the virtual homeservers over HTTP for real Matrix clients",
    load: async () => (await import("./serve.ts")).serveCommand,
  },
];
